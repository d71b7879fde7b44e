/**
 * Parley's own admin routes keep customers' text out of the audit log as the Twilio-shaped
 * surface does: the log outlives privacy erasure and retention, so a message posted with the
 * admin key is recorded by sid and length, and a channel's attributes by key name only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWebChannel } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;

beforeAll(async () => {
  parley = await startParley();
});
afterAll(() => parley?.stop());

describe("the audit log of Parley's own routes", () => {
  it('records a message posted with the admin key without its text, and keeps configuration whole', async () => {
    const secretText = 'my card number is 4111 1111 1111 1111';
    const session = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Ada Private',
    });
    const posted = await parley.api('POST', `/v1/Channels/${session.channelSid}/Messages`, {
      from: session.identity,
      body: secretText,
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const queue = await parley.api('POST', '/v1/TaskQueues', {
      friendlyName: 'Refunds',
      targetWorkers: 'skills HAS "refunds"',
    });
    expect(queue.status).toBe(201);

    const { body } = await parley.api('GET', '/v1/AuditEvents?limit=200');
    const events = body.auditEvents as {
      resourceType: string;
      resourceSid: string;
      after: Record<string, unknown>;
    }[];
    const message = events.find((e) => e.resourceSid === posted.body.sid);
    expect(message).toMatchObject({
      resourceType: 'Channels/Messages',
      after: { sid: posted.body.sid, bodyLength: secretText.length },
    });
    expect(message?.after).not.toHaveProperty('body');
    expect(JSON.stringify(events)).not.toContain('4111');
    // Configuration is the administrators' own, kept as written.
    const queueEvent = events.find((e) => e.resourceSid === queue.body.sid);
    expect(queueEvent?.after).toMatchObject({
      friendlyName: 'Refunds',
      targetWorkers: 'skills HAS "refunds"',
    });
  });
});
