/**
 * What the visitor sees and does in Chromium: quick replies, markdown-lite, "Seen", sounds,
 * the transcript, theming, and the phone layout that follows the on-screen keyboard.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import type { TestParley } from '../helpers/server.ts';
import {
  AGENT_IDENTITY,
  agentJoins,
  agentSays,
  conversation,
  delivered,
  eventually,
  openChat,
  storedMessages,
  storedSession,
  widgetSuite,
  write,
} from './widget-helpers.ts';

let parley: TestParley;
let flow: string;
const visitor = widgetSuite((suite) => {
  ({ parley, flow } = suite);
});

/** A visitor on the SPA page with the npm widget mounted with `options`, chat open and started. */
async function chatting(
  options: object = {},
  contextOptions?: object,
): Promise<{ page: Page; channelSid: string }> {
  const page = await visitor.page(`/spa.html?flow=${flow}`, contextOptions);
  await page.evaluate(
    (options) => (window as unknown as { spa: { mount(o: object): void } }).spa.mount(options),
    options,
  );
  await openChat(page);
  await write(page, 'Hello');
  await delivered(page);
  const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
  await agentJoins(parley, channelSid);
  return { page, channelSid };
}

const quickReply = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

describe('messages', () => {
  it('offers quick replies under the newest message, sends a tapped one, then hides them', async () => {
    const { page, channelSid } = await chatting();
    await agentSays(parley, channelSid, 'What can I do for you?', {
      quickReplies: ['Track my order', 'Talk to a human'],
    });
    await quickReply(page, 'Talk to a human').waitFor();
    await quickReply(page, 'Track my order').click();
    await delivered(page);
    await eventually(() => quickReply(page, 'Talk to a human').count()).toBe(0);
    const sent = (await storedMessages(parley, channelSid)).at(-1) as MessageDTO;
    expect(sent).toMatchObject({
      body: 'Track my order',
      authorRole: 'customer',
      clientId: expect.any(String),
    });

    // Replies of an older message are not offered once a newer message arrived.
    await agentSays(parley, channelSid, 'Pick one', { quickReplies: ['Yes', 'No'] });
    await quickReply(page, 'Yes').waitFor();
    await agentSays(parley, channelSid, 'Actually, never mind.');
    await eventually(() => quickReply(page, 'Yes').count()).toBe(0);
  });

  it('says so when a part of the chat cannot load, and loads it on Try again', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    // The lazy chunk with the quick replies cannot be fetched (the network dropped), until it can.
    let blocked = true;
    let requests = 0;
    await page.route(/\/later-[\w-]+\.js/, (route) => {
      requests++;
      return blocked ? route.abort('internetdisconnected') : route.continue();
    });
    await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
    await openChat(page);
    // The open window fetches it in the background, before anything needs it; that failure is silent.
    await eventually(async () => requests).toBe(1);
    await write(page, 'Hello');
    await delivered(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
    await agentJoins(parley, channelSid);
    await agentSays(parley, channelSid, 'What can I do for you?', { quickReplies: ['Track my order'] });
    const alert = page.getByRole('alert').filter({ hasText: 'Part of the chat could not load' });
    await alert.waitFor();
    expect(await quickReply(page, 'Track my order').count()).toBe(0);
    // The conversation itself goes on meanwhile.
    await conversation(page).getByText('What can I do for you?').waitFor();

    blocked = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await quickReply(page, 'Track my order').waitFor();
    expect(await alert.count()).toBe(0);
  });

  it('renders markdown-lite as elements, links only to http, https and mailto', async () => {
    const { page, channelSid } = await chatting();
    await agentSays(
      parley,
      channelSid,
      '**Bold** and _italic_ and `code` and [our docs](https://example.com/docs)\nSecond line: [bad](javascript:alert(1)) mailto:help@example.com',
    );
    const log = conversation(page);
    await log.locator('strong').getByText('Bold').waitFor();
    expect(await log.locator('em').textContent()).toBe('italic');
    expect(await log.locator('code').textContent()).toBe('code');
    const links = await log
      .locator('a')
      .evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]));
    expect(links).toEqual([
      ['our docs', 'https://example.com/docs', 'noopener noreferrer nofollow'],
      ['mailto:help@example.com', 'mailto:help@example.com', 'noopener noreferrer nofollow'],
    ]);
    await log.getByText('[bad](javascript:alert(1))', { exact: false }).waitFor();
    expect(await log.locator('[href^="javascript"]').count()).toBe(0);
  });

  it('shows "Seen" under the visitor’s newest message the agent has read', async () => {
    const { page, channelSid } = await chatting();
    await write(page, 'Did you get this?');
    await delivered(page);
    expect(await conversation(page).getByText('Seen').count()).toBe(0);
    const last = (await storedMessages(parley, channelSid)).at(-1) as MessageDTO;
    await parley.server.core.conversations.markRead(channelSid, AGENT_IDENTITY, last.index);
    const seen = conversation(page).locator('li', { hasText: 'Did you get this?' }).getByText('Seen');
    await seen.waitFor();
    expect(await conversation(page).getByText('Seen').count()).toBe(1);
  });

  it('chimes for a message arriving while closed when sounds are on', async () => {
    const context = await visitor.context();
    await context.addInitScript(() => {
      const w = window as unknown as { tones: number; AudioContext: typeof AudioContext };
      w.tones = 0;
      const Native = w.AudioContext;
      w.AudioContext = class extends Native {
        override createOscillator() {
          w.tones++;
          return super.createOscillator();
        }
      };
    });
    const page = await context.newPage();
    await page.goto(`${parley.url}/spa.html?flow=${flow}`);
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({ sounds: true }),
    );
    await openChat(page);
    await write(page, 'Ring me');
    await delivered(page);
    const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
    await agentJoins(parley, channelSid);
    await page.getByRole('button', { name: 'Close chat' }).click();
    await agentSays(parley, channelSid, 'Ding');
    await eventually(() =>
      page.evaluate(() => (window as unknown as { tones: number }).tones),
    ).toBeGreaterThan(0);
  });

  it('downloads the transcript as a text file', async () => {
    const { page, channelSid } = await chatting();
    await agentSays(parley, channelSid, 'Your order ships tomorrow.');
    await conversation(page).getByText('Your order ships tomorrow.').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download transcript' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`chat-${channelSid}.txt`);
    const text = await readFile((await download.path()) as string, 'utf8');
    expect(text).toMatch(/: Hello\n/);
    expect(text).toMatch(/Alex Morgan: Your order ships tomorrow\.\n/);
  });
});

describe('looks', () => {
  it('takes a theme: colors, font, radius, left position, offsets, z-index and dark mode', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({
        theme: {
          colors: { primary: '#0f766e' },
          font: 'Georgia, serif',
          radius: 4,
          position: 'left',
          offsetX: 30,
          offsetY: 40,
          zIndex: 1000,
          mode: 'dark',
        },
      }),
    );
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    const box = await launcher.boundingBox();
    expect({ x: box?.x, bottom: 800 - ((box?.y ?? 0) + (box?.height ?? 0)) }).toEqual({ x: 30, bottom: 40 });
    expect(
      await launcher.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).zIndex]),
    ).toEqual(['rgb(15, 118, 110)', '1000']);
    await launcher.click();
    const dialog = page.getByRole('dialog');
    expect(
      await dialog.evaluate((d) => {
        const style = getComputedStyle(d);
        return [
          style.borderTopLeftRadius,
          style.backgroundColor,
          style.fontFamily,
          Math.round(d.getBoundingClientRect().x),
        ];
      }),
    ).toEqual(['4px', 'rgb(17, 24, 39)', 'Georgia, serif', 30]);
  });

  it('fills a phone’s screen and follows the visual viewport when the keyboard opens', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`, {
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await openChat(page);
    const size = () =>
      page.getByRole('dialog').evaluate((d) => {
        const r = d.getBoundingClientRect();
        return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
      });
    expect(await size()).toEqual([0, 0, 375, 667]);
    // The on-screen keyboard shrinks the visual viewport; the window (and its composer) follow.
    await page.setViewportSize({ width: 375, height: 380 });
    await eventually(size).toEqual([0, 0, 375, 380]);
    const composer = await page.getByRole('textbox', { name: 'Message' }).boundingBox();
    expect((composer?.y ?? 999) + (composer?.height ?? 0)).toBeLessThanOrEqual(380);
  });
});

describe('the session', () => {
  it('exchanges a token about to expire for a fresh one on connect, and keeps the conversation', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await openChat(page);
    await write(page, 'Before the refresh');
    await delivered(page);
    const key = `parley:session:${flow}`;
    const first = await storedSession(page, flow);
    // The stored session says its token expires within the day: the widget renews it.
    await page.evaluate((key) => {
      const session = JSON.parse(localStorage.getItem(key) ?? '{}');
      localStorage.setItem(
        key,
        JSON.stringify({ ...session, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
      );
    }, key);
    await page.reload();
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await conversation(page).getByText('Before the refresh').waitFor();
    await eventually(async () => (await storedSession(page, flow))?.token).not.toBe(first?.token);
    const renewed = (await storedSession(page, flow)) as unknown as { channelSid: string; expiresAt: string };
    expect(renewed.channelSid).toBe(first?.channelSid);
    expect(Date.parse(renewed.expiresAt) - Date.now()).toBeGreaterThan(24 * 3_600_000);
    await write(page, 'After the refresh');
    await delivered(page);
  });

  it('announces new messages politely through the conversation log', async () => {
    const { page } = await chatting();
    const log = page.getByRole('log', { name: 'Conversation' });
    expect(await log.getAttribute('aria-live')).toBe('polite');
  });
});

describe('the conversation with the server', () => {
  it('shows the visitor’s place in the queue while the task waits for an agent', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await openChat(page);
    await write(page, 'Is anyone there?');
    await delivered(page);
    await page
      .getByRole('status')
      .getByText(/You are number \d+ in the queue\./)
      .waitFor();
  });

  it('sends a verified identity (userHash) so the visitor is the site’s user on every device', async () => {
    const secret = 'site-secret-for-tests';
    const verifying = (
      await parley.api('POST', '/v1/FlexFlows', {
        friendlyName: 'Verified',
        channelType: 'web',
        contactIdentity: 'verified-test',
        enabled: true,
        integrationType: 'task',
        integration: { identityVerification: { required: false, secret } },
        allowedOrigins: ['self'],
      })
    ).body.sid as string;
    const userHash = createHmac('sha256', secret).update('u-77').digest('hex');
    const identities: string[] = [];
    for (let device = 0; device < 2; device++) {
      const page = await visitor.page(`/spa.html?flow=${verifying}`);
      await page.evaluate(
        (identity) => {
          const spa = (window as unknown as { spa: { mount(): { identify(i: object): void } } }).spa;
          spa.mount().identify(identity);
        },
        { userId: 'u-77', name: 'Grace Hopper', email: 'grace@example.com', userHash },
      );
      await openChat(page);
      identities.push(((await storedSession(page, verifying)) as unknown as { identity: string }).identity);
    }
    expect(identities).toEqual([`user:${verifying}:u-77`, `user:${verifying}:u-77`]);
  });
});
