/**
 * The agent desktop when things go wrong: the connection drops while the agent writes, an
 * offer times out, the server refuses a stored session. Real server, real Chromium; the pages
 * are built into dist/ by test/global-setup.ts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { connectVisitor, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

/** Short, so the timeout test waits little; long enough for the other tests to accept. */
const RESERVATION_TIMEOUT_SECONDS = 3;

let parley: TestParley;
let browser: Browser;
const openContexts: BrowserContext[] = [];
const visitors: VisitorSocket[] = [];

beforeAll(async () => {
  parley = await startParley({
    reservationTimeoutSeconds: RESERVATION_TIMEOUT_SECONDS,
    limits: { signInPerMinute: 1000 },
  });
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const visitor of visitors.splice(0)) visitor.close();
  for (const context of openContexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });

async function availableDesk(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Shorter than the test's own timeout, so a failure names the step that did not happen.
  context.setDefaultTimeout(10_000);
  openContexts.push(context);
  const page = await context.newPage();
  await page.goto(`${parley.url}/agent`);
  await page.getByRole('textbox', { name: 'Username' }).fill('agent');
  await page.getByRole('textbox', { name: 'Password' }).fill('agent');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const activity = page.getByRole('combobox', { name: 'Activity' });
  await eventually(() => activity.isEnabled()).toBe(true);
  await activity.selectOption('Available');
  await eventually(() => activity.inputValue()).toBe('Available');
  return { page, context };
}

async function visitorWrites(customerFriendlyName: string, body: string): Promise<VisitorSocket> {
  const channel = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, customerFriendlyName });
  const visitor = await connectVisitor(parley.url, channel.token);
  visitors.push(visitor);
  await request(visitor, 'message:send', { clientId: `c-${Date.now()}`, body });
  return visitor;
}

describe('the agent desktop, when things go wrong', () => {
  it('sends a message written while offline once it reconnects, and shows it once', async () => {
    const { page, context } = await availableDesk();
    const visitor = await visitorWrites('Ada Lovelace', 'Hello?');
    const received: MessageDTO[] = [];
    visitor.on('message:new', (message) => received.push(message));
    await page.getByRole('button', { name: 'Accept' }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('Hello?').waitFor();

    await context.setOffline(true);
    await page.getByText('Reconnecting…').waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('Written while offline');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await log.getByText('Waiting for connection').waitFor();
    expect(received.filter((m) => m.authorRole === 'agent')).toEqual([]);

    await context.setOffline(false);
    await eventually(async () => received.filter((m) => m.body === 'Written while offline').length).toBe(1);
    await eventually(() => log.getByText('Waiting for connection').count()).toBe(0);
    expect(await log.getByText('Written while offline').count()).toBe(1);
    // A reload syncs the whole history again: still one copy.
    await page.reload();
    await page.getByRole('button', { name: /Ada Lovelace/ }).click();
    await log.getByText('Written while offline').waitFor();
    expect(await log.getByText('Written while offline').count()).toBe(1);
    expect(received.filter((m) => m.body === 'Written while offline')).toHaveLength(1);
  });

  it('removes an offer that timed out and says so', async () => {
    const { page } = await availableDesk();
    await visitorWrites('Grace Hopper', 'Anyone there?');
    const offer = page.getByRole('article', { name: 'Incoming chat from Grace Hopper' });
    const card = await offer.elementHandle();
    const timeout = (RESERVATION_TIMEOUT_SECONDS + 3) * 1000;

    await page.getByText('The chat from Grace Hopper timed out before it was accepted.').waitFor({ timeout });
    // The card of the timed-out reservation is gone (the only worker may be offered the task again).
    await page.waitForFunction((element) => !element?.isConnected, card, { timeout });
  });

  it('sends the agent back to sign in when the server refuses the stored session', async () => {
    const { page } = await availableDesk();
    await page.evaluate(() => {
      const key = 'parley.agent.session';
      const session = JSON.parse(sessionStorage.getItem(key) ?? '{}');
      sessionStorage.setItem(key, JSON.stringify({ ...session, token: 'forged-token' }));
    });
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
  });

  it('signs out, and a reload stays signed out', async () => {
    const { page } = await availableDesk();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Activity' }).count()).toBe(0);
  });

  it('removes an offer the agent rejects', async () => {
    const { page } = await availableDesk();
    await visitorWrites('Hedy Lamarr', 'Quick question');
    const offer = page.getByRole('article', { name: 'Incoming chat from Hedy Lamarr' });
    const card = await offer.elementHandle();

    await offer.getByRole('button', { name: 'Reject' }).click();
    // The card of the rejected reservation is gone (the only worker may be offered the task again).
    await page.waitForFunction((element) => !element?.isConnected, card, { timeout: 5_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
