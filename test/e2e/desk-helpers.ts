/**
 * Shared steps of the desk's browser tests: a real server and Chromium, an agent signed in
 * and Available, visitors as plain socket.io clients that open a chat through WebChannels.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SentAck, WebChannelResponse } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { connectVisitor, request, type VisitorSocket } from '../helpers/clients.ts';
import { type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

export interface DeskHarness {
  parley: TestParley;
  browser: Browser;
  /** Opens /agent in a fresh browser context of `width` (1280 by default). */
  openDesk(options?: DeskOptions): Promise<Page>;
  /** A signed-in, Available agent, ready to be offered chats. */
  availableDesk(options?: DeskOptions & { username?: string; password?: string }): Promise<Page>;
  /** A visitor who opens a chat and writes `body`; the demo Flex Flow routes it to an agent. */
  visitorWrites(name: string, body: string): Promise<Visitor>;
  /** Closes what the last test opened. */
  cleanUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeskOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** Browser permissions granted to the desk's origin, e.g. `notifications`. */
  permissions?: string[];
  /** A script run in the page before the desk's own, e.g. to record notifications. */
  initScript?: () => void;
}

export interface Visitor {
  socket: VisitorSocket;
  channel: WebChannelResponse;
  /** The visitor's member identity, as their messages carry it in `from`. */
  identity: string;
}

export interface Violation {
  id: string;
  help: string;
  targets: string;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An axe-core scan (WCAG 2.x A and AA) of the page as it is now: the violations found. */
export async function scanForViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Found = { id: string; help: string; nodes: { target: unknown }[] };
    const axe = (
      window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: Found[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      targets: v.nodes.map((n: { target: unknown }) => JSON.stringify(n.target)).join(' '),
    }));
  });
}

/** Waits for a value the page reaches asynchronously. */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 8_000 });

export const conversation = (page: Page) => page.getByRole('log', { name: 'Conversation' });

export async function signInAs(page: Page, username = 'agent', password = 'agent'): Promise<void> {
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function acceptOffer(page: Page, customer: string): Promise<void> {
  const offer = page.getByRole('article', { name: `Incoming chat from ${customer}` });
  await offer.getByRole('button', { name: 'Accept' }).click();
  await offer.waitFor({ state: 'detached' });
}

/** Ends the selected chat, confirming in the dialog the desk asks first. */
export async function endChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End chat' }).click();
  const confirm = page.getByRole('dialog', { name: /End the chat/ });
  await confirm.getByRole('button', { name: 'End chat' }).click();
  await confirm.waitFor({ state: 'detached' });
}

/** Ends the selected chat and completes its wrap-up without a disposition. */
export async function finishChat(page: Page): Promise<void> {
  await endChat(page);
  await page.getByRole('button', { name: 'Complete' }).click();
}

export async function startDeskHarness(options: StartOptions = {}): Promise<DeskHarness> {
  const parley = await startParley({ limits: { signInPerMinute: 1000 }, ...options } as StartOptions);
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  const visitors: VisitorSocket[] = [];

  async function openDesk({
    width = 1280,
    height = 800,
    colorScheme = 'light',
    permissions = [],
    initScript,
  }: DeskOptions = {}) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme });
    if (permissions.length) await context.grantPermissions(permissions, { origin: parley.url });
    if (initScript) await context.addInitScript(initScript);
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${parley.url}/agent`);
    return page;
  }

  return {
    parley,
    browser,
    openDesk,
    async availableDesk({ username, password, ...options } = {}) {
      const page = await openDesk(options);
      await signInAs(page, username, password);
      const activity = page.getByRole('combobox', { name: 'Activity' });
      await eventually(() => activity.isEnabled()).toBe(true);
      await activity.selectOption('Available');
      await eventually(() => activity.inputValue()).toBe('Available');
      return page;
    },
    async visitorWrites(name, body) {
      const response = await fetch(`${parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: parley.url },
        body: JSON.stringify({
          flexFlowSid: parley.flexFlowSid,
          customerFriendlyName: name,
          pageUrl: 'https://shop.example/checkout',
        }),
      });
      expect(response.status).toBe(201);
      const channel = (await response.json()) as WebChannelResponse;
      const socket = await connectVisitor(parley.url, channel.token);
      visitors.push(socket);
      await request<SentAck>(socket, 'message:send', { clientId: `c-${Date.now()}`, body });
      return { socket, channel, identity: channel.identity };
    },
    async cleanUp() {
      for (const visitor of visitors.splice(0)) visitor.close();
      for (const context of contexts.splice(0)) await context.close();
    },
    async stop() {
      await browser?.close();
      await parley?.stop();
    },
  };
}
