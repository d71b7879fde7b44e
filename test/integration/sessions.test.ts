import { afterEach, describe, expect, it } from 'vitest';
import { createTokens } from '../../server/core/tokens.ts';
import { connectAgent, connectVisitor, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
afterEach(async () => {
  await parley.stop();
});

describe('sessions', () => {
  it('refuses a visitor socket without a token, with a forged one, or an expired one', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    await expect(connectVisitor(parley.url, '')).rejects.toMatchObject({ message: 'unauthorized' });
    const [payload] = session.token.split('.');
    await expect(connectVisitor(parley.url, `${payload}.forged`)).rejects.toMatchObject({
      message: 'unauthorized',
    });
    const past = createTokens(
      'test-secret-0123456789abcdef',
      () => new Date(Date.now() - 8 * 24 * 3600 * 1000),
    );
    const expired = past.sign({
      kind: 'visitor',
      contactSid: session.contactSid,
      channelSid: session.channelSid,
    });
    await expect(connectVisitor(parley.url, expired.token)).rejects.toMatchObject({
      message: 'unauthorized',
    });
  });

  it('refuses a visitor socket from an origin the Flex Flow does not allow', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    await expect(connectVisitor(parley.url, session.token, 'https://evil.example')).rejects.toMatchObject({
      message: 'forbidden_origin',
    });
  });

  it('refreshes a visitor token into a new one that still opens the same channel', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    const socket = await connectVisitor(parley.url, session.token);
    const fresh = await request<{ token: string; expiresAt: string }>(socket, 'session:refresh');
    socket.close();
    expect(fresh.token).not.toBe(session.token);
    const again = await connectVisitor(parley.url, fresh.token);
    const sync = await request<{ channel: { sid: string } }>(again, 'messages:sync', { afterIndex: -1 });
    expect(sync.channel.sid).toBe(session.channelSid);
    again.close();
  });

  it('does not take a visitor token on the agent namespace', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    await expect(connectAgent(parley.url, session.token)).rejects.toMatchObject({ message: 'unauthorized' });
  });

  it('keeps an agent out of channels that are not theirs', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    const { token } = await signIn(parley.url);
    const agent = await connectAgent(parley.url, token);
    const read = await request(agent, 'messages:sync', { channelSid: session.channelSid, afterIndex: -1 });
    expect(read).toMatchObject({ error: { code: 'forbidden' } });
    const write = await request(agent, 'message:send', {
      channelSid: session.channelSid,
      clientId: 'x',
      body: 'hi',
    });
    expect(write).toMatchObject({ error: { code: 'forbidden' } });
    agent.close();
  });

  it('rate-limits agent sign-in per address', async () => {
    parley = await startParley({ limits: { signInPerMinute: 3 } });
    for (let i = 0; i < 3; i++) await expect(signIn(parley.url, 'agent', 'wrong')).rejects.toThrow(/401/);
    await expect(signIn(parley.url, 'agent', 'agent')).rejects.toThrow(/429/);
  });

  it('answers a malformed socket payload with an error naming the field', async () => {
    parley = await startParley();
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    const socket = await connectVisitor(parley.url, session.token);
    const reply = await request(socket, 'message:send', { clientId: 'x', body: 42 });
    expect(reply).toMatchObject({ error: { code: 'invalid_request' } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/^message:send\.body:/);
    const empty = await request(socket, 'message:send', { clientId: 'x', body: '' });
    expect((empty as { error: { message: string } }).error.message).toMatch(/needs a body/);
    socket.close();
  });
});
