/**
 * The XSS corpus (test/fixtures/xss-payloads.txt) through the real stack: message bodies,
 * customer and agent names, pre-engagement fields, page URLs, message attributes, quick
 * replies and file names reach the widget (demo shop, open shadow root) and the agent desktop
 * in Chromium. Nothing may run (a `window.__xss` canary, dialogs, CSP violations) and no active
 * element may be rendered from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDTO } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { connectAgent, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const PAYLOADS = readFileSync(join(import.meta.dirname, '../fixtures/xss-payloads.txt'), 'utf8')
  .split('\n')
  .filter(Boolean);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const short = PAYLOADS.filter((p) => p.length <= 120);

let parley: TestParley;
let browser: Browser;
const alarms: string[] = [];
/** Every URL the browsers asked for: a session token must never be in one. */
const urls: string[] = [];

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000, webChannelsPerMinute: 10_000 } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

/** A page that reports every dialog, CSP violation and page error into `alarms`. */
async function watchedPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    alarms.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => alarms.push(`page error: ${err.message}`));
  page.on('request', (req) => urls.push(req.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  return page;
}

/** What ran or was rendered that should not have been, in the page and its open shadow roots. */
function findings(page: Page) {
  return page.evaluate((origin) => {
    const found: string[] = [];
    const w = window as unknown as { __xss?: unknown; __x?: unknown; __csp?: string[] };
    if (w.__xss !== undefined || w.__x !== undefined) found.push('canary window.__xss was set');
    for (const v of w.__csp ?? []) found.push(`CSP violation: ${v}`);
    const roots: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < roots.length; i++) {
      for (const el of (roots[i] as ParentNode).querySelectorAll('*')) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        const tag = el.tagName.toLowerCase();
        if (tag === 'script') {
          const src = (el as HTMLScriptElement).src;
          const own = ['/assets/', '/agent/assets/', '/widget/'].some((path) =>
            src.startsWith(`${origin}${path}`),
          );
          if (!src || !own) {
            found.push(`script element: ${el.outerHTML.slice(0, 80)}`);
          }
        }
        if (['iframe', 'object', 'embed', 'frame', 'frameset', 'portal', 'base', 'applet'].includes(tag)) {
          found.push(`active element <${tag}>`);
        }
        if (tag === 'meta' && el.getAttribute('http-equiv')) found.push('meta http-equiv');
        for (const attr of el.getAttributeNames()) {
          const value = (el.getAttribute(attr) ?? '')
            .trim()
            .toLowerCase()
            .split('')
            .filter((ch) => ch.charCodeAt(0) > 32)
            .join('');
          if (attr.startsWith('on')) found.push(`<${tag} ${attr}>`);
          if (attr === 'srcdoc') found.push(`<${tag} srcdoc>`);
          if (
            ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster'].includes(
              attr,
            ) &&
            /^(javascript|vbscript|data:text\/html)/.test(value)
          ) {
            found.push(`<${tag} ${attr}="${value.slice(0, 40)}">`);
          }
        }
      }
    }
    return found;
  }, parley.url);
}

/** Resolves once the page has drawn a frame: its main thread is free again. */
function settled(page: Page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(true))));
}

/** The text a page shows, shadow roots included. */
function allText(page: Page) {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      parts.push((root as Document).body?.textContent ?? (root as ShadowRoot).textContent ?? '');
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return parts.join('\n');
  });
}

describe('the XSS corpus through the whole stack', () => {
  it('has at least 200 payloads', () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(200);
  });

  it('would see a payload that ran or rendered (the detector itself)', async () => {
    const page = await watchedPage();
    await page.goto(parley.url);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await findings(page)).toEqual([]);
    await page.evaluate(() => {
      const host = document.createElement('div');
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).innerHTML =
        '<a href="javascript:void 0">x</a><img src="x" onerror="1">';
      (window as unknown as { __xss: number }).__xss = 1;
    });
    // The CSP also refuses the inline handler, and says so.
    expect(await findings(page)).toEqual(
      expect.arrayContaining([
        'canary window.__xss was set',
        '<a href="javascript:void0">',
        '<img onerror>',
        expect.stringMatching(/^CSP violation: script-src/),
      ]),
    );
    await page.context().close();
  });

  it('runs nothing and renders no active element in the widget or the agent desktop', async () => {
    const workers = (await parley.api('GET', '/v1/Workers')).body.workers as {
      sid: string;
      username: string;
    }[];
    const agentSid = workers.find((w) => w.username === 'agent')?.sid as string;
    // The agent's name is a payload too: the widget shows "<name> joined the chat".
    await parley.api('POST', `/v1/Workers/${agentSid}`, { capacity: 100, friendlyName: short[0] });

    // The agent desktop, signed in and available.
    const desk = await watchedPage();
    await desk.goto(`${parley.url}/agent`);
    await desk.getByRole('textbox', { name: 'Username' }).fill('agent');
    await desk.getByRole('textbox', { name: 'Password' }).fill('agent');
    await desk.getByRole('button', { name: 'Sign in' }).click();
    const activity = desk.getByRole('combobox', { name: 'Activity' });
    await expect.poll(() => activity.isEnabled(), { timeout: 15_000 }).toBe(true);
    await activity.selectOption('Available');

    // A visitor on the shop opens the widget and writes; the agent accepts on the desktop.
    const shop = await watchedPage();
    await shop.goto(parley.url);
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('hello from the shop');
    await shop.getByRole('textbox', { name: 'Message' }).press('Enter');
    const offer = desk.getByRole('article').filter({ hasText: 'hello from the shop' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect
      .poll(async () => (await parley.api('GET', '/v1/Tasks?status=assigned')).body.tasks.length)
      .toBe(1);
    const [task] = (await parley.api('GET', '/v1/Tasks?status=assigned')).body.tasks as {
      channelSid: string;
    }[];
    const channelSid = (task as { channelSid: string }).channelSid;
    const members = (await parley.api('GET', `/v1/Channels/${channelSid}/Members`)).body.members as {
      identity: string;
      role: string;
    }[];
    const customer = members.find((m) => m.role === 'customer')?.identity as string;

    // Every payload in a customer's message and in an agent's (with attributes and quick
    // replies), three to a message so the desktop is not asked to render a thousand messages.
    for (let i = 0; i < PAYLOADS.length; i += 3) {
      const three = PAYLOADS.slice(i, i + 3);
      const attributes = Object.fromEntries(three.map((p, k) => [`field${k}`, p]));
      await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
        from: customer,
        body: three.join('\n'),
        attributes: { ...attributes, [three[0]?.slice(0, 50) ?? 'k']: three[0] },
      });
      await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
        from: agentSid,
        body: three.join('\n'),
        attributes: { ...attributes, quickReplies: three, format: 'markdown' },
      });
    }
    // File names: the agent sends files whose names are payloads.
    const agentToken = (await signIn(parley.url)).token;
    for (const name of short.slice(0, 25)) {
      const res = await fetch(`${parley.url}/media/${channelSid}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentToken}`, 'x-filename': encodeURIComponent(`${name}.png`) },
        body: PNG,
      });
      const media =
        res.status === 201
          ? await res.json()
          : { sid: `ME${'0'.repeat(32)}`, contentType: 'image/png', size: 68 };
      await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
        from: agentSid,
        body: name,
        attributes: { media: { ...media, filename: name } },
      });
    }
    // The newest message carries quick replies that are payloads.
    await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
      from: agentSid,
      body: 'Pick one',
      attributes: { quickReplies: short.slice(0, 8) },
    });

    // More customers whose names, pre-engagement answers, page URLs and first messages are payloads.
    const agentSocket = await connectAgent(parley.url, agentToken);
    await request(agentSocket, 'session:sync');
    let channels = 0;
    for (let c = 0; c * 7 < short.length; c++) {
      const batch = short.slice(c * 7, c * 7 + 7);
      const res = await fetch(`${parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: parley.url },
        body: JSON.stringify({
          flexFlowSid: parley.flexFlowSid,
          customerFriendlyName: batch[0],
          preEngagementData: Object.fromEntries(batch.map((p, i) => [`field${i}`, p])),
          pageUrl: batch[1],
        }),
      });
      const session = await res.json();
      await parley.api('POST', `/v1/Channels/${session.channelSid}/Messages`, {
        from: session.identity,
        body: batch[2] ?? 'hi',
      });
      channels++;
    }
    // An offer renders on the desktop (name and first message) before it is taken.
    await settled(desk);
    await expect.poll(() => desk.getByRole('article').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await findings(desk)).toEqual([]);
    // Then the agent takes them all, one offer after another.
    const assigned = async () => (await parley.api('GET', '/v1/Tasks?status=assigned')).body.tasks.length;
    const deadline = Date.now() + 60_000;
    while ((await assigned()) < channels + 1 && Date.now() < deadline) {
      const state = await request<{ offers: OfferDTO[] }>(agentSocket, 'session:sync');
      for (const o of state.offers)
        await request(agentSocket, 'reservation:accept', { reservationSid: o.reservation.sid });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await assigned()).toBe(channels + 1);
    agentSocket.close();

    // The widget shows the whole conversation (reloaded, so it syncs everything).
    await shop.reload();
    const toggle = shop.getByRole('button', { name: /^(Open|Close) chat$/ }).first();
    await toggle.waitFor();
    if (
      (await toggle.getAttribute('aria-label'))?.startsWith('Open') ||
      (await toggle.textContent())?.includes('Open')
    ) {
      await toggle.click();
    }
    await expect.poll(async () => (await allText(shop)).includes('Pick one'), { timeout: 20_000 }).toBe(true);
    const shown = await allText(shop);
    // The payloads arrived as text: the canary's assignment is there to read, not run.
    expect(shown).toContain('<script>window.__xss=1</script>');
    expect(shown).toContain(short[0]);
    expect(await findings(shop)).toEqual([]);

    // The desktop: every chat, its conversation and its customer context.
    await settled(desk);
    const chats = desk.getByRole('navigation', { name: 'Active chats' }).getByRole('button');
    await expect.poll(() => chats.count(), { timeout: 15_000 }).toBeGreaterThan(5);
    const count = await chats.count();
    for (let i = 0; i < count; i++) {
      await chats.nth(i).click();
      await desk.waitForTimeout(50);
    }
    await chats.first().click();
    await expect.poll(async () => (await allText(desk)).includes('Pick one'), { timeout: 15_000 }).toBe(true);
    expect(await allText(desk)).toContain('<script>window.__xss=1</script>');
    expect(await findings(desk)).toEqual([]);
    expect(await findings(shop)).toEqual([]);
    expect(alarms).toEqual([]);
    // Session tokens (`<base64url payload>.<base64url mac>`) travel in headers and bodies only.
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((u) => /token=|[\w-]{40,}\.[\w-]{40,}/i.test(u))).toEqual([]);
  }, 180_000);
});
