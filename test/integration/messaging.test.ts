import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../server/core/proxy/signature.ts';
import { EMPTY_TWIML } from '../../server/http/messaging.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { fakeProvider } from './messaging-helpers.ts';

const AUTH_TOKEN = 'provider-auth-token';
const PROXY_NUMBER = '+15550100';
const CUSTOMER = '+15557777';

let parley: TestParley;
let provider: Awaited<ReturnType<typeof fakeProvider>>;
let flexFlowSid: string;

/** POSTs a form to Parley, signed with `token` unless it is null. */
async function postSigned(path: string, params: Record<string, string>, token: string | null = AUTH_TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token) headers['x-twilio-signature'] = twilioSignature(token, parley.url + path, params);
  const res = await fetch(parley.url + path, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const inbound = (body: string, messageSid: string, from = CUSTOMER) =>
  postSigned(`/webhooks/messaging/${flexFlowSid}`, {
    From: from,
    To: PROXY_NUMBER,
    Body: body,
    MessageSid: messageSid,
    NumMedia: '0',
  });

beforeEach(async () => {
  provider = await fakeProvider();
  parley = await startParley();
  const created = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'SMS',
    channelType: 'sms',
    contactIdentity: PROXY_NUMBER,
    enabled: true,
    integrationType: 'task',
    messagingConnector: { url: provider.url, authToken: AUTH_TOKEN },
  });
  expect(created.status).toBe(201);
  flexFlowSid = created.body.sid;
});
afterEach(async () => {
  await parley.stop();
  await provider.close();
});

describe('inbound messages from a messaging provider', () => {
  it('opens a proxy session, a channel and a task for a correctly signed message, answering empty TwiML', async () => {
    const res = await inbound('Where is my order?', 'SM0001');
    expect(res).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(res.type).toMatch(/^text\/xml/);
    await parley.server.core.idle();

    const { body } = await parley.api('GET', '/v1/Sessions?status=open');
    expect(body.sessions).toHaveLength(1);
    const [session] = body.sessions;
    expect(session).toMatchObject({
      sid: expect.stringMatching(/^KC/),
      flexFlowSid,
      status: 'open',
      participants: [{ identity: CUSTOMER, address: CUSTOMER, proxyAddress: PROXY_NUMBER }],
    });
    expect((await parley.api('GET', `/v1/Sessions/${session.sid}`)).body.channelSid).toBe(session.channelSid);
    const channel = (await parley.api('GET', `/v1/Channels/${session.channelSid}`)).body;
    expect(channel.attributes).toMatchObject({ channelType: 'sms', proxySessionSid: session.sid });
    expect(channel.taskSid).toMatch(/^WT/);
    const messages = (await parley.api('GET', `/v1/Channels/${session.channelSid}/Messages`)).body.messages;
    expect(messages).toMatchObject([{ from: CUSTOMER, authorRole: 'customer', body: 'Where is my order?' }]);
  });

  it('refuses a wrongly signed or unsigned message with 403 and stores nothing', async () => {
    const params = { From: CUSTOMER, To: PROXY_NUMBER, Body: 'hi', MessageSid: 'SM0002' };
    const path = `/webhooks/messaging/${flexFlowSid}`;
    expect((await postSigned(path, params, 'not-the-token')).status).toBe(403);
    expect((await postSigned(path, params, null)).status).toBe(403);
    // A signature over another URL (the proxy in front of Parley not configured) fails too.
    const res = await fetch(parley.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(AUTH_TOKEN, `https://elsewhere.example${path}`, params),
      },
      body: new URLSearchParams(params),
    });
    expect(res.status).toBe(403);
    expect((await parley.api('GET', '/v1/Sessions')).body.sessions).toEqual([]);
  });

  it('refuses a message to another number than the Flex Flow’s contact identity', async () => {
    const res = await postSigned(`/webhooks/messaging/${flexFlowSid}`, {
      From: CUSTOMER,
      To: '+15550199',
      Body: 'hi',
      MessageSid: 'SM0003',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('contactIdentity');
  });

  it('stores a repeated MessageSid once and reuses the session for the next message', async () => {
    await inbound('first', 'SM0010');
    await inbound('first', 'SM0010');
    await inbound('second', 'SM0011');
    await parley.server.core.idle();
    const { sessions } = (await parley.api('GET', '/v1/Sessions')).body;
    expect(sessions).toHaveLength(1);
    const messages = (await parley.api('GET', `/v1/Channels/${sessions[0].channelSid}/Messages`)).body
      .messages;
    expect(messages.map((m: { body: string }) => m.body)).toEqual(['first', 'second']);
  });

  it('gives another address a session of its own', async () => {
    await inbound('a', 'SM0020');
    await inbound('b', 'SM0021', '+15558888');
    const { sessions } = (await parley.api('GET', '/v1/Sessions')).body;
    expect(new Set(sessions.map((s: { channelSid: string }) => s.channelSid)).size).toBe(2);
  });
});

describe('replies through the messaging connector', () => {
  async function channelWithAgent() {
    await inbound('hello', 'SM0100');
    await parley.server.core.idle();
    const [session] = (await parley.api('GET', '/v1/Sessions')).body.sessions;
    await parley.api('POST', `/v1/Channels/${session.channelSid}/Members`, {
      identity: 'WKagent',
      role: 'agent',
      friendlyName: 'Alex',
    });
    return session.channelSid as string;
  }

  it('sends an agent’s reply to the provider with the right To and From, signed, and records its status', async () => {
    const channelSid = await channelWithAgent();
    const posted = await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
      from: 'WKagent',
      body: 'It ships today',
    });
    await parley.server.core.idle();
    expect(provider.received).toHaveLength(1);
    const [first] = provider.received;
    if (!first) throw new Error('the provider received nothing');
    const { form, authorization, signature } = first;
    expect(form.get('To')).toBe(CUSTOMER);
    expect(form.get('From')).toBe(PROXY_NUMBER);
    expect(form.get('Body')).toBe('It ships today');
    expect(authorization).toBe(`Basic ${Buffer.from(`${flexFlowSid}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(signature).toBe(twilioSignature(AUTH_TOKEN, provider.url, Object.fromEntries(form)));
    const callback = form.get('StatusCallback') ?? '';
    expect(callback).toBe(
      `${parley.url}/webhooks/messaging/status/${posted.body.sid}?channelSid=${channelSid}`,
    );

    const message = () => parley.api('GET', `/v1/Channels/${channelSid}/Messages/${posted.body.sid}`);
    expect((await message()).body.attributes).toMatchObject({
      deliveryStatus: 'queued',
      providerMessageSid: 'SM1',
    });
    const report = (status: string, token: string | null = AUTH_TOKEN) =>
      postSigned(callback.slice(parley.url.length), { MessageSid: 'SM1', MessageStatus: status }, token);
    expect((await report('delivered', 'wrong-token')).status).toBe(403);
    expect((await report('sent')).status).toBe(204);
    expect((await message()).body.attributes.deliveryStatus).toBe('sent');
    expect((await report('delivered')).status).toBe(204);
    expect((await report('sent')).status).toBe(204);
    expect((await message()).body.attributes.deliveryStatus).toBe('delivered');
    expect((await report('exploded')).status).toBe(400);
  });

  it('retries the provider with backoff until it answers', async () => {
    const channelSid = await channelWithAgent();
    provider.failFirst(2);
    const posted = await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
      from: 'WKagent',
      body: 'retry me',
    });
    await parley.server.core.idle();
    expect(provider.calls()).toBe(3);
    expect(provider.received.map((r) => r.form.get('Body'))).toEqual(['retry me']);
    const message = await parley.api('GET', `/v1/Channels/${channelSid}/Messages/${posted.body.sid}`);
    expect(message.body.attributes.deliveryStatus).toBe('queued');
  });

  it('does not send the customer’s own messages or system messages back out', async () => {
    await channelWithAgent();
    await parley.server.core.idle();
    expect(provider.calls()).toBe(0);
  });
});

describe('the janitor and proxy sessions', () => {
  it('closes the session when its channel closes, and the next message opens a new one', async () => {
    await inbound('hello', 'SM0200');
    await parley.server.core.idle();
    const [session] = (await parley.api('GET', '/v1/Sessions')).body.sessions;
    await parley.api('POST', `/v1/Channels/${session.channelSid}`, { status: 'inactive' });
    await parley.server.core.idle();
    expect((await parley.api('GET', `/v1/Sessions/${session.sid}`)).body).toMatchObject({
      status: 'closed',
      dateClosed: expect.any(String),
    });
    await inbound('back again', 'SM0201');
    const open = (await parley.api('GET', '/v1/Sessions?status=open')).body.sessions;
    expect(open).toHaveLength(1);
    expect(open[0].channelSid).not.toBe(session.channelSid);
  });

  it('closes a session through the API', async () => {
    await inbound('hello', 'SM0300');
    const [session] = (await parley.api('GET', '/v1/Sessions')).body.sessions;
    expect((await parley.api('POST', `/v1/Sessions/${session.sid}`, { status: 'open' })).status).toBe(400);
    const closed = await parley.api('POST', `/v1/Sessions/${session.sid}`, { status: 'closed' });
    expect(closed.body.status).toBe('closed');
    expect((await parley.api('DELETE', `/v1/Sessions/${session.sid}`)).status).toBe(204);
    expect((await parley.api('GET', '/v1/Sessions/KC00000000000000000000000000000000')).status).toBe(404);
  });

  it('forgets the customer’s number when the contact is erased or the channel deleted', async () => {
    await inbound('hello', 'SM0400');
    await inbound('hi', 'SM0401', '+15558888');
    const [first, second] = (await parley.api('GET', '/v1/Sessions')).body.sessions;
    const channel = (await parley.api('GET', `/v1/Channels/${first.channelSid}`)).body;
    expect((await parley.api('DELETE', `/v1/Contacts/${channel.contactSid}`)).status).toBeLessThan(300);
    expect((await parley.api('GET', `/v1/Sessions/${first.sid}`)).status).toBe(404);
    expect((await parley.api('DELETE', `/v1/Channels/${second.channelSid}`)).status).toBe(204);
    expect((await parley.api('GET', '/v1/Sessions')).body.sessions).toEqual([]);
  });
});
