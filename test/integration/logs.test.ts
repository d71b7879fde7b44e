import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDTO } from '../../server/protocol.ts';
import { connectAgent, connectVisitor, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
let parley: TestParley;
beforeAll(async () => {
  parley = await startParley({ log: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await parley.stop();
});

describe('structured logs', () => {
  it('log requests and connections as JSON, without message bodies, names, tokens or passwords', async () => {
    const secrets: string[] = [parley.adminKey];
    const session = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Zelda Secretname',
      preEngagementData: { email: 'zelda@private.example' },
    });
    secrets.push('Zelda Secretname', 'zelda@private.example', session.token);
    const visitor = await connectVisitor(parley.url, session.token);
    const agentSession = await signIn(parley.url);
    secrets.push(agentSession.token);
    const agent = await connectAgent(parley.url, agentSession.token);
    await request(agent, 'session:sync');
    await request(agent, 'activity:set', { activity: 'Available' });
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(visitor, 'message:send', { clientId: 'l1', body: 'BODY-MARKER-my card is 4111 1111' });
    const offer = await offered;
    await request(agent, 'reservation:accept', { reservationSid: offer.reservation.sid });
    await request(agent, 'message:send', {
      channelSid: session.channelSid,
      clientId: 'l2',
      body: 'BODY-MARKER-agent',
    });
    const refreshed = await request<{ token: string }>(visitor, 'session:refresh');
    secrets.push(refreshed.token, 'BODY-MARKER');
    // Bad input that quotes what it got, and failures of every kind.
    await request(visitor, 'message:send', { clientId: 'l3', body: 'BODY-MARKER'.repeat(500) });
    await request(visitor, 'message:send', { clientId: 4, body: 'BODY-MARKER-bad-client-id' });
    await fetch(`${parley.url}/v1/AgentSessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'agent', password: 'PASSWORD-MARKER' }),
    });
    secrets.push('PASSWORD-MARKER');
    await parley.api('POST', `/v1/Channels/${session.channelSid}/Messages`, {
      from: 'nobody',
      body: 'BODY-MARKER-rest',
    });
    await fetch(`${parley.url}/v1/Channels?token=${session.token}`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    await fetch(`${parley.url}/v1/WebChannels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: '{"flexFlowSid": "BODY-MARKER',
    });
    visitor.close();
    agent.close();
    await parley.server.core.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(lines.length).toBeGreaterThan(10);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.some((r) => r.msg === 'request' && r.path === '/v1/WebChannels' && r.status === 201)).toBe(
      true,
    );
    // Routes handled by a mounted router are logged with their whole path, not the router's part.
    expect(
      records.some(
        (r) =>
          r.msg === 'request' &&
          r.path === `/v1/Channels/${session.channelSid}/Messages` &&
          r.method === 'POST',
      ),
    ).toBe(true);
    expect(records.some((r) => r.msg === 'socket connected' && r.namespace === '/webchat')).toBe(true);
    const text = lines.join('\n');
    for (const secret of secrets)
      expect(text, `the logs contain ${secret.slice(0, 24)}…`).not.toContain(secret);
    // A query string (where a careless client might put a token) is never logged.
    expect(text).not.toContain('token=');
  });
});
