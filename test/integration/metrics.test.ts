import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDTO } from '../../server/protocol.ts';
import { connectAgent, connectVisitor, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  await parley.stop();
});

async function scrape() {
  const res = await fetch(`${parley.url}/metrics`, {
    headers: { authorization: `Bearer ${parley.adminKey}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : undefined;
};

describe('Prometheus metrics', () => {
  it('need the admin key', async () => {
    expect((await fetch(`${parley.url}/metrics`)).status).toBe(401);
  });

  it('count connections, messages, tasks by state, queue wait and delivery latency', async () => {
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    const visitor = await connectVisitor(parley.url, session.token);
    const agent = await connectAgent(parley.url, (await signIn(parley.url)).token);
    await request(agent, 'session:sync');
    await request(agent, 'activity:set', { activity: 'Available' });
    let text = await scrape();
    expect(value(text, 'parley_socket_connections{namespace="/webchat"}')).toBe(1);
    expect(value(text, 'parley_socket_connections{namespace="/agent"}')).toBe(1);

    const offered = next<OfferDTO>(agent, 'offer:new');
    for (let i = 0; i < 3; i++)
      await request(visitor, 'message:send', { clientId: `m${i}`, body: `hello ${i}` });
    await request(agent, 'reservation:accept', { reservationSid: (await offered).reservation.sid });
    await request(agent, 'message:send', { channelSid: session.channelSid, clientId: 'a1', body: 'hi' });

    text = await scrape();
    expect(value(text, 'parley_messages_total{role="customer"}')).toBe(3);
    expect(value(text, 'parley_messages_total{role="agent"}')).toBe(1);
    expect(value(text, 'parley_messages_total{role="system"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'parley_tasks{state="assigned"}')).toBe(1);
    expect(value(text, 'parley_tasks{state="pending"}')).toBe(0);
    expect(value(text, 'parley_queue_wait_seconds_count')).toBe(1);
    expect(
      value(text, 'parley_delivery_latency_seconds_count{namespace="/webchat",event="message:send"}'),
    ).toBe(3);
    expect(
      value(text, 'parley_delivery_latency_seconds_count{namespace="/agent",event="message:send"}'),
    ).toBe(1);
    visitor.close();
    agent.close();
    await expect
      .poll(async () => value(await scrape(), 'parley_socket_connections{namespace="/webchat"}'))
      .toBe(0);
  });
});
