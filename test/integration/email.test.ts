import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailWebhookSignature } from '../../server/core/email/signature.ts';
import type { AgentChatDTO, MessageDTO, OfferDTO } from '../../server/protocol.ts';
import { type AgentSocket, connectAgent, next, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { type Mailbox, sendMail, startMailbox } from './email-helpers.ts';

const SUPPORT = 'support@shop.example';
const FROM = 'Shop support <replies@shop.example>';
const SIGNING_KEY = 'inbound-signing-key-0123456789';

let parley: TestParley;
let mailbox: Mailbox;
let emailFlexFlowSid: string;
let agent: AgentSocket | null = null;

beforeEach(async () => {
  mailbox = await startMailbox();
  parley = await startParley({
    email: {
      smtpUrl: mailbox.url,
      from: FROM,
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
});
afterEach(async () => {
  agent?.close();
  agent = null;
  await parley.stop();
  await mailbox.close();
});

const receiverPort = () => parley.server.core.email.receiverAddress()?.port ?? 0;

async function availableAgent() {
  const session = await signIn(parley.url);
  agent = await connectAgent(parley.url, session.token);
  await request(agent, 'activity:set', { activity: 'Available' });
  return agent;
}

async function acceptNextOffer(socket: AgentSocket) {
  const offer = await next<OfferDTO>(socket, 'offer:new');
  return request<AgentChatDTO>(socket, 'reservation:accept', { reservationSid: offer.reservation.sid });
}

const messagesOf = async (channelSid: string): Promise<MessageDTO[]> =>
  (await parley.api('GET', `/v1/Channels/${channelSid}/Messages`)).body.messages;

/** POSTs the inbound-parse form, signed unless `key` is null. */
async function inboundParse(
  fields: Record<string, string>,
  key: string | null = SIGNING_KEY,
  at = Date.now(),
) {
  const timestamp = String(Math.floor(at / 1000));
  const token = `tok${Math.random().toString(36).slice(2)}`;
  const form = new URLSearchParams({
    ...fields,
    ...(key && { timestamp, token, signature: emailWebhookSignature(key, timestamp, token) }),
  });
  const res = await fetch(`${parley.url}/webhooks/email/${emailFlexFlowSid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

const mailFields = (messageId: string, text = 'Where is my parcel?') => ({
  sender: 'dana@example.com',
  from: 'Dana Smith <Dana@Example.com>',
  recipient: SUPPORT,
  subject: 'Parcel 10002',
  'body-plain': `${text}\n\nOn Mon, Shop wrote:\n> earlier`,
  'Message-Id': messageId,
});

describe('the offline form answered by email', () => {
  it("mails the agent's reply to the visitor, and their answer by mail comes back into the same conversation", async () => {
    const socket = await availableAgent();
    const accepted = acceptNextOffer(socket);
    const left = await fetch(`${parley.url}/v1/WebChannels/OfflineMessages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({
        flexFlowSid: parley.flexFlowSid,
        name: 'Lee',
        email: 'lee@example.com',
        body: 'Call me back',
      }),
    });
    expect(left.status).toBe(201);
    const chat = await accepted;
    expect(chat.channel.flexFlowSid).toBe(emailFlexFlowSid);
    expect(chat.channel.attributes).toMatchObject({ channelType: 'email', subject: 'Call me back' });
    expect(chat.task.attributes).toMatchObject({
      channelType: 'email',
      email: 'lee@example.com',
      offline: true,
    });
    expect(chat.contact).toMatchObject({ identity: 'lee@example.com', friendlyName: 'Lee' });

    const sent = await request(socket, 'message:send', {
      channelSid: chat.channel.sid,
      clientId: 'reply-1',
      body: 'We will call you at 3 pm.',
    });
    expect(sent).not.toHaveProperty('error');
    const { mail, rcptTo } = await mailbox.next();
    expect(rcptTo).toEqual(['lee@example.com']);
    expect(mail.from?.value[0]).toMatchObject({ name: 'Shop support', address: 'replies@shop.example' });
    expect(mail.replyTo?.value[0]?.address).toBe(SUPPORT);
    expect(mail.subject).toBe('Re: Call me back');
    expect(mail.text).toContain('We will call you at 3 pm.');
    await parley.server.core.idle();
    const reply = (await messagesOf(chat.channel.sid)).find((m) => m.authorRole === 'agent');
    expect(reply?.attributes).toMatchObject({ deliveryStatus: 'sent' });

    // The visitor answers from their mail program, through Parley's own SMTP receiver.
    const updated = next<MessageDTO>(socket, 'message:new', (m) => m.authorRole === 'customer');
    await sendMail(receiverPort(), {
      from: 'Lee <lee@example.com>',
      to: SUPPORT,
      subject: mail.subject ?? '',
      inReplyTo: mail.messageId,
      text: `3 pm is fine, thanks!\n\nOn Tue, Shop support wrote:\n> We will call you at 3 pm.`,
    });
    const answer = await updated;
    expect(answer).toMatchObject({
      channelSid: chat.channel.sid,
      from: 'lee@example.com',
      body: '3 pm is fine, thanks!',
    });
  });

  it('stays a web conversation where no email Flex Flow is enabled', async () => {
    await parley.api('POST', `/v1/FlexFlows/${emailFlexFlowSid}`, { enabled: false });
    const left = await fetch(`${parley.url}/v1/WebChannels/OfflineMessages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({
        flexFlowSid: parley.flexFlowSid,
        name: 'Lee',
        email: 'lee@example.com',
        body: 'Hi',
      }),
    });
    const { taskSid } = await left.json();
    const task = (await parley.api('GET', `/v1/Tasks/${taskSid}`)).body;
    expect(task.attributes.channelType).toBe('web');
  });
});

describe('the inbound-parse webhook', () => {
  it('opens a conversation and a task for a signed mail, without the quoted history, once per Message-Id', async () => {
    const first = await inboundParse(mailFields('<m1@example.com>'));
    expect(first).toMatchObject({
      status: 200,
      body: { created: true, channelSid: expect.stringMatching(/^CH/) },
    });
    const again = await inboundParse(mailFields('<m1@example.com>'));
    expect(again.body).toMatchObject({ created: false, channelSid: first.body.channelSid });
    await parley.server.core.idle();
    const channel = (await parley.api('GET', `/v1/Channels/${first.body.channelSid}`)).body;
    expect(channel.attributes).toMatchObject({
      channelType: 'email',
      subject: 'Parcel 10002',
      email: 'dana@example.com',
    });
    expect(channel.friendlyName).toBe('Parcel 10002');
    expect(channel.taskSid ?? channel.attributes.taskSid).toMatch(/^WT/);
    expect(await messagesOf(first.body.channelSid)).toMatchObject([
      { from: 'dana@example.com', authorRole: 'customer', body: 'Where is my parcel?' },
    ]);
    // A second mail from the same address (any case) threads into the same conversation.
    const second = await inboundParse({
      ...mailFields('<m2@example.com>', 'Any news?'),
      from: 'DANA@example.com',
    });
    expect(second.body.channelSid).toBe(first.body.channelSid);
  });

  it('refuses unsigned, wrongly signed and stale requests with 403, storing nothing', async () => {
    expect((await inboundParse(mailFields('<x1@example.com>'), null)).status).toBe(403);
    expect((await inboundParse(mailFields('<x2@example.com>'), 'another-key-0123456789')).status).toBe(403);
    const stale = await inboundParse(mailFields('<x3@example.com>'), SIGNING_KEY, Date.now() - 60 * 60_000);
    expect(stale).toMatchObject({ status: 403, body: { message: expect.stringContaining('timestamp') } });
    expect((await parley.api('GET', '/v1/Sessions?status=open')).body.sessions).toHaveLength(0);
  });

  it('names the field to fix: a recipient that is not the Flex Flow, a sender that is no address', async () => {
    const wrongTo = await inboundParse({
      ...mailFields('<y1@example.com>'),
      recipient: 'sales@shop.example',
    });
    expect(wrongTo).toMatchObject({ status: 400, body: { message: expect.stringContaining(SUPPORT) } });
    const noFrom = await inboundParse({
      ...mailFields('<y2@example.com>'),
      from: 'not an address',
      sender: '',
    });
    expect(noFrom).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^from must be an email address/) },
    });
  });

  it('ignores automatic answers (out of office) so no reply loop starts', async () => {
    const res = await inboundParse({ ...mailFields('<ooo@example.com>'), 'Auto-Submitted': 'auto-replied' });
    expect(res).toMatchObject({ status: 200, body: { ignored: 'automatic reply' } });
    expect((await parley.api('GET', '/v1/Sessions?status=open')).body.sessions).toHaveLength(0);
  });
});

describe("Parley's SMTP receiver", () => {
  it('takes mail for an email Flex Flow and is no relay for any other address', async () => {
    await sendMail(receiverPort(), {
      from: 'kim@example.com',
      to: SUPPORT,
      subject: 'Hello',
      text: 'Hi there',
    });
    await parley.server.core.idle();
    const [session] = (await parley.api('GET', '/v1/Sessions?status=open')).body.sessions;
    expect(session.participants[0]).toMatchObject({ address: 'kim@example.com', proxyAddress: SUPPORT });
    expect(await messagesOf(session.channelSid)).toMatchObject([{ body: 'Hi there' }]);
    await expect(
      sendMail(receiverPort(), {
        from: 'kim@example.com',
        to: 'someone@elsewhere.example',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });
});

describe('transcripts by email', () => {
  it("mails the visitor's conversation to them, at most three times", async () => {
    const opened = await fetch(`${parley.url}/v1/WebChannels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({ flexFlowSid: parley.flexFlowSid, customerFriendlyName: 'Ana' }),
    });
    const { token, channelSid, identity } = await opened.json();
    await parley.server.core.conversations.post({
      channelSid,
      from: identity,
      body: 'Is the blue one in stock?',
    });
    const ask = (body: Record<string, unknown>) =>
      fetch(`${parley.url}/v1/WebChannels/Transcripts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: parley.url },
        body: JSON.stringify(body),
      });
    expect((await ask({ token, email: 'ana@example.com' })).status).toBe(202);
    const { mail, rcptTo } = await mailbox.next();
    expect(rcptTo).toEqual(['ana@example.com']);
    expect(mail.subject).toBe('Your chat with Demo shop webchat');
    expect(mail.text).toContain('Ana: Is the blue one in stock?');
    expect((await ask({ token, email: 'ana@example.com' })).status).toBe(202);
    expect((await ask({ token, email: 'ana@example.com' })).status).toBe(202);
    expect((await ask({ token, email: 'ana@example.com' })).status).toBe(409);
    expect((await ask({ token: 'forged', email: 'ana@example.com' })).status).toBe(401);
    const bad = await ask({ token, email: 'not-an-address' });
    expect(await bad.json()).toMatchObject({ status: 400, message: expect.stringContaining('email') });
  });
});
