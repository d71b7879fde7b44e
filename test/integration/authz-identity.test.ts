import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/core/identity.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const SECRET = 'site-identity-secret-0123456789';
let parley: TestParley;

beforeAll(async () => {
  parley = await startParley();
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integration: { identityVerification: { required: true, secret: SECRET } },
  });
});
afterAll(async () => {
  await parley.stop();
});

function jwt(claims: Record<string, unknown>, { secret = SECRET, alg = 'HS256' } = {}) {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

async function open(body: Record<string, unknown>) {
  const res = await fetch(`${parley.url}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: parley.url },
    body: JSON.stringify({ flexFlowSid: parley.flexFlowSid, ...body }),
  });
  return { status: res.status, body: await res.json() };
}

describe('identity verification', () => {
  it('refuses an anonymous visitor when the Flex Flow requires a verified user', async () => {
    const reply = await open({});
    expect(reply).toMatchObject({ status: 401, body: { code: 'identity_required' } });
    expect(reply.body.message).toMatch(/userHash/);
  });

  it('refuses a userId without proof, a wrong userHash, or one made for another user', async () => {
    expect(await open({ identify: { userId: 'u-1' } })).toMatchObject({ status: 401 });
    expect(await open({ identify: { userId: 'u-1', userHash: 'ab'.repeat(32) } })).toMatchObject({
      status: 403,
      body: { code: 'identity_invalid' },
    });
    expect(await open({ identify: { userId: 'u-1', userHash: userHashOf(SECRET, 'u-2') } })).toMatchObject({
      status: 403,
    });
    expect(
      await open({ identify: { userId: 'u-1', userHash: userHashOf('another-secret', 'u-1') } }),
    ).toMatchObject({ status: 403 });
  });

  it('gives a verified user the same contact and conversation on any device', async () => {
    const identify = {
      userId: 'u-42',
      name: 'Dana',
      email: 'dana@example.com',
      userHash: userHashOf(SECRET, 'u-42'),
    };
    const laptop = await open({ identify });
    // A verified user is scoped to the Flex Flow that vouches for them.
    const identity = `user:${parley.flexFlowSid}:u-42`;
    expect(laptop).toMatchObject({ status: 201, body: { identity } });
    await parley.api('POST', `/v1/Channels/${laptop.body.channelSid}/Messages`, {
      from: identity,
      body: 'from my laptop',
    });
    const phone = await open({ identify: { userId: 'u-42', jwt: jwt({ sub: 'u-42', exp: inAnHour() }) } });
    expect(phone.body).toMatchObject({
      contactSid: laptop.body.contactSid,
      channelSid: laptop.body.channelSid,
    });
    const history = await parley.api('GET', `/v1/Channels/${phone.body.channelSid}/Messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toContain('from my laptop');
    const contact = await parley.api('GET', `/v1/Contacts/${laptop.body.contactSid}/Export`);
    if (contact.status === 200) expect(contact.body.contact.attributes).toMatchObject({ verified: true });
    // The verified user's own session token resumes without a new proof.
    expect(await open({ token: phone.body.token })).toMatchObject({
      status: 201,
      body: { contactSid: laptop.body.contactSid },
    });
  });

  it('refuses a JWT that expired, names another user, is unsigned or signed with another key', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    for (const [token, reason] of [
      [jwt({ sub: 'u-7', exp: past }), /expired/],
      [jwt({ sub: 'u-8', exp: inAnHour() }), /sub/],
      [jwt({ sub: 'u-7' }), /exp/],
      [jwt({ sub: 'u-7', exp: inAnHour() }, { secret: 'wrong-secret' }), /signature/],
      [jwt({ sub: 'u-7', exp: inAnHour() }, { alg: 'none' }), /HS256/],
      ['not.a-jwt', /JWT/],
    ] as const) {
      const reply = await open({ identify: { userId: 'u-7', jwt: token } });
      expect(reply.status).toBe(403);
      expect(reply.body.message).toMatch(reason);
    }
  });

  it('never lets an anonymous session become a verified user, nor one user become another', async () => {
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { identityVerification: { required: false, secret: SECRET } },
    });
    const anonymous = await open({});
    expect(anonymous.status).toBe(201);
    expect(anonymous.body.identity).toMatch(/^visitor-/);
    // A customer name or pre-engagement data never turns into the user identity.
    const named = await open({ customerFriendlyName: 'user:u-42', preEngagementData: { userId: 'u-42' } });
    expect(named.body.identity).not.toMatch(/^user:/);
    expect(await open({ token: anonymous.body.token, identify: { userId: 'u-42' } })).toMatchObject({
      status: 401,
    });

    const alice = await open({ identify: { userId: 'alice', userHash: userHashOf(SECRET, 'alice') } });
    const bobWithAlicesToken = await open({
      token: alice.body.token,
      identify: { userId: 'bob', userHash: userHashOf(SECRET, 'alice') },
    });
    expect(bobWithAlicesToken.status).toBe(403);

    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { identityVerification: { required: true, secret: SECRET } },
    });
    expect(await open({ token: anonymous.body.token })).toMatchObject({ status: 401 });
  });

  it('refuses identify on a Flex Flow that verifies no identities', async () => {
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { integration: {} });
    const reply = await open({ identify: { userId: 'u-1', userHash: userHashOf(SECRET, 'u-1') } });
    expect(reply).toMatchObject({ status: 403, body: { code: 'identity_invalid' } });
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { identityVerification: { required: true, secret: SECRET } },
    });
  });
});
