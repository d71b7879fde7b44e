/**
 * TaskRouter through REST alone: workers, queues with expressions, a Twilio-format workflow,
 * tasks created by the Channel API, offers accepted and tasks completed by the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  await parley.stop();
});

async function created<T = { sid: string }>(path: string, body: unknown): Promise<T> {
  const res = await parley.api('POST', path, body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A customer's channel whose task is created at once with these attributes. */
async function taskFor(identity: string, taskAttributes: Record<string, unknown>) {
  const channel = await created<{ taskSid: string }>('/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity,
    taskAttributes,
  });
  await parley.server.core.idle();
  return channel.taskSid;
}

const task = async (sid: string) => (await parley.api('GET', `/v1/Tasks/${sid}`)).body;
const reservations = async (taskSid: string) =>
  (await parley.api('GET', `/v1/Tasks/${taskSid}/Reservations`)).body.reservations;

describe('routing through REST alone', () => {
  it('routes by language and capacity, sends the unmatched through the default filter, and offers the waiting task once the first completes', async () => {
    const greta = await created('/v1/Workers', {
      friendlyName: 'Greta',
      activity: 'Available',
      capacity: 1,
      attributes: { languages: ['de', 'en'] },
    });
    const eddie = await created('/v1/Workers', {
      friendlyName: 'Eddie',
      activity: 'Available',
      capacity: 1,
      attributes: { languages: ['en'] },
    });
    const german = await created('/v1/TaskQueues', {
      friendlyName: 'German',
      targetWorkers: 'languages HAS "de"',
    });
    const english = await created('/v1/TaskQueues', {
      friendlyName: 'English',
      targetWorkers: "languages HAS 'en'",
    });
    const workflow = await created('/v1/Workflows', {
      friendlyName: 'By language',
      configuration: {
        task_routing: {
          filters: [
            {
              filter_friendly_name: 'German',
              expression: 'language == "de"',
              targets: [{ queue: german.sid }],
            },
          ],
          default_filter: { queue: english.sid },
        },
      },
    });
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { workflowSid: workflow.sid },
    });

    const first = await taskFor('kunde-1', { language: 'de' });
    expect(await task(first)).toMatchObject({
      status: 'reserved',
      workerSid: greta.sid,
      queueSid: german.sid,
      workflowSid: workflow.sid,
    });

    const second = await taskFor('kunde-2', { language: 'de' });
    expect(await task(second)).toMatchObject({ status: 'pending', workerSid: null, queueSid: german.sid });

    const unmatched = await taskFor('client-3', { language: 'fr' });
    expect(await task(unmatched)).toMatchObject({
      status: 'reserved',
      workerSid: eddie.sid,
      queueSid: english.sid,
    });

    const [offer] = await reservations(first);
    const accepted = await parley.api('POST', `/v1/Tasks/${first}/Reservations/${offer.sid}`, {
      status: 'accepted',
    });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted', workerSid: greta.sid } });
    expect(await task(first)).toMatchObject({ status: 'assigned', workerSid: greta.sid });
    expect(await task(second)).toMatchObject({ status: 'pending' });

    const done = await parley.api('POST', `/v1/Tasks/${first}`, { status: 'completed', reason: 'resolved' });
    expect(done).toMatchObject({ status: 200, body: { status: 'completed', reason: 'resolved' } });
    await parley.server.core.idle();
    expect(await task(second)).toMatchObject({ status: 'reserved', workerSid: greta.sid });
    expect((await reservations(first)).map((r: { status: string }) => r.status)).toEqual(['completed']);
  });

  it('rejects an offer through the API, and cancels a waiting task with a reason', async () => {
    const waiting = await taskFor('canceled-1', { language: 'xx' });
    const cancel = await parley.api('PATCH', `/v1/Tasks/${waiting}`, { status: 'canceled', reason: 'spam' });
    expect(cancel.body).toMatchObject({ status: 'canceled', reason: 'spam' });
    const again = await parley.api('POST', `/v1/Tasks/${waiting}`, { status: 'canceled' });
    expect(again).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const listed = (await parley.api('GET', '/v1/Tasks?status=canceled')).body.tasks;
    expect(listed.map((t: { sid: string }) => t.sid)).toContain(waiting);
  });

  it('updates attributes and priority, lists by queue, and deletes a task', async () => {
    const sid = await taskFor('updated-1', { language: 'xx' });
    const updated = await parley.api('POST', `/v1/Tasks/${sid}`, { attributes: { vip: true }, priority: 7 });
    expect(updated.body).toMatchObject({ attributes: { vip: true }, priority: 7, age: expect.any(Number) });
    const { queueSid } = await task(sid);
    const inQueue = (await parley.api('GET', `/v1/Tasks?queueSid=${queueSid}`)).body.tasks;
    expect(inQueue.map((t: { sid: string }) => t.sid)).toContain(sid);
    expect((await parley.api('DELETE', `/v1/Tasks/${sid}`)).status).toBe(204);
    expect((await parley.api('GET', `/v1/Tasks/${sid}`)).status).toBe(404);
  });

  it('answers bad input with 400 naming the field', async () => {
    const badExpression = await parley.api('POST', '/v1/TaskQueues', {
      friendlyName: 'Broken',
      targetWorkers: 'languages HAS "de" AND',
    });
    expect(badExpression).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(badExpression.body.message).toBe(
      'body.targetWorkers: column 23: the expression ends where a value or attribute was expected',
    );
    const badFilter = await parley.api('POST', '/v1/Workflows', {
      friendlyName: 'Broken',
      configuration: {
        task_routing: { filters: [{ filter_friendly_name: 'x', expression: 'a = 1', targets: [] }] },
      },
    });
    expect(badFilter.body.message).toMatch(
      /^body\.configuration\.task_routing\.filters\.0\.expression: column 3:/,
    );
    const unknownQueue = await parley.api('POST', '/v1/Workflows', {
      friendlyName: 'Nowhere',
      configuration: { task_routing: { filters: [], default_filter: { queue: `WQ${'0'.repeat(32)}` } } },
    });
    expect(unknownQueue).toMatchObject({ status: 400 });
    expect(unknownQueue.body.message).toMatch(
      /^body\.configuration\.task_routing\.default_filter\.queue: TaskQueue WQ0+ does not exist/,
    );
    const sid = await taskFor('bad-input', { language: 'xx' });
    const badStatus = await parley.api('POST', `/v1/Tasks/${sid}`, { status: 'assigned' });
    expect(badStatus.body.message).toMatch(/^body\.status:/);
    const badReservation = await parley.api('POST', `/v1/Tasks/${sid}/Reservations/WR${'0'.repeat(32)}`, {
      status: 'maybe',
    });
    expect(badReservation.body.message).toMatch(/^body\.status:/);
    const badQuery = await parley.api('GET', '/v1/Tasks?status=lost');
    expect(badQuery.body.message).toMatch(/^query\.status:/);
  });

  it('manages queues and workflows: get, update, refuses to delete a queue a workflow routes to', async () => {
    const queue = await created<{ sid: string }>('/v1/TaskQueues', { friendlyName: 'Spare' });
    expect((await parley.api('GET', `/v1/TaskQueues/${queue.sid}`)).body).toMatchObject({
      targetWorkers: '1==1',
    });
    const renamed = await parley.api('PATCH', `/v1/TaskQueues/${queue.sid}`, { targetWorkers: 'level >= 2' });
    expect(renamed.body).toMatchObject({ friendlyName: 'Spare', targetWorkers: 'level >= 2' });
    const workflow = await created<{ sid: string; taskReservationTimeout: number }>('/v1/Workflows', {
      friendlyName: 'Spare only',
      configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
      reservationTimeoutActivity: null,
    });
    expect(workflow).toMatchObject({ taskReservationTimeout: 30, reservationTimeoutActivity: null });
    expect((await parley.api('DELETE', `/v1/TaskQueues/${queue.sid}`)).status).toBe(409);
    const updated = await parley.api('POST', `/v1/Workflows/${workflow.sid}`, { taskReservationTimeout: 90 });
    expect(updated.body).toMatchObject({ taskReservationTimeout: 90, friendlyName: 'Spare only' });
    expect((await parley.api('GET', '/v1/Workflows')).body.workflows.length).toBeGreaterThan(1);
    expect((await parley.api('DELETE', `/v1/Workflows/${workflow.sid}`)).status).toBe(204);
    expect((await parley.api('DELETE', `/v1/TaskQueues/${queue.sid}`)).status).toBe(204);
  });
});
