/**
 * Routing on the agent desktop in real Chromium: transferring a chat to a named agent with a
 * note, a long-lived channel coming back with its whole history, and the live supervisor view.
 * Visitors are socket.io clients; the pages are built into dist/ by test/global-setup.ts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { connectVisitor, next, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { endChat } from './desk-helpers.ts';

let parley: TestParley;
let browser: Browser;
const contexts: BrowserContext[] = [];
const visitors: VisitorSocket[] = [];

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
  await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Ben Okafor',
    username: 'ben',
    password: 'ben-pass',
    capacity: 2,
  });
  await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Sue Pervisor',
    username: 'sue',
    password: 'sue-pass',
    attributes: { roles: ['supervisor'] },
  });
});
afterEach(async () => {
  for (const v of visitors.splice(0)) v.close();
  for (const c of contexts.splice(0)) await c.close();
  // A closed desk leaves its worker Available for the grace period: take everyone off the floor.
  for (const worker of (await parley.api('GET', '/v1/Workers')).body.workers) {
    await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: 'Unavailable' });
  }
});
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });

async function desk(username: string, password: string, activity = 'Available'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${parley.url}/agent`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const select = page.getByRole('combobox', { name: 'Activity' });
  await eventually(() => select.isEnabled()).toBe(true);
  await select.selectOption(activity);
  await eventually(() => select.inputValue()).toBe(activity);
  return page;
}

async function visitorWrites(name: string, body: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  visitors.push(socket);
  await request(socket, 'message:send', { clientId: `c-${Date.now()}`, body });
  return { ...session, socket };
}

async function accept(page: Page, customer: string) {
  const offer = page.getByRole('article', { name: `Incoming chat from ${customer}` });
  await offer.getByRole('button', { name: 'Accept' }).click();
  await offer.waitFor({ state: 'detached' });
}

const log = (page: Page) => page.getByRole('log', { name: 'Conversation' });

describe('routing on the agent desktop', () => {
  it('transfers a chat to a named agent with a note; the new agent sees the history and the note', async () => {
    const alex = await desk('agent', 'agent');
    const ben = await desk('ben', 'ben-pass', 'Unavailable');
    const visitor = await visitorWrites('Nora Quinn', 'My refund never arrived');
    await accept(alex, 'Nora Quinn');
    await log(alex).getByText('My refund never arrived').waitFor();
    await ben.getByRole('combobox', { name: 'Activity' }).selectOption('Available');

    await alex.getByRole('button', { name: 'Transfer' }).click();
    const dialog = alex.getByRole('dialog', { name: 'Transfer chat' });
    await dialog.getByRole('combobox', { name: 'Transfer to' }).selectOption({ label: 'Ben Okafor (0/2)' });
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Refund from March, order 881');
    const benJoined = next<MessageDTO>(
      visitor.socket,
      'message:new',
      (m) => m.body === 'Ben Okafor joined the chat',
    );
    await dialog.getByRole('button', { name: 'Transfer chat' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(() =>
      alex.getByRole('navigation', { name: 'Active chats' }).getByText('Nora Quinn').count(),
    ).toBe(0);

    const offer = ben.getByRole('article', { name: 'Incoming chat from Nora Quinn' });
    await offer.getByText('Transferred by Alex Morgan: Refund from March, order 881').waitFor();
    await accept(ben, 'Nora Quinn');
    await benJoined;
    await log(ben).getByText('My refund never arrived').waitFor();
    await log(ben).getByText('Alex Morgan transferred the chat').waitFor();
    const context = ben.getByRole('complementary', { name: 'Customer context' });
    await context.getByText('Refund from March, order 881').waitFor();
    await endChat(ben);
    await ben.getByRole('button', { name: 'Complete' }).click();
  });

  it('brings a long-lived chat back to the desk with its whole history', async () => {
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { longLived: true });
    try {
      const alex = await desk('agent', 'agent');
      const visitor = await visitorWrites('Omar Reyes', 'Where is order 12?');
      await accept(alex, 'Omar Reyes');
      await endChat(alex);
      await alex.getByRole('button', { name: 'Complete' }).click();
      const chats = alex.getByRole('navigation', { name: 'Active chats' });
      await eventually(() => chats.getByText('Omar Reyes').count()).toBe(0);

      await request(visitor.socket, 'message:send', { clientId: 'again', body: 'It came, but damaged' });
      await accept(alex, 'Omar Reyes');
      await log(alex).getByText('It came, but damaged').waitFor();
      await log(alex).getByText('Where is order 12?').waitFor();
      await endChat(alex);
      await alex.getByRole('button', { name: 'Complete' }).click();
    } finally {
      await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { longLived: false });
    }
  });

  it('shows a supervisor the queues and agents, live', async () => {
    const sue = await desk('sue', 'sue-pass', 'Unavailable');
    await sue.getByRole('button', { name: 'Supervisor view' }).click();
    const view = sue.getByRole('region', { name: 'Supervisor view' });
    const agents = view.getByRole('table', { name: 'Agents' });
    await agents.getByRole('row', { name: /Sue Pervisor\s+Unavailable\s+0 \/ 3/ }).waitFor();
    await visitorWrites('Pia Lund', 'Hello?');
    const queues = view.getByRole('table', { name: 'Queues' });
    await queues.getByRole('row', { name: /Everyone\s+1\s+.*Pia Lund/ }).waitFor();
  });
});
