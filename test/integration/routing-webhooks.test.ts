/** Event webhooks: a CRM receives signed task, reservation, channel and message events, retried. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../../server/core/external.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const SECRET = 'webhook-secret-0123456789';
let parley: TestParley;
let closeReceiver = () => {};
afterEach(async () => {
  await parley.stop();
  closeReceiver();
});

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

/** A CRM on loopback that answers 503 to the first `failures` deliveries. */
async function crm(failures = 0) {
  const received: { event: string; id: string; data: Record<string, unknown>; signed: boolean }[] = [];
  let calls = 0;
  const server = createServer(async (req, res) => {
    const body = await read(req);
    calls++;
    if (calls <= failures) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const parsed = JSON.parse(body);
    received.push({ ...parsed, signed: req.headers['x-parley-signature'] === signBody(SECRET, body) });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closeReceiver = () => server.close();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    calls: () => calls,
  };
}

describe('event webhooks', () => {
  it('sends signed task.created, message.created, reservation.accepted, task.completed and channel.closed', async () => {
    const receiver = await crm();
    parley = await startParley({ webhook: { url: receiver.url, secret: SECRET } });
    await parley.api('POST', '/v1/Workers', { friendlyName: 'Robin', activity: 'Available' });
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'crm-contact',
      taskAttributes: { topic: 'refund' },
    });
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, {
      from: 'crm-contact',
      body: 'Refund please',
    });
    await parley.server.core.idle();
    const [offer] = (await parley.api('GET', `/v1/Tasks/${channel.taskSid}/Reservations`)).body.reservations;
    await parley.api('POST', `/v1/Tasks/${channel.taskSid}/Reservations/${offer.sid}`, {
      status: 'accepted',
    });
    await parley.api('POST', `/v1/Tasks/${channel.taskSid}`, { status: 'completed' });
    await parley.server.core.idle();

    const events = receiver.received.map((r) => r.event);
    for (const event of [
      'task.created',
      'message.created',
      'reservation.accepted',
      'task.completed',
      'channel.closed',
    ]) {
      expect(events).toContain(event);
    }
    expect(receiver.received.every((r) => r.signed)).toBe(true);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
    const created = receiver.received.find((r) => r.event === 'task.created');
    expect(created?.data).toMatchObject({ sid: channel.taskSid, attributes: { topic: 'refund' } });
    const closed = receiver.received.find((r) => r.event === 'channel.closed');
    expect(closed?.data).toMatchObject({ sid: channel.sid, status: 'inactive' });
  });

  it('retries a delivery the receiver failed', async () => {
    const receiver = await crm(2);
    parley = await startParley({ webhook: { url: receiver.url, secret: SECRET, backoffMs: 10 } });
    await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'retry-contact',
      taskAttributes: {},
    });
    await parley.server.core.idle();
    expect(receiver.calls()).toBe(3);
    expect(receiver.received.map((r) => r.event)).toEqual(['task.created']);
  });
});
