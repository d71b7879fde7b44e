/**
 * The agent desktop in a real Chromium against a real server: the agent signs in, takes an
 * offered chat and answers it; the visitor side is a plain socket.io-client. The pages are
 * built into dist/ by test/global-setup.ts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO, TypingEvent, WebChannelResponse } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { connectVisitor, next, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { endChat } from './desk-helpers.ts';

const AGENT_NAME = 'Alex Morgan';

let parley: TestParley;
let browser: Browser;
const openContexts: BrowserContext[] = [];
const visitors: VisitorSocket[] = [];

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
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

async function openDesk(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Shorter than the test's own timeout, so a failure names the step that did not happen.
  context.setDefaultTimeout(10_000);
  openContexts.push(context);
  const page = await context.newPage();
  await page.goto(`${parley.url}/agent`);
  return page;
}

async function signIn(page: Page, password = 'agent'): Promise<void> {
  await page.getByRole('textbox', { name: 'Username' }).fill('agent');
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A signed-in, Available agent, ready to be offered chats. */
async function availableDesk(): Promise<Page> {
  const page = await openDesk();
  await signIn(page);
  const activity = page.getByRole('combobox', { name: 'Activity' });
  await eventually(() => activity.isEnabled()).toBe(true);
  await activity.selectOption('Available');
  await eventually(() => activity.inputValue()).toBe('Available');
  return page;
}

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** A visitor on Chrome who opens a chat and writes `body`; the demo Flex Flow routes it to an agent. */
async function visitorWrites(customerFriendlyName: string, body: string): Promise<VisitorSocket> {
  const response = await fetch(`${parley.url}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: parley.url, 'user-agent': CHROME_ON_LINUX },
    body: JSON.stringify({
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName,
      pageUrl: 'https://shop.example/checkout',
      preEngagementData: { email: 'ada@example.com' },
    }),
  });
  expect(response.status).toBe(201);
  const channel = (await response.json()) as WebChannelResponse;
  const visitor = await connectVisitor(parley.url, channel.token);
  visitors.push(visitor);
  await request(visitor, 'message:send', { clientId: `c-${Date.now()}`, body });
  return visitor;
}

async function acceptOffer(page: Page, customer: string): Promise<void> {
  const offer = page.getByRole('article', { name: `Incoming chat from ${customer}` });
  await offer.getByRole('button', { name: 'Accept' }).click();
  await offer.waitFor({ state: 'detached' });
}

/** Ends and completes the selected chat, so the worker has capacity for the next test. */
async function finishChat(page: Page): Promise<void> {
  await endChat(page);
  await page.getByRole('button', { name: 'Complete' }).click();
}

/** Waits for a value the page reaches asynchronously. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });

const conversation = (page: Page) => page.getByRole('log', { name: 'Conversation' });

describe('the agent desktop', () => {
  it('tells the agent when the username or password is wrong', async () => {
    const page = await openDesk();
    await signIn(page, 'not-the-password');
    await eventually(() => page.getByRole('alert').textContent()).toBe('Wrong username or password.');
    expect(await page.getByRole('combobox', { name: 'Activity' }).count()).toBe(0);
  });

  it('signs the agent in, shows their name, and keeps their activity across a reload', async () => {
    const page = await openDesk();
    await signIn(page);
    await page.getByText(AGENT_NAME).waitFor();
    const activity = page.getByRole('combobox', { name: 'Activity' });
    await eventually(() => activity.isEnabled()).toBe(true);
    await activity.selectOption('Unavailable');
    await eventually(() => activity.inputValue()).toBe('Unavailable');

    await page.reload();
    await eventually(() => activity.isEnabled()).toBe(true);
    expect(await activity.inputValue()).toBe('Unavailable');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
  });

  it('offers a chat with the customer name and first message; accepting joins the agent and shows the customer', async () => {
    const page = await availableDesk();
    const visitor = await visitorWrites('Ada Lovelace', 'Where is my order?');
    const joined = next<MessageDTO>(visitor, 'message:new', (m) => m.authorRole === 'system', 10_000);

    const offer = page.getByRole('article', { name: 'Incoming chat from Ada Lovelace' });
    await offer.getByText('Where is my order?').waitFor();
    await acceptOffer(page, 'Ada Lovelace');

    expect((await joined).body).toBe(`${AGENT_NAME} joined the chat`);
    await conversation(page).getByText('Where is my order?').waitFor();
    const context = page.getByRole('complementary', { name: 'Customer context' });
    await context.getByText('https://shop.example/checkout').waitFor();
    await context.getByText('ada@example.com').waitFor();
    await context.getByText('Chrome 156 on Linux').waitFor();
    await finishChat(page);
  });

  it('carries messages both ways and shows each side when the other is typing', async () => {
    const page = await availableDesk();
    const visitor = await visitorWrites('Grace Hopper', 'Hello?');
    await acceptOffer(page, 'Grace Hopper');

    const typing = next<TypingEvent>(visitor, 'typing:start');
    const received = next<MessageDTO>(visitor, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    await page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi Grace, ');
    expect((await typing).friendlyName).toBe(AGENT_NAME);
    await page.getByRole('textbox', { name: 'Message' }).fill('Hi Grace, how can I help?');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const reply = await received;
    expect(reply.body).toBe('Hi Grace, how can I help?');
    expect(reply.authorName).toBe(AGENT_NAME);

    visitor.emit('typing:start');
    await page.getByText('Grace Hopper is typing…').waitFor();
    await request(visitor, 'message:send', { clientId: 'grace-2', body: 'My card was declined' });
    await conversation(page).getByText('My card was declined').waitFor();
    // Each message is shown once, though it came back both as an ack and as a broadcast.
    expect(await conversation(page).getByText('Hi Grace, how can I help?').count()).toBe(1);
    await finishChat(page);
  });

  it('counts unread messages on a chat that is not selected', async () => {
    const page = await availableDesk();
    const first = await visitorWrites('Katherine Johnson', 'First question');
    await acceptOffer(page, 'Katherine Johnson');
    await visitorWrites('Dorothy Vaughan', 'Second question');
    await acceptOffer(page, 'Dorothy Vaughan');

    await request(first, 'message:send', { clientId: 'kj-2', body: 'Are you there?' });
    await request(first, 'message:send', { clientId: 'kj-3', body: 'Hello?' });
    const chats = page.getByRole('navigation', { name: 'Active chats' });
    await chats.getByRole('button', { name: /Katherine Johnson\s*2 unread/ }).waitFor();

    await chats.getByRole('button', { name: /Katherine Johnson/ }).click();
    await conversation(page).getByText('Are you there?').waitFor();
    await eventually(() => chats.getByRole('button', { name: /unread/ }).count()).toBe(0);
    await finishChat(page);
    await page.getByRole('button', { name: /Dorothy Vaughan/ }).click();
    await finishChat(page);
  });

  it('ends a chat, which closes the composer, then completes it, which removes it from the list', async () => {
    const page = await availableDesk();
    const visitor = await visitorWrites('Mary Jackson', 'Thanks, that is all');
    await acceptOffer(page, 'Mary Jackson');
    const ended = next<MessageDTO>(visitor, 'message:new', (m) => m.body.includes('ended the chat'), 10_000);

    await endChat(page);
    await ended;
    await eventually(() => page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Complete' }).click();
    const chats = page.getByRole('navigation', { name: 'Active chats' });
    await eventually(() => chats.getByRole('button', { name: /Mary Jackson/ }).count()).toBe(0);
    expect(await conversation(page).count()).toBe(0);
  });

  it('shows what customers write as text, never as HTML', async () => {
    const page = await availableDesk();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const payload = '<img src=x onerror=alert(1)>';
    await visitorWrites(`<b>Eve</b>`, payload);
    await page.getByRole('article', { name: 'Incoming chat from <b>Eve</b>' }).getByText(payload).waitFor();
    await acceptOffer(page, '<b>Eve</b>');

    await conversation(page).getByText(payload).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('b').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await finishChat(page);
  });
});
