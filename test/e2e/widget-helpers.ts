/**
 * Shared steps of the widget's browser tests: a real server, Chromium, visitors in fresh
 * contexts, and the widget's accessible names (DESIGN.md) as locators.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { MessageDTO, WebChannelConfigResponse } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

export const conversation = (page: Page) => page.getByRole('log', { name: 'Conversation' });
export const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message' });
export const eventually = <T>(read: () => Promise<T>, timeout = 10_000) => expect.poll(read, { timeout });

/**
 * Answers the widget's settings request as if an agent were available (the server says
 * `no_agents` when none is), keeping everything else the server says; `patch` may change it.
 */
export async function pretendAvailable(
  context: BrowserContext,
  patch: (config: WebChannelConfigResponse) => WebChannelConfigResponse = (c) => c,
): Promise<void> {
  await context.route('**/v1/WebChannels/Config*', async (route) => {
    try {
      const response = await route.fetch();
      const config = (await response.json()) as WebChannelConfigResponse;
      await route.fulfill({
        response,
        json: patch({ ...config, availability: { available: true, reason: null } }),
      });
    } catch {
      // The server's connection was cut (tests that cut the line), or the page closed while
      // the request was on its way: the page sees it fail, as it would without this route.
      await route.abort('connectionreset').catch(() => {});
    }
  });
}

export interface Visitors {
  /** A visitor in a fresh context (own storage); closed after each test by `closeAll`. */
  context(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  page(path?: string, options?: Parameters<Browser['newContext']>[0]): Promise<Page>;
  closeAll(): Promise<void>;
}

export function visitors(browser: () => Browser, parley: () => TestParley): Visitors {
  const contexts: BrowserContext[] = [];
  const api: Visitors = {
    async context(options) {
      const context = await browser().newContext({ viewport: { width: 1280, height: 800 }, ...options });
      contexts.push(context);
      await pretendAvailable(context);
      return context;
    },
    async page(path = '/', options) {
      const page = await (await api.context(options)).newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${parley().url}${path}`);
      return page;
    },
    async closeAll() {
      for (const context of contexts.splice(0)) await context.close();
    },
  };
  return api;
}

export async function openChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await eventually(() => messageBox(page).isEnabled()).toBe(true);
}

export async function write(page: Page, body: string): Promise<void> {
  await messageBox(page).fill(body);
  await messageBox(page).press('Enter');
}

/** Waits until no message of the visitor's is still pending. */
export async function delivered(page: Page): Promise<void> {
  await eventually(() => conversation(page).textContent()).not.toContain('Sending…');
}

/** The session the widget stored for a Flex Flow. */
export async function storedSession(
  page: Page,
  flexFlowSid: string,
): Promise<{ channelSid: string; contactSid: string; token: string } | null> {
  return page.evaluate(
    (key) => JSON.parse(localStorage.getItem(key) ?? 'null'),
    `parley:session:${flexFlowSid}`,
  );
}

export async function storedMessages(parley: TestParley, channelSid: string): Promise<MessageDTO[]> {
  const { body } = await parley.api<{ messages: MessageDTO[] }>('GET', `/v1/Channels/${channelSid}/Messages`);
  return body.messages;
}

/** A Flex Flow straight to agents (no bot), for tests that script the other side themselves. */
export async function createTaskFlow(parley: TestParley, widgetConfig: Record<string, unknown> = {}) {
  const { status, body } = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: `Widget test ${Math.random().toString(36).slice(2, 8)}`,
    channelType: 'web',
    contactIdentity: `widget-test-${Math.random().toString(36).slice(2, 8)}`,
    enabled: true,
    integrationType: 'task',
    allowedOrigins: ['self'],
    widgetConfig,
  });
  if (status !== 201) throw new Error(`FlexFlows answered ${status}: ${JSON.stringify(body)}`);
  return body.sid as string;
}

export const AGENT_IDENTITY = 'test-agent';
export const AGENT_NAME = 'Alex Morgan';

/** An agent member joins the channel (through the core, without routing) and may then speak. */
export async function agentJoins(parley: TestParley, channelSid: string): Promise<void> {
  await parley.server.core.conversations.addMember(channelSid, AGENT_IDENTITY, 'agent', AGENT_NAME);
}

/** The agent member writes in the channel (admin REST, as that member). */
export async function agentSays(
  parley: TestParley,
  channelSid: string,
  body: string,
  attributes?: Record<string, unknown>,
): Promise<MessageDTO> {
  const res = await parley.api<MessageDTO>('POST', `/v1/Channels/${channelSid}/Messages`, {
    from: AGENT_IDENTITY,
    body,
    ...(attributes && { attributes }),
  });
  if (res.status >= 300) throw new Error(`Messages answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Counts the page's live WebSockets (install before the page loads). */
export async function countSockets(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const all: WebSocket[] = [];
    (window as unknown as { liveSockets(): number }).liveSockets = () =>
      all.filter((socket) => socket.readyState < 2).length;
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        all.push(this);
      }
    } as typeof WebSocket;
  });
}

export interface WidgetSuite {
  parley: TestParley;
  browser: Browser;
  /** A Flex Flow routing straight to agents, allowed from Parley's own origin. */
  flow: string;
}

/**
 * The start-up every widget browser test file shares: a real server, Chromium, a task Flex
 * Flow, and visitors whose pages close after each test. `bind` receives them once started.
 */
export function widgetSuite(bind: (suite: WidgetSuite) => void): Visitors {
  let parley: TestParley | undefined;
  let browser: Browser | undefined;
  const visitor = visitors(
    () => browser as Browser,
    () => parley as TestParley,
  );
  beforeAll(async () => {
    parley = await startParley();
    browser = await launchBrowser();
    bind({ parley, browser, flow: await createTaskFlow(parley) });
  });
  afterEach(() => visitor.closeAll());
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });
  return visitor;
}
