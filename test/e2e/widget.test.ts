/**
 * The customer widget in a real Chromium against a real server: the demo shop embeds it with
 * its one script tag; the agent on the other side is a plain socket.io-client.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChatDTO, MessageDTO, OfferDTO, TypingEvent } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { type AgentSocket, connectAgent, next, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { pretendAvailable } from './widget-helpers.ts';

const AGENT_NAME = 'Alex Morgan';
const projectRoot = join(import.meta.dirname, '..', '..');

/**
 * Builds the widget and the pages into a directory of this file's own, so test files building
 * at the same time never empty each other's output. PARLEY_DIST_DIR reuses an existing build.
 */
async function buildWidgetAndPages(): Promise<{ distDir: string; cleanup(): void }> {
  if (process.env.PARLEY_DIST_DIR) return { distDir: process.env.PARLEY_DIST_DIR, cleanup() {} };
  const distDir = mkdtempSync(join(tmpdir(), 'parley-widget-e2e-'));
  const vite = (...args: string[]) =>
    promisify(execFile)('npx', ['vite', 'build', ...args, '--logLevel', 'error'], { cwd: projectRoot });
  await vite('--outDir', join(distDir, 'widget'));
  await Promise.all([
    vite('--mode', 'loader', '--outDir', join(distDir, 'widget')),
    vite('--mode', 'desk', '--outDir', join(distDir, 'desk')),
    vite('--mode', 'pages', '--outDir', join(distDir, 'demo')),
  ]);
  return { distDir, cleanup: () => rmSync(distDir, { recursive: true, force: true }) };
}

/** A TCP relay to the server whose line can be cut and restored: a real lost connection. */
interface Relay {
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const { port } = server.address() as { port: number };
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return { url: `http://127.0.0.1:${port}`, cut: stop, restore: () => listen(port), close: stop };
}

let parley: TestParley;
let browser: Browser;
let cleanupBuild: () => void;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const build = await buildWidgetAndPages();
  cleanupBuild = build.cleanup;
  parley = await startParley({ distDir: build.distDir });
  browser = await launchBrowser();
  // Every visitor here is answered as if an agent were available (the offline form has its own tests).
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await pretendAvailable(context);
    return context;
  };
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
  cleanupBuild?.();
});

/** A new visitor (fresh storage) on the demo shop. */
async function visitShop(origin = parley.url): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${origin}/`);
  return page;
}

const conversation = (page: Page) => page.getByRole('log', { name: 'Conversation' });
const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

async function openChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect.poll(() => messageBox(page).isEnabled(), { timeout: 10_000 }).toBe(true);
}

async function write(page: Page, body: string): Promise<void> {
  await messageBox(page).fill(body);
  await messageBox(page).press('Enter');
}

/** Waits until no message of the visitor's is still pending. */
async function delivered(page: Page): Promise<void> {
  await eventually(() => conversation(page).textContent()).not.toContain('Sending…');
}

/** The session the widget stored for the demo Flex Flow. */
async function storedSession(
  page: Page,
): Promise<{ channelSid: string; contactSid: string; identity: string } | null> {
  return page.evaluate(
    (key) => JSON.parse(localStorage.getItem(key) ?? 'null'),
    `parley:session:${parley.flexFlowSid}`,
  );
}

async function storedMessages(channelSid: string): Promise<MessageDTO[]> {
  const { body } = await parley.api<{ messages: MessageDTO[] }>('GET', `/v1/Channels/${channelSid}/Messages`);
  return body.messages;
}

describe('the widget on the demo shop', () => {
  it('shows only the launcher, and calls the server and writes storage only once opened', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (req) => requested.push(new URL(req.url()).pathname));
    await page.goto(`${parley.url}/`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.waitForTimeout(300);
    expect(requested.filter((path) => /\/v1\/|socket\.io|parley-app-/.test(path))).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    await openChat(page);
    expect(requested).toContain('/v1/WebChannels');
    expect((await storedSession(page))?.channelSid).toMatch(/^CH/);
    await page.getByRole('button', { name: 'Close chat' }).click();
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
  });

  it('reaches an agent, who joins, types and replies; an agent ending the chat ends it for the visitor', async () => {
    const { token } = await signIn(parley.url);
    const agent: AgentSocket = await connectAgent(parley.url, token);
    try {
      await request(agent, 'session:sync');
      await request(agent, 'activity:set', { activity: 'Available' });
      const page = await visitShop();
      await openChat(page);
      const offered = next<OfferDTO>(agent, 'offer:new', () => true, 10_000);
      await write(page, 'Do you ship to Canada?');
      const offer = await offered;
      expect(offer.firstMessage).toBe('Do you ship to Canada?');
      const chat = await request<AgentChatDTO>(agent, 'reservation:accept', {
        reservationSid: offer.reservation.sid,
      });
      const channelSid = chat.channel.sid;

      await conversation(page).getByText(`${AGENT_NAME} joined the chat`).waitFor();
      await page.getByRole('heading', { name: AGENT_NAME }).waitFor();

      agent.emit('typing:start', { channelSid });
      await page.getByText(`${AGENT_NAME} is typing…`).waitFor();
      await request(agent, 'message:send', { channelSid, clientId: 'agent-1', body: 'Yes, in 5–7 days.' });
      await conversation(page).getByText('Yes, in 5–7 days.').waitFor();
      await eventually(() => page.getByText(`${AGENT_NAME} is typing…`).count()).toBe(0);

      // Typing is reported at most every 2 s; typing for longer than that is always reported.
      const visitorTyping = next<TypingEvent>(agent, 'typing:start', (event) => event.role === 'customer');
      await messageBox(page).pressSequentially('Great, thanks', { delay: 200 });
      expect((await visitorTyping).channelSid).toBe(channelSid);

      await request(agent, 'task:wrap', { taskSid: chat.task.sid });
      await page.getByText('This chat has ended.').waitFor();
      await page.getByRole('button', { name: 'Start new chat' }).waitFor();
      await request(agent, 'task:complete', { taskSid: chat.task.sid });
    } finally {
      await request(agent, 'activity:set', { activity: 'Offline' });
      agent.close();
    }
  });

  it('resumes the same conversation with its full history after a reload, showing markup as text', async () => {
    const page = await visitShop();
    await openChat(page);
    await write(page, 'Is the Kochere still in stock?');
    await write(page, '<b>Also</b> <img src=x onerror="document.title=1">');
    await delivered(page);
    const before = await storedSession(page);

    await page.reload();
    await conversation(page).getByText('Is the Kochere still in stock?').waitFor();
    await conversation(page).getByText('<b>Also</b> <img src=x onerror="document.title=1">').waitFor();
    expect(await conversation(page).locator('img, b').count()).toBe(0);
    expect((await storedSession(page))?.channelSid).toBe(before?.channelSid);
  });

  it('delivers a message written while the connection is down exactly once when it returns', async () => {
    const relay = await startRelay(new URL(parley.url));
    try {
      const page = await visitShop(relay.url);
      await openChat(page);
      await write(page, 'Hello');
      await delivered(page);

      await relay.cut();
      await page.getByText('Connection lost').waitFor();
      await write(page, 'Written while offline');
      await conversation(page).getByText('Sending…').waitFor();
      expect(
        await page.evaluate(() =>
          Object.keys(localStorage).filter((key) => key.startsWith('parley:outbox:')),
        ),
      ).toHaveLength(1);

      await relay.restore();
      await delivered(page);
      await eventually(() => page.getByText('Connection lost').count()).toBe(0);
      expect(await conversation(page).getByText('Written while offline').count()).toBe(1);
      const session = await storedSession(page);
      const bodies = (await storedMessages(session?.channelSid ?? '')).map((message) => message.body);
      expect(bodies.filter((body) => body === 'Written while offline')).toHaveLength(1);
    } finally {
      await relay.close();
    }
  });

  it('keeps a message written offline through closing the tab, and sends it once on return', async () => {
    const relay = await startRelay(new URL(parley.url));
    try {
      const page = await visitShop(relay.url);
      await openChat(page);
      await relay.cut();
      await page.getByText('Connection lost').waitFor();
      await write(page, 'Sent from the outbox');
      await page.close();

      await relay.restore();
      const again = await page.context().newPage();
      await again.goto(`${relay.url}/`);
      await again.getByRole('button', { name: 'Open chat' }).click();
      await conversation(again).getByText('Sent from the outbox').waitFor();
      await delivered(again);
      const session = await storedSession(again);
      const bodies = (await storedMessages(session?.channelSid ?? '')).map((message) => message.body);
      expect(bodies).toEqual(['Sent from the outbox']);
    } finally {
      await relay.close();
    }
  });

  it('chats over long-polling where a proxy lets no WebSocket through', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    // Every WebSocket the page opens goes to a port nothing listens on: refused, as a proxy would.
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(_url: string | URL, protocols?: string | string[]) {
          super('ws://127.0.0.1:9/blocked', protocols);
        }
      } as typeof WebSocket;
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const polls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('transport=polling')) polls.push(request.method());
    });
    await page.goto(`${parley.url}/`);
    await openChat(page);
    await write(page, 'Sent over polling');
    await delivered(page);
    const session = await storedSession(page);
    const channelSid = session?.channelSid ?? '';
    expect((await storedMessages(channelSid)).map((message) => message.body)).toEqual(['Sent over polling']);
    // And the other way: a message the server broadcasts (the visitor's own, written through the
    // REST API as if from another device) reaches the open widget.
    const posted = await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
      from: session?.identity,
      body: 'Heard over polling',
    });
    expect(posted.status).toBe(201);
    await conversation(page).getByText('Heard over polling').waitFor();
    expect(polls).toContain('GET');
    expect(polls).toContain('POST');
  });

  it('drops a session the server no longer accepts and starts a fresh one when opened', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    await context.addInitScript((key: string) => {
      if (localStorage.getItem(key)) return;
      const stale = {
        token: 'expired',
        channelSid: 'CHstale',
        identity: 'x',
        contactSid: 'x',
        expiresAt: '',
      };
      localStorage.setItem(key, JSON.stringify(stale));
    }, `parley:session:${parley.flexFlowSid}`);
    const page = await context.newPage();
    await page.goto(`${parley.url}/`);
    await eventually(async () => (await storedSession(page))?.channelSid ?? null).toBeNull();
    await openChat(page);
    await write(page, 'Hello again');
    await delivered(page);
    expect((await storedSession(page))?.channelSid).toMatch(/^CH(?!stale)/);
  });

  it('ends the chat, then starts a new chat in a new channel for the same contact', async () => {
    const page = await visitShop();
    await openChat(page);
    await write(page, 'Thanks, that was all');
    await delivered(page);
    const first = await storedSession(page);

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await page.getByRole('status').filter({ hasText: 'You ended the chat.' }).waitFor();
    expect(await messageBox(page).count()).toBe(0);
    const ended = await parley.api<{ status: string }>('GET', `/v1/Channels/${first?.channelSid}`);
    expect(ended.body.status).toBe('inactive');

    await page.getByRole('button', { name: 'Start new chat' }).click();
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    const second = await storedSession(page);
    expect(second?.channelSid).not.toBe(first?.channelSid);
    expect(second?.contactSid).toBe(first?.contactSid);

    await write(page, 'One more question');
    await delivered(page);
    // The new channel holds only the new message; an anonymous visitor is not shown the earlier
    // chat (only a verified user gets their history: widget-rating.test.ts).
    expect((await storedMessages(second?.channelSid ?? '')).map((message) => message.body)).toEqual([
      'One more question',
    ]);
    expect(await conversation(page).getByText('Thanks, that was all').count()).toBe(0);
  });
});

describe('the page-facing API', () => {
  it('replays Parley() calls made before the loader ran, then answers new ones directly', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    // The stub a site may put before the script tag, and calls made through it.
    await page.addInitScript(() => {
      const w = window as unknown as {
        Parley: { (...args: unknown[]): void; q?: unknown[][] };
        seen: string[];
      };
      w.seen = [];
      w.Parley = (...args: unknown[]) => {
        w.Parley.q = [...(w.Parley.q ?? []), args];
      };
      w.Parley('identify', { name: 'Grace Hopper' });
      w.Parley('on', 'message', (message: MessageDTO) => w.seen.push(message.body));
      w.Parley('open');
    });
    await page.goto(`${parley.url}/`);
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    await write(page, 'Hi from Grace');
    await delivered(page);
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'Hi from Grace',
    ]);
    const session = await storedSession(page);
    const channel = await parley.api<{ attributes: { from: string } }>(
      'GET',
      `/v1/Channels/${session?.channelSid}`,
    );
    expect(channel.body.attributes.from).toBe('Grace Hopper');

    await page.evaluate(() => (window as unknown as { Parley(command: string): void }).Parley('close'));
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
  });

  it('works imported from npm on the npm example page, opened from the page’s own button', async () => {
    const page = await visitShop();
    await page.goto(`${parley.url}/npm-example`);
    await page.getByRole('button', { name: 'Open the chat from my own button' }).click();
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    await write(page, 'Hello from the npm build');
    await delivered(page);
    expect(await page.evaluate(() => document.querySelector('#parley-webchat')?.shadowRoot?.mode)).toBe(
      'open',
    );
  });
});
