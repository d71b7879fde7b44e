/**
 * Visitor identity and tokens attacked on a running server: a proof or token from one Flex Flow
 * never opens a chat on another, an erased contact's tokens resume nothing, identity-required
 * Flex Flows take no anonymous offline message, a session cannot be refreshed past its absolute
 * lifetime, and a signed inbound webhook cannot attach a message to a web contact.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/core/identity.ts';
import { twilioSignature } from '../../server/core/proxy/signature.ts';
import { createTokens } from '../../server/core/tokens.ts';
import type { WebChannelResponse } from '../../server/protocol.ts';
import { connectVisitor, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { fakeProvider } from './messaging-helpers.ts';

const TEST_SECRET = 'test-secret-0123456789abcdef';
const SECRET_X = 'site-x-identity-secret-0123456789';
const SECRET_Y = 'site-y-identity-secret-9876543210';
const AUTH_TOKEN = 'provider-auth-token';
const PROXY_NUMBER = '+15550100';

let parley: TestParley;
let provider: Awaited<ReturnType<typeof fakeProvider>>;
/** X verifies users but does not require it; Y requires its own proof; Z verifies nobody. */
let flowX: string;
let flowY: string;
let flowZ: string;
let smsFlow: string;
const sockets: VisitorSocket[] = [];

async function webFlexFlow(friendlyName: string, integration: Record<string, unknown>) {
  const demo = (await parley.api('GET', `/v1/FlexFlows/${parley.flexFlowSid}`)).body;
  const created = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName,
    channelType: 'web',
    contactIdentity: `webchat-${friendlyName.toLowerCase().replace(/\W+/g, '-')}`,
    enabled: true,
    integrationType: 'task',
    integration: { ...demo.integration, ...integration },
    allowedOrigins: ['self'],
  });
  expect(created.status).toBe(201);
  return created.body.sid as string;
}

async function post(path: string, body: Record<string, unknown>) {
  const res = await fetch(parley.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: parley.url },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const open = (body: Record<string, unknown>) => post('/v1/WebChannels', body);
const proofOf = (secret: string, userId: string) => ({ userId, userHash: userHashOf(secret, userId) });

async function connect(token: string) {
  const socket = await connectVisitor(parley.url, token);
  sockets.push(socket);
  return socket;
}

const bodiesOf = async (channelSid: string) =>
  (await parley.api('GET', `/v1/Channels/${channelSid}/Messages`)).body.messages.map(
    (m: { body: string }) => m.body,
  );

beforeAll(async () => {
  provider = await fakeProvider();
  parley = await startParley({ limits: { webChannelsPerMinute: 1000 } });
  flowX = parley.flexFlowSid;
  await parley.api('POST', `/v1/FlexFlows/${flowX}`, {
    integration: { identityVerification: { required: false, secret: SECRET_X } },
  });
  flowY = await webFlexFlow('Members area', { identityVerification: { required: true, secret: SECRET_Y } });
  flowZ = await webFlexFlow('Help centre', {});
  const sms = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'SMS',
    channelType: 'sms',
    contactIdentity: PROXY_NUMBER,
    enabled: true,
    integrationType: 'task',
    messagingConnector: { url: provider.url, authToken: AUTH_TOKEN },
  });
  expect(sms.status).toBe(201);
  smsFlow = sms.body.sid;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await parley.stop();
  await provider.close();
});

describe('a proof or token from one Flex Flow on another', () => {
  it('refuses the cross-Flex-Flow takeover: user 42 proven on X never reaches user 42 on Y', async () => {
    const victim = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_Y, '42') });
    expect(victim.status).toBe(201);
    await parley.api('POST', `/v1/Channels/${victim.body.channelSid}/Messages`, {
      from: victim.body.identity,
      body: 'my order 1234, my address is 1 Main St',
    });

    // The attacker is user 42 on X (another site, or a weaker one) and has X's session token.
    const attacker = await open({ flexFlowSid: flowX, identify: proofOf(SECRET_X, '42') });
    expect(attacker.status).toBe(201);
    expect(attacker.body.contactSid).not.toBe(victim.body.contactSid);
    expect(attacker.body.identity).toBe(`user:${flowX}:42`);
    expect(victim.body.identity).toBe(`user:${flowY}:42`);

    // X's token in place of Y's proof: Y still asks for its own proof.
    const withToken = await open({ flexFlowSid: flowY, token: attacker.body.token });
    expect(withToken).toMatchObject({ status: 401, body: { code: 'identity_required' } });
    // X's proof on Y: made with the wrong secret.
    const withProof = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_X, '42') });
    expect(withProof).toMatchObject({ status: 403, body: { code: 'identity_invalid' } });

    // Nothing the attacker holds reads the victim's chat.
    const socket = await connect(attacker.body.token);
    const sync = await request<{ channel: { sid: string }; messages: { body: string }[] }>(
      socket,
      'messages:sync',
      { afterIndex: -1 },
    );
    expect(sync.channel.sid).toBe(attacker.body.channelSid);
    expect(JSON.stringify(sync)).not.toContain('1 Main St');
  });

  it("resumes a verified user on Y only with Y's own proof or Y's own token", async () => {
    const first = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_Y, 'ada') });
    const again = await open({ flexFlowSid: flowY, token: first.body.token });
    expect(again).toMatchObject({
      status: 201,
      body: { contactSid: first.body.contactSid, channelSid: first.body.channelSid },
    });
  });

  it('starts an anonymous visitor with a token from another Flex Flow as someone new', async () => {
    const onX = await openWebChannel(parley.url, { flexFlowSid: flowX, customerFriendlyName: 'Bea' });
    const onZ = await open({ flexFlowSid: flowZ, token: onX.token });
    expect(onZ.status).toBe(201);
    expect(onZ.body.contactSid).not.toBe(onX.contactSid);
    expect(onZ.body.channelSid).not.toBe(onX.channelSid);
    // The token still resumes on its own Flex Flow.
    expect((await open({ flexFlowSid: flowX, token: onX.token })).body.contactSid).toBe(onX.contactSid);
  });

  it('scopes a token issued before tokens named their Flex Flow by its channel', async () => {
    const onX = await openWebChannel(parley.url, { flexFlowSid: flowX });
    // Signed with the server's secret as the previous version did: no flexFlowSid, no since.
    const legacy = createTokens(TEST_SECRET, () => new Date()).sign({
      kind: 'visitor',
      contactSid: onX.contactSid,
      channelSid: onX.channelSid,
    }).token;
    expect((await open({ flexFlowSid: flowZ, token: legacy })).body.contactSid).not.toBe(onX.contactSid);
    expect((await open({ flexFlowSid: flowX, token: legacy })).body.contactSid).toBe(onX.contactSid);
  });
});

describe('an erased contact', () => {
  it('has its tokens revoked: no socket, and a new chat starts on a fresh contact', async () => {
    const session = await openWebChannel(parley.url, { flexFlowSid: flowX, customerFriendlyName: 'Cy' });
    (await connect(session.token)).close();
    const erased = await parley.api('DELETE', `/v1/Contacts/${session.contactSid}`);
    expect(erased.status).toBe(200);

    await expect(connectVisitor(parley.url, session.token)).rejects.toMatchObject({
      message: 'unauthorized',
    });
    const reopened = await open({ flexFlowSid: flowX, token: session.token });
    expect(reopened.status).toBe(201);
    expect(reopened.body.contactSid).not.toBe(session.contactSid);
    expect(reopened.body.channelSid).not.toBe(session.channelSid);
    expect(reopened.body.identity).toMatch(/^visitor-/);
  });

  it('does not come back for a verified user: their token fails, their proof makes a new contact', async () => {
    const before = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_Y, 'erase-me') });
    expect((await parley.api('DELETE', `/v1/Contacts/${before.body.contactSid}`)).status).toBe(200);
    expect(await open({ flexFlowSid: flowY, token: before.body.token })).toMatchObject({ status: 401 });
    const after = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_Y, 'erase-me') });
    expect(after.status).toBe(201);
    expect(after.body.contactSid).not.toBe(before.body.contactSid);
    expect(await bodiesOf(after.body.channelSid)).toEqual([]);
  });
});

describe('offline messages', () => {
  const offline = (flexFlowSid: string, extra: Record<string, unknown> = {}) =>
    post('/v1/WebChannels/OfflineMessages', {
      flexFlowSid,
      name: 'Dee',
      email: 'dee@example.com',
      body: 'Call me back',
      ...extra,
    });

  it('are refused on an identity-required Flex Flow without a valid proof', async () => {
    expect(await offline(flowY)).toMatchObject({ status: 401, body: { code: 'identity_required' } });
    expect(await offline(flowY, { identify: proofOf(SECRET_X, 'dee') })).toMatchObject({
      status: 403,
      body: { code: 'identity_invalid' },
    });
  });

  it("are taken with the Flex Flow's own proof, as the verified user's", async () => {
    const left = await offline(flowY, { identify: proofOf(SECRET_Y, 'dee') });
    expect(left.status).toBe(201);
    const task = (await parley.api('GET', `/v1/Tasks/${left.body.taskSid}`)).body;
    const channel = (await parley.api('GET', `/v1/Channels/${task.channelSid}`)).body;
    const contact = await parley.server.core.store.contacts.get(channel.contactSid);
    expect(contact?.identity).toBe(`user:${flowY}:dee`);
  });

  it('are still taken anonymously where verification is not required', async () => {
    expect((await offline(flowX)).status).toBe(201);
  });
});

describe('a visitor session', () => {
  it('is refused once past its absolute lifetime, whatever its expiry says', async () => {
    const session = await openWebChannel(parley.url, { flexFlowSid: flowX });
    // What an endless refresh chain looked like: begun 31 days ago, valid for another hour.
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({
        kind: 'visitor',
        contactSid: session.contactSid,
        channelSid: session.channelSid,
        flexFlowSid: flowX,
        since: now - 31 * 86_400,
        iat: now,
        exp: now + 3600,
      }),
    ).toString('base64url');
    const stale = `${payload}.${createHmac('sha256', TEST_SECRET).update(payload).digest('base64url')}`;
    await expect(connectVisitor(parley.url, stale)).rejects.toMatchObject({ message: 'unauthorized' });
    expect((await open({ flexFlowSid: flowX, token: stale })).body.contactSid).not.toBe(session.contactSid);
  });

  it('cannot be refreshed or reopened past PARLEY_SESSION_MAX_DAYS', async () => {
    const short = await startParley({ sessionMaxDays: 4 / 86_400 });
    try {
      const opened = Date.now();
      const session: WebChannelResponse = await openWebChannel(short.url, { flexFlowSid: short.flexFlowSid });
      // The token expires with the session, not 7 days later.
      expect(Date.parse(session.expiresAt)).toBeLessThanOrEqual(opened + 5_000);
      const socket = await connectVisitor(short.url, session.token);
      sockets.push(socket);
      const fresh = await request<{ token: string; expiresAt: string }>(socket, 'session:refresh');
      expect(fresh.expiresAt).toBe(session.expiresAt);
      // Reopening with the token keeps the session's start too.
      const reopened = await openWebChannel(short.url, {
        flexFlowSid: short.flexFlowSid,
        token: fresh.token,
      });
      expect(reopened.contactSid).toBe(session.contactSid);
      expect(reopened.expiresAt).toBe(session.expiresAt);

      // Once the lifetime is over (its end is the expiry every token of the session names),
      // refreshing is refused on the open socket.
      await new Promise((resolve) => setTimeout(resolve, Date.parse(session.expiresAt) - Date.now() + 50));
      const late = await request<{ error?: { code: string } }>(socket, 'session:refresh');
      expect(late.error?.code).toBe('session_expired');
      await expect(connectVisitor(short.url, fresh.token)).rejects.toMatchObject({ message: 'unauthorized' });
      const after = await openWebChannel(short.url, { flexFlowSid: short.flexFlowSid, token: fresh.token });
      expect(after.contactSid).not.toBe(session.contactSid);
    } finally {
      await short.stop();
    }
  });
});

describe('signed inbound webhooks', () => {
  const path = () => `/webhooks/messaging/${smsFlow}`;

  /** POSTs form pairs (a name may repeat), signed with the Flex Flow's auth token. */
  async function inbound(pairs: [string, string][], { signed = true } = {}) {
    const params: Record<string, string | string[]> = {};
    for (const [name, value] of pairs) {
      const seen = params[name];
      params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signed) headers['x-twilio-signature'] = twilioSignature(AUTH_TOKEN, parley.url + path(), params);
    const res = await fetch(parley.url + path(), {
      method: 'POST',
      headers,
      body: new URLSearchParams(pairs),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
    };
  }

  let n = 0;
  const message = (from: string, body: string): [string, string][] => [
    ['From', from],
    ['To', PROXY_NUMBER],
    ['Body', body],
    ['MessageSid', `SM${String(++n).padStart(32, '0')}`],
    ['NumMedia', '0'],
  ];

  const openSessions = async () => (await parley.api('GET', '/v1/Sessions?status=open')).body.sessions;

  it('refuses a field sent twice with a 400 naming it, never a 500', async () => {
    const twiceFrom = await inbound([...message('+15557001', 'hi'), ['From', '+15557002']]);
    expect(twiceFrom).toMatchObject({ status: 400, json: { code: 'invalid_request' } });
    expect(twiceFrom.json.message).toMatch(/form\.From/);
    const twiceBody = await inbound([...message('+15557001', 'hi'), ['Body', 'again']]);
    expect(twiceBody.status).toBe(400);
    expect(twiceBody.json.message).toMatch(/form\.Body/);
    // Unsigned, it is refused for its signature before its fields are read.
    expect((await inbound([...message('+15557001', 'hi'), ['From', '+1']], { signed: false })).status).toBe(
      403,
    );
    expect(await openSessions()).toEqual([]);
  });

  it('refuses a body longer than one provider message (1,600 characters) and stores nothing', async () => {
    const long = await inbound(message('+15557003', 'x'.repeat(30_000)));
    expect(long.status).toBe(400);
    expect(long.json.message).toMatch(/form\.Body: .*1600/);
    expect(await openSessions()).toEqual([]);
    expect((await inbound(message('+15557003', 'y'.repeat(1600)))).status).toBe(200);
  });

  it("never attaches an inbound message to a verified user's or a web visitor's contact", async () => {
    const victim = await open({ flexFlowSid: flowY, identify: proofOf(SECRET_Y, '4242') });
    const visitor = await openWebChannel(parley.url, { flexFlowSid: flowX });
    const before = await parley.api('GET', '/v1/Sessions');
    for (const from of [
      'user:4242',
      victim.body.identity,
      visitor.identity,
      `erased:${visitor.contactSid}`,
    ]) {
      const reply = await inbound(message(from, 'attach me'));
      expect(reply.status, from).toBe(400);
      expect(reply.json.message).toMatch(/form\.From: must be a phone number/);
    }
    expect((await parley.api('GET', '/v1/Sessions')).body.sessions).toEqual(before.body.sessions);
    expect(await bodiesOf(victim.body.channelSid)).not.toContain('attach me');
    expect(await bodiesOf(visitor.channelSid)).not.toContain('attach me');
    expect(await parley.server.core.store.contacts.findByIdentity('user:4242')).toBeNull();
  });

  it('takes phone numbers and channel addresses', async () => {
    for (const from of ['+447700900123', 'whatsapp:+15557004', 'messenger:1234567890']) {
      expect((await inbound(message(from, 'hello'))).status, from).toBe(200);
    }
    await parley.server.core.idle();
  });
});
