/**
 * The customer's earlier conversations and ratings on the desk, in Chromium against a real
 * server: a verified customer rates a chat while the agent wraps it up (the rating appears on
 * the desk at once); when they come back, the agent's context panel lists that chat with its
 * disposition and rating and opens its transcript; an email conversation shows its subject in
 * the chat list and the conversation header. Axe scans the panel and the transcript.
 */
import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailWebhookSignature } from '../../server/core/email/signature.ts';
import type { WebChannelResponse } from '../../server/protocol.ts';
import { connectVisitor, request, type VisitorSocket } from '../helpers/clients.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  endChat,
  eventually,
  scanForViolations,
  signInAs,
  startDeskHarness,
} from './desk-helpers.ts';

const SECRET = 'desk-earlier-secret';
const SIGNING_KEY = 'inbound-signing-key-0123456789';

let desk: DeskHarness;
let verifiedFlow: string;
const visitors: VisitorSocket[] = [];

beforeAll(async () => {
  desk = await startDeskHarness({ email: { signingKey: SIGNING_KEY } });
  const created = await desk.parley.api<{ sid: string }>('POST', '/v1/FlexFlows', {
    friendlyName: 'Signed-in shop',
    channelType: 'web',
    contactIdentity: 'signed-in-shop',
    enabled: true,
    integrationType: 'task',
    integration: { identityVerification: { required: false, secret: SECRET } },
    allowedOrigins: ['self'],
  });
  expect(created.status).toBe(201);
  verifiedFlow = created.body.sid;
});
afterEach(async () => {
  for (const visitor of visitors.splice(0)) visitor.close();
  await desk.cleanUp();
});
afterAll(() => desk?.stop());

/** The shop's signed-in user Ada opens a chat (on any device) and writes `body`. */
async function adaWrites(body: string) {
  const res = await fetch(`${desk.parley.url}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: desk.parley.url },
    body: JSON.stringify({
      flexFlowSid: verifiedFlow,
      customerFriendlyName: 'Ada Lovelace',
      identify: {
        userId: 'u-ada',
        name: 'Ada Lovelace',
        userHash: createHmac('sha256', SECRET).update('u-ada').digest('hex'),
      },
    }),
  });
  expect(res.status).toBe(201);
  const channel = (await res.json()) as WebChannelResponse;
  const socket = await connectVisitor(desk.parley.url, channel.token);
  visitors.push(socket);
  await request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
  return { channel, socket };
}

const contextPanel = (page: Page) => page.getByRole('complementary', { name: 'Customer context' });

describe('earlier conversations and ratings on the desk', () => {
  it("shows the rating as it arrives, and the returning customer's earlier rated chat in the context panel", async () => {
    const page = await desk.availableDesk();
    const first = await adaWrites('My brass lamp arrived broken');
    await acceptOffer(page, 'Ada Lovelace');
    await conversation(page).getByText('brass lamp').waitFor();
    await endChat(page);
    await page.getByRole('form', { name: 'Wrap-up' }).waitFor();

    // Ada rates the chat while the agent is still wrapping it up: it shows up on the desk at once.
    const rated = await fetch(`${desk.parley.url}/v1/WebChannels/Ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: desk.parley.url },
      body: JSON.stringify({ token: first.channel.token, score: 4, comment: 'Quick and kind' }),
    });
    expect(rated.status).toBe(201);
    await contextPanel(page).getByRole('img', { name: 'Rated 4 of 5' }).waitFor();
    expect(await contextPanel(page).textContent()).toContain('Quick and kind');
    await page.getByRole('combobox', { name: 'Disposition' }).selectOption('Resolved');
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('form', { name: 'Wrap-up' }).waitFor({ state: 'detached' });

    // She comes back the next day on another device.
    await adaWrites('The replacement lamp flickers');
    await acceptOffer(page, 'Ada Lovelace');
    await conversation(page).getByText('replacement lamp').waitFor();
    const earlier = contextPanel(page).getByRole('list', { name: 'Earlier conversations' });
    await earlier.waitFor();
    const items = earlier.getByRole('listitem');
    expect(await items.count()).toBe(1);
    const item = items.first();
    await item.getByRole('img', { name: 'Rated 4 of 5' }).waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('Web chat');
    expect(text).toContain('Resolved');
    expect(text).toContain('Quick and kind');
    expect(text).toContain('Alex Morgan');
    // This chat is not rated yet: the only rating on the panel is the earlier one.
    expect(
      await contextPanel(page)
        .getByRole('img', { name: /^Rated/ })
        .count(),
    ).toBe(1);
    expect(await scanForViolations(page)).toEqual([]);

    // Opening it shows the earlier conversation read-only, with its wrap-up and rating.
    await item.getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Earlier conversation with Ada Lovelace' });
    await dialog.waitFor();
    const transcript = dialog.getByRole('log', { name: 'Transcript' });
    await eventually(() => transcript.textContent()).toContain('My brass lamp arrived broken');
    expect(await transcript.textContent()).not.toContain('replacement lamp');
    expect(await dialog.getByRole('list', { name: 'Wrap-up' }).textContent()).toContain('Resolved');
    await dialog
      .getByRole('list', { name: 'Customer rating' })
      .getByRole('img', { name: 'Rated 4 of 5' })
      .waitFor();
    expect(await dialog.getByRole('textbox').count()).toBe(0);
    expect(await scanForViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The chat in progress is still there to answer.
    expect(await page.getByRole('textbox', { name: 'Message' }).isEnabled()).toBe(true);

    // The same panel in dark mode (a second tab of the same agent) passes the scan too.
    const dark = await desk.openDesk({ colorScheme: 'dark' });
    await signInAs(dark);
    await dark
      .getByRole('navigation', { name: 'Active chats' })
      .getByRole('button', { name: /Ada Lovelace/ })
      .click();
    await contextPanel(dark)
      .getByRole('list', { name: 'Earlier conversations' })
      .getByRole('img', { name: 'Rated 4 of 5' })
      .waitFor();
    expect(await scanForViolations(dark)).toEqual([]);
  });

  it('shows an email conversation’s subject in the chat list and the conversation header', async () => {
    const created = await desk.parley.api<{ sid: string }>('POST', '/v1/FlexFlows', {
      friendlyName: 'Shop email',
      channelType: 'email',
      contactIdentity: 'support@shop.example',
      enabled: true,
      integrationType: 'task',
    });
    expect(created.status).toBe(201);
    const page = await desk.availableDesk();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = `tok${Math.random().toString(36).slice(2)}`;
    const mail = await fetch(`${desk.parley.url}/webhooks/email/${created.body.sid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        sender: 'lee@example.com',
        from: 'Lee Park <lee@example.com>',
        recipient: 'support@shop.example',
        subject: 'Order 10002 never arrived',
        'body-plain': 'It has been two weeks. Where is it?',
        'Message-Id': '<first@example.com>',
        timestamp,
        token,
        signature: emailWebhookSignature(SIGNING_KEY, timestamp, token),
      }),
    });
    expect(mail.status).toBe(200);
    await acceptOffer(page, 'Lee Park');
    const chats = page.getByRole('navigation', { name: 'Active chats' });
    await eventually(() => chats.getByRole('button', { name: /Lee Park/ }).textContent()).toContain(
      'Order 10002 never arrived',
    );
    const header = page.getByRole('region', { name: 'Chat with Lee Park' }).locator('header');
    await eventually(() => header.textContent()).toContain('Order 10002 never arrived');
    expect(await contextPanel(page).textContent()).toMatch(/Subject\s*Order 10002 never arrived/);
  });
});
