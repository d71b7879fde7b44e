/**
 * The customer's loop by email, in Chromium on the demo shop: with no agent available the
 * visitor leaves their email through the offline form; an agent takes it on the desk and
 * answers; the answer arrives at a real SMTP server (in-process) addressed to the visitor; the
 * visitor's answer by mail, through the signed inbound-parse webhook and through Parley's own
 * SMTP receiver, appears in the same conversation on the desk.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailWebhookSignature } from '../../server/core/email/signature.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { type Mailbox, sendMail, startMailbox } from '../integration/email-helpers.ts';
import { acceptOffer, signInAs } from './desk-helpers.ts';

const SUPPORT = 'support@shop.example';
const SIGNING_KEY = 'inbound-signing-key-0123456789';

let parley: TestParley;
let mailbox: Mailbox;
let browser: Browser;
let emailFlexFlowSid: string;

beforeAll(async () => {
  mailbox = await startMailbox();
  parley = await startParley({
    email: {
      smtpUrl: mailbox.url,
      from: 'Northwind support <replies@shop.example>',
      listen: { host: '127.0.0.1', port: 0 },
      signingKey: SIGNING_KEY,
    },
  });
  const created = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'Shop email',
    channelType: 'email',
    contactIdentity: SUPPORT,
    enabled: true,
    integrationType: 'task',
  });
  expect(created.status).toBe(201);
  emailFlexFlowSid = created.body.sid;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
  await mailbox?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

const deskLog = (page: Page) => page.getByRole('log', { name: 'Conversation' });

/** The provider's inbound-parse form for one mail, signed with the Flex Flow's key. */
async function inboundParse(fields: Record<string, string>) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = `tok${Math.random().toString(36).slice(2)}`;
  const res = await fetch(`${parley.url}/webhooks/email/${emailFlexFlowSid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...fields,
      timestamp,
      token,
      signature: emailWebhookSignature(SIGNING_KEY, timestamp, token),
    }),
  });
  return { status: res.status, body: await res.json() };
}

describe('the offline form answered by email, in the browser', () => {
  it("mails the desk's reply to the visitor, and their mailed answers come back into the same conversation", async () => {
    // The demo shop with nobody Available: the widget offers the offline form, no queue place.
    const visitor = await newPage();
    await visitor.goto(parley.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('heading', { name: 'We are away right now' }).waitFor();
    expect(await visitor.getByText(/number \d+ in the queue/).count()).toBe(0);
    await visitor.getByRole('textbox', { name: 'Name' }).fill('Lee Park');
    await visitor.getByRole('textbox', { name: 'Email' }).fill('lee@example.com');
    await visitor.getByRole('textbox', { name: 'Message' }).fill('Is the Ethiopia roast back in stock?');
    await visitor.getByRole('button', { name: 'Send message' }).click();
    await visitor.getByText('Thank you! We will get back to you by email.').waitFor();

    // An agent signs in later; the waiting message is offered and answered on the desk.
    const desk = await newPage();
    await desk.goto(`${parley.url}/agent`);
    await signInAs(desk);
    const activity = desk.getByRole('combobox', { name: 'Activity' });
    await expect.poll(() => activity.isEnabled()).toBe(true);
    await activity.selectOption('Available');
    // Offered as an email conversation, not as a live chat.
    const offer = desk.getByRole('article', { name: 'Incoming chat from Lee Park' });
    await expect.poll(() => offer.textContent(), { timeout: 10_000 }).toContain('Email');
    await acceptOffer(desk, 'Lee Park');
    await expect
      .poll(() => desk.getByRole('complementary', { name: 'Customer context' }).textContent())
      .toMatch(/Channel\s*Email/);
    await expect
      .poll(() => deskLog(desk).textContent(), { timeout: 10_000 })
      .toContain('Is the Ethiopia roast back in stock?');
    await desk.getByRole('textbox', { name: 'Message' }).fill('Yes, it is back since Monday.');
    await desk.getByRole('button', { name: 'Send' }).click();

    const { mail, rcptTo } = await mailbox.next((m) => m.rcptTo.includes('lee@example.com'), 10_000);
    expect(rcptTo).toEqual(['lee@example.com']);
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address).toBe('lee@example.com');
    expect(mail.from?.value[0]?.address).toBe('replies@shop.example');
    expect(mail.replyTo?.value[0]?.address).toBe(SUPPORT);
    expect(mail.text).toContain('Yes, it is back since Monday.');
    // Only the agent's words went out: the visitor's own message was not mailed back to them.
    expect(mailbox.received).toHaveLength(1);

    // The visitor answers from their mail program: through the provider's signed webhook …
    const viaWebhook = await inboundParse({
      sender: 'lee@example.com',
      from: 'Lee Park <lee@example.com>',
      recipient: SUPPORT,
      subject: mail.subject ?? '',
      'body-plain': 'Great, I will order two bags.\n\nOn Tue, Northwind support wrote:\n> Yes, it is back',
      'Message-Id': '<answer-1@example.com>',
      'In-Reply-To': mail.messageId ?? '',
    });
    expect(viaWebhook.status).toBe(200);
    await expect
      .poll(() => deskLog(desk).textContent(), { timeout: 10_000 })
      .toContain('Great, I will order two bags.');
    // … without the quoted history, in the same conversation (no new offer on the desk).
    expect(await deskLog(desk).textContent()).not.toContain('> Yes, it is back');
    expect(await desk.getByRole('article', { name: /Incoming chat from/ }).count()).toBe(0);

    // … and through Parley's own SMTP receiver.
    const receiverPort = parley.server.core.email.receiverAddress()?.port ?? 0;
    await sendMail(receiverPort, {
      from: 'Lee Park <lee@example.com>',
      to: SUPPORT,
      subject: mail.subject ?? '',
      inReplyTo: mail.messageId,
      text: 'Could you grind one of them?',
    });
    await expect
      .poll(() => deskLog(desk).textContent(), { timeout: 10_000 })
      .toContain('Could you grind one of them?');
    const text = (await deskLog(desk).textContent()) ?? '';
    const order = [
      'Is the Ethiopia roast back in stock?',
      'Yes, it is back since Monday.',
      'Great, I will order two bags.',
      'Could you grind one of them?',
    ].map((line) => text.indexOf(line));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(await desk.getByRole('article', { name: /Incoming chat from/ }).count()).toBe(0);
  });
});
