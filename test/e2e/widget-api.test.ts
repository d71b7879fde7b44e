/**
 * The page-facing API in Chromium: every call of the npm instance (and of `Parley(...)`),
 * every event, the page URL following SPA navigation, and a single-page app mounting and
 * unmounting the widget without leaving sockets, DOM or listeners behind.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ChannelDTO } from '../../server/protocol.ts';
import type { TestParley } from '../helpers/server.ts';
import {
  AGENT_NAME,
  agentJoins,
  agentSays,
  conversation,
  countSockets,
  delivered,
  eventually,
  messageBox,
  openChat,
  storedSession,
  widgetSuite,
  write,
} from './widget-helpers.ts';

let parley: TestParley;
let browser: Browser;
let flow: string;
const visitor = widgetSuite((suite) => {
  ({ parley, browser, flow } = suite);
});

type SpaWindow = Window & {
  spa: {
    mount(options?: object): unknown;
    unmount(): void;
    webchat: Record<string, (...args: unknown[]) => unknown>;
  };
  events: [string, unknown][];
  liveSockets(): number;
};

/** The SPA test page with the npm widget mounted, every event recorded in `window.events`. */
async function spaPage(options: object = {}): Promise<Page> {
  const page = await visitor.page(`/spa.html?flow=${flow}`);
  await page.evaluate((options) => {
    const w = window as unknown as SpaWindow;
    w.events = [];
    const webchat = w.spa.mount(options) as SpaWindow['spa']['webchat'];
    for (const name of [
      'ready',
      'open',
      'close',
      'message',
      'unread',
      'engagement:start',
      'engagement:end',
    ]) {
      webchat.on?.(name, (arg: { body?: string; channelSid?: string; status?: string } | number) =>
        w.events.push([name, typeof arg === 'object' ? (arg.body ?? arg.status ?? arg.channelSid) : arg]),
      );
    }
  }, options);
  return page;
}

const events = (page: Page) => page.evaluate(() => (window as unknown as SpaWindow).events);
const call = (page: Page, method: string, ...args: unknown[]) =>
  page.evaluate(
    ([method, args]) =>
      (window as unknown as SpaWindow).spa.webchat[method as string]?.(...(args as unknown[])),
    [method, args] as const,
  );

async function channelOf(page: Page): Promise<ChannelDTO> {
  const session = await storedSession(page, flow);
  return (await parley.api<ChannelDTO>('GET', `/v1/Channels/${session?.channelSid}`)).body;
}

describe('the instance API and its events', () => {
  it('emits ready, open, engagement:start, message, close, unread and engagement:end as they happen', async () => {
    const page = await spaPage();
    await eventually(() => events(page)).toEqual([['ready', undefined]]);
    await call(page, 'toggle');
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    await write(page, 'Hello from the SPA');
    await delivered(page);
    const { sid } = await channelOf(page);
    expect(await events(page)).toEqual([
      ['ready', undefined],
      ['open', undefined],
      ['engagement:start', sid],
      ['message', 'Hello from the SPA'],
    ]);

    await call(page, 'close');
    await agentJoins(parley, sid);
    await agentSays(parley, sid, 'Hi! How can I help?');
    await eventually(() => page.getByRole('button', { name: 'Open chat' }).textContent()).toContain('1');
    expect(await page.title()).toBe('(1) Single-page app');
    await call(page, 'toggle');
    await conversation(page).getByText('Hi! How can I help?').waitFor();
    expect(await page.title()).toBe('Single-page app');

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await page.getByRole('status').filter({ hasText: 'You ended the chat.' }).waitFor();
    expect((await events(page)).slice(4, 10)).toEqual([
      ['close', undefined],
      ['message', 'Hi! How can I help?'],
      ['unread', 1],
      ['unread', 0],
      ['open', undefined],
      ['engagement:end', 'inactive'],
    ]);
  });

  it('stops calling a listener after off(), and on() returns an unsubscribe function', async () => {
    const page = await spaPage();
    await page.evaluate(() => {
      const w = window as unknown as SpaWindow & { seen: string[] };
      w.seen = [];
      const listener = () => w.seen.push('off-listener');
      w.spa.webchat.on?.('close', listener);
      w.spa.webchat.off?.('close', listener);
      const unsubscribe = w.spa.webchat.on?.('close', () => w.seen.push('unsubscribed')) as () => void;
      unsubscribe();
      w.spa.webchat.on?.('close', () => w.seen.push('kept'));
    });
    await call(page, 'open');
    await call(page, 'close');
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['kept']);
  });

  it('sends identify() and setContext() data and the page URL after SPA navigation with the new chat', async () => {
    const page = await spaPage({ context: { plan: 'free' } });
    await call(page, 'identify', { userId: 'u-42', name: 'Grace Hopper', email: 'grace@example.com' });
    await call(page, 'setContext', { plan: 'pro', cart: '3 items' });
    await page.getByRole('button', { name: 'Go to checkout' }).click();
    await openChat(page);
    await write(page, 'Question about my order');
    await delivered(page);
    const { attributes } = await channelOf(page);
    expect(attributes.from).toBe('Grace Hopper');
    expect(attributes.preEngagementData).toEqual({
      plan: 'pro',
      cart: '3 items',
      userId: 'u-42',
      email: 'grace@example.com',
    });
    expect(attributes.pageUrl).toBe(`${parley.url}/checkout?step=2`);
  });

  it('switches language with setLocale(), and takes locale and strings options', async () => {
    const page = await spaPage({ locale: 'fr', strings: { title: 'Parlez à Northwind' } });
    await page.getByRole('button', { name: 'Ouvrir le chat' }).click();
    await page.getByRole('heading', { name: 'Parlez à Northwind' }).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await call(page, 'setLocale', 'de');
    await page.getByRole('button', { name: 'Chat schließen' }).waitFor();
    await page.getByRole('log', { name: 'Unterhaltung' }).waitFor();
    await call(page, 'setLocale', 'en');
    await page.getByRole('button', { name: 'Close chat' }).waitFor();
  });

  it('follows the browser’s language by default', async () => {
    const context = await visitor.context({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${parley.url}/spa.html?flow=${flow}`);
    await page.getByRole('button', { name: 'Mount chat', exact: true }).click();
    await page.getByRole('button', { name: 'Abrir chat' }).waitFor();
  });

  it('forgets the visitor on shutdown(): no session, no widget, no socket', async () => {
    const context = await visitor.context();
    await countSockets(context);
    const page = await context.newPage();
    await page.goto(`${parley.url}/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as SpaWindow).spa.mount());
    await openChat(page);
    await write(page, 'Log me out after this');
    await delivered(page);
    await call(page, 'shutdown');
    expect(await page.evaluate(() => document.querySelectorAll('parley-webchat').length)).toBe(0);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley:'))),
    ).toEqual([]);
    await eventually(() => page.evaluate(() => (window as unknown as SpaWindow).liveSockets())).toBe(0);
  });
});

describe('a single-page app', () => {
  it('mounting, unmounting and remounting leaves one socket and no stray DOM, listeners or history patches', async () => {
    const context = await visitor.context();
    await countSockets(context);
    await context.addInitScript(() => {
      // Net listeners per target and type, added by anyone after this point.
      const net = new Map<string, number>();
      (window as unknown as { listeners(): Record<string, number> }).listeners = () =>
        Object.fromEntries([...net].filter(([, n]) => n !== 0));
      const add = EventTarget.prototype.addEventListener;
      const remove = EventTarget.prototype.removeEventListener;
      const name = (target: EventTarget, type: string) =>
        `${target === window ? 'window' : target === document ? 'document' : target.constructor.name}:${type}`;
      const counted = new WeakMap<object, Set<string>>();
      EventTarget.prototype.addEventListener = function (type, listener, options) {
        if (this === window || this === document || this === window.visualViewport) {
          const key = name(this, type);
          const seen = counted.get(listener as object) ?? new Set();
          if (listener && !seen.has(key)) {
            seen.add(key);
            counted.set(listener as object, seen);
            net.set(key, (net.get(key) ?? 0) + 1);
          }
        }
        return add.call(this, type, listener, options);
      };
      EventTarget.prototype.removeEventListener = function (type, listener, options) {
        if (this === window || this === document || this === window.visualViewport) {
          const key = name(this, type);
          if (listener && counted.get(listener as object)?.delete(key)) net.set(key, (net.get(key) ?? 0) - 1);
        }
        return remove.call(this, type, listener, options);
      };
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${parley.url}/spa.html?flow=${flow}`);
    const state = () =>
      page.evaluate(() => ({
        sockets: (window as unknown as SpaWindow).liveSockets(),
        hosts: document.querySelectorAll('parley-webchat, #parley-webchat').length,
        nativeHistory: history.pushState.toString().includes('[native code]'),
      }));
    const listeners = () =>
      page.evaluate(() => (window as unknown as { listeners(): Record<string, number> }).listeners());
    const baseline = await listeners();

    await page.getByRole('button', { name: 'Mount chat', exact: true }).click();
    await openChat(page);
    await write(page, 'First mount');
    await delivered(page);
    for (let round = 0; round < 3; round++) {
      await page.getByRole('button', { name: 'Unmount chat' }).click();
      await eventually(state).toEqual({ sockets: 0, hosts: 0, nativeHistory: true });
      await eventually(listeners).toEqual(baseline);
      await page.getByRole('button', { name: 'Mount chat', exact: true }).click();
      // The stored session resumes at once: one connection, the history there.
      await conversation(page).getByText('First mount').waitFor();
      await eventually(state).toEqual({ sockets: 1, hosts: 1, nativeHistory: false });
    }
    await page.getByRole('button', { name: 'Mount chat', exact: true }).click(); // mount() over a mounted one
    await conversation(page).getByText('First mount').waitFor();
    await eventually(state).toEqual({ sockets: 1, hosts: 1, nativeHistory: false });
  });
});

describe('Parley() on the script-tag page', () => {
  it('takes its options from data- attributes over window.parleySettings', async () => {
    const context = await visitor.context();
    await context.route(`${parley.url}/`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        /<script src="\/widget\/parley\.js"[^>]*><\/script>/,
        `<script src="/widget/parley.js" data-flex-flow="${flow}" data-locale="de" data-start-open="true" data-theme='{"position":"left","offsetX":12,"colors":{"primary":"#0f766e"}}' data-strings='{"title":"Fragen Sie uns"}' async></script>`,
      );
      await route.fulfill({ response, body: html });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${parley.url}/`);
    await page.getByRole('heading', { name: 'Fragen Sie uns' }).waitFor();
    await eventually(() => page.getByRole('textbox', { name: 'Nachricht' }).isEnabled()).toBe(true);
    const dialog = await page.getByRole('dialog').boundingBox();
    expect(dialog?.x).toBe(12);
    expect((await storedSession(page, flow))?.channelSid).toMatch(/^CH/);
  });

  it('answers toggle, on, setLocale, off and shutdown', async () => {
    const page = await visitor.page('/');
    await page.evaluate(() => {
      const w = window as unknown as { Parley(...args: unknown[]): void; seen: string[] };
      w.seen = [];
      const onOpen = () => w.seen.push('open');
      w.Parley('on', 'open', onOpen);
      w.Parley('on', 'ready', () => w.seen.push('ready'));
      w.Parley('toggle');
      (w as unknown as { onOpen: () => void }).onOpen = onOpen;
    });
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'ready',
      'open',
    ]);
    await page.evaluate(() => {
      const w = window as unknown as { Parley(...args: unknown[]): void; onOpen: () => void };
      w.Parley('off', 'open', w.onOpen);
      w.Parley('setLocale', 'es');
    });
    await page.getByRole('button', { name: 'Cerrar chat' }).click();
    await page.evaluate(() => (window as unknown as { Parley(...args: unknown[]): void }).Parley('toggle'));
    await page.getByRole('button', { name: 'Cerrar chat' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'ready',
      'open',
    ]);
    await page.evaluate(() => (window as unknown as { Parley(...args: unknown[]): void }).Parley('shutdown'));
    expect(await page.evaluate(() => document.querySelectorAll('#parley-webchat').length)).toBe(0);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley:'))),
    ).toEqual([]);
    expect(AGENT_NAME).toBeTruthy();
  });
});
