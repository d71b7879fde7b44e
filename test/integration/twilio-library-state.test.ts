/**
 * The official `twilio` library (v6) against a real Parley server, for what a Flex backend does
 * to state Twilio guards: a conversation addressed by its unique name, which no other may take;
 * a Task updated only at the ETag it was read at (If-Match); a reservation taken through
 * wrapping and completed, moving its worker by WorkerActivitySid; conversations listed by date.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

const ACCOUNT_SID = `AC${'1234abcd'.repeat(4)}`;

let parley: TestParley;
let client: twilio.Twilio;

beforeAll(async () => {
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(async () => {
  await parley.stop();
});

describe('the twilio library, pointed at Parley, on state Twilio guards', () => {
  it('addresses a conversation by its unique name, which no other conversation can take', async () => {
    const name = `order ${Date.now()} ü`;
    const created = await client.conversations.v1.conversations.create({
      uniqueName: name,
      friendlyName: 'Order',
    });
    const byName = client.conversations.v1.conversations(name);
    expect((await byName.fetch()).sid).toBe(created.sid);
    expect((await byName.update({ friendlyName: 'Order, renamed' })).friendlyName).toBe('Order, renamed');
    await byName.messages.create({ author: 'ops', body: 'Shipped' });
    expect((await byName.messages.list()).map((m) => [m.conversationSid, m.body])).toEqual([
      [created.sid, 'Shipped'],
    ]);
    expect((await byName.participants.list()).map((p) => p.identity)).toContain('ops');

    // A second conversation cannot take the name, by create or by update: Twilio's 409, code 50353.
    const taken = { status: 409, code: 50353, message: expect.stringContaining('UniqueName') };
    await expect(client.conversations.v1.conversations.create({ uniqueName: name })).rejects.toMatchObject(
      taken,
    );
    const other = await client.conversations.v1.conversations.create({ uniqueName: `${name} (2)` });
    await expect(
      client.conversations.v1.conversations(other.sid).update({ uniqueName: name }),
    ).rejects.toMatchObject(taken);
    // Renamed, the old name addresses nothing; the new one the same conversation.
    await byName.update({ uniqueName: `${name} (1)` });
    await expect(byName.fetch()).rejects.toMatchObject({ status: 404 });
    expect((await client.conversations.v1.conversations(`${name} (1)`).fetch()).sid).toBe(created.sid);
    await client.conversations.v1.conversations(`${name} (1)`).remove();
    await other.remove();
  });

  it('takes a reservation through wrapping and completed, moving the worker by WorkerActivitySid', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const queue = await ws.taskQueues.create({ friendlyName: 'Wrap', targetWorkers: 'skills HAS "wrap"' });
    const workflow = await ws.workflows.create({
      friendlyName: 'Wrap flow',
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
    });
    const activity = async (name: string) =>
      (await ws.activities.list({ friendlyName: name }))[0]?.sid as string;
    const worker = await ws.workers.create({ friendlyName: 'Wrapper', attributes: '{"skills":["wrap"]}' });
    const reservations = ws.workers(worker.sid).reservations;
    const offered = async () => {
      for (let i = 0; i < 50; i++) {
        await parley.server.core.idle();
        const [pending] = await reservations.list({ reservationStatus: 'pending' });
        if (pending) return reservations(pending.sid);
      }
      throw new Error('no reservation was offered');
    };
    // The TaskChannel by its sid, as Twilio takes it.
    const [chat] = await ws.taskChannels.list();
    const newTask = () =>
      ws.tasks.create({ workflowSid: workflow.sid, attributes: '{}', taskChannel: chat?.sid as string });

    await ws.workers(worker.sid).update({ activitySid: await activity('Available') });
    const first = await newTask();
    const refused = await offered();
    // Refused whole, naming the field, with nothing done.
    await expect(refused.update({ reservationStatus: 'timeout' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('body.ReservationStatus'),
    });
    await expect(
      refused.update({ reservationStatus: 'rejected', workerActivitySid: `WA${'0'.repeat(32)}` }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('body.WorkerActivitySid') });
    await expect(refused.update({ reservationStatus: 'completed' })).rejects.toMatchObject({ status: 409 });
    expect((await refused.fetch()).reservationStatus).toBe('pending');
    // Rejected, and the worker goes Offline at once.
    const offline = await activity('Offline');
    const rejected = await refused.update({ reservationStatus: 'rejected', workerActivitySid: offline });
    expect(rejected.reservationStatus).toBe('rejected');
    expect((await ws.workers(worker.sid).fetch()).activitySid).toBe(offline);
    await ws.tasks(first.sid).update({ assignmentStatus: 'canceled', reason: 'test' });
    await expect(ws.tasks(first.sid).update({ assignmentStatus: 'pending' as never })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('body.AssignmentStatus'),
    });

    await ws.workers(worker.sid).update({ activitySid: await activity('Available') });
    const second = await newTask();
    const held = await offered();
    expect((await held.update({ reservationStatus: 'accepted' })).reservationStatus).toBe('accepted');
    expect((await held.update({ reservationStatus: 'wrapping' })).reservationStatus).toBe('wrapping');
    expect((await ws.tasks(second.sid).fetch()).assignmentStatus).toBe('wrapping');
    const unavailable = await activity('Unavailable');
    const done = await held.update({ reservationStatus: 'completed', workerActivitySid: unavailable });
    expect(done.reservationStatus).toBe('completed');
    expect((await ws.tasks(second.sid).fetch()).assignmentStatus).toBe('completed');
    expect((await ws.workers(worker.sid).fetch()).activitySid).toBe(unavailable);
  });

  it('deletes an execution, ending it first when it still runs, as Twilio documents', async () => {
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Asker',
      status: 'published',
      definition: {
        description: 'Asks and waits',
        initial_state: 'Trigger',
        flags: { allow_concurrent_calls: true },
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'ask' }],
            properties: {},
          },
          {
            name: 'ask',
            type: 'send-and-wait-for-reply',
            transitions: [{ event: 'incomingMessage' }, { event: 'timeout' }, { event: 'deliveryFailure' }],
            properties: { body: 'Your order number?', timeout: '3600' },
          },
        ],
      },
    });
    const executions = client.studio.v2.flows(flow.sid).executions;
    const running = await executions.create({ to: '+15550111', from: '+15550999' });
    expect(running.status).toBe('active');
    expect(await executions(running.sid).remove()).toBe(true);
    await expect(executions(running.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(executions(running.sid).steps.list()).rejects.toMatchObject({ status: 404 });
    const ended = await executions.create({ to: '+15550112', from: '+15550999' });
    await executions(ended.sid).update({ status: 'ended' });
    expect(await executions(ended.sid).remove()).toBe(true);
    expect((await executions.list()).map((e) => e.sid)).not.toContain(ended.sid);
  });

  it('lists conversations created within StartDate and EndDate', async () => {
    const conversations = client.conversations.v1.conversations;
    const made = await conversations.create({ friendlyName: 'Dated' });
    const at = Date.parse(made.dateCreated.toISOString());
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const sids = async (filter: { startDate?: string; endDate?: string }) =>
      (await conversations.list({ ...filter, limit: 1000 })).map((c) => c.sid);
    expect(await sids({ startDate: iso(at - 60_000), endDate: iso(at + 60_000) })).toContain(made.sid);
    expect(await sids({ startDate: iso(at + 60_000) })).not.toContain(made.sid);
    expect(await sids({ endDate: iso(at - 60_000) })).not.toContain(made.sid);
    await expect(conversations.list({ startDate: 'yesterday' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('query.StartDate'),
    });
    await made.remove();
  });

  it('holds a Task update or deletion to the ETag sent as If-Match, as Twilio does', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const created = await ws.tasks.create({ attributes: JSON.stringify({ step: 0 }) });
    const tasks = ws.tasks(created.sid);
    const fetched = await tasks.fetchWithHttpInfo();
    const etag = fetched.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);

    // The ETag it was read at: the update applies and the Task's ETag moves on.
    const updated = await tasks.updateWithHttpInfo({
      ifMatch: etag,
      attributes: JSON.stringify({ step: 1 }),
    });
    expect(JSON.parse(updated.body.attributes)).toEqual({ step: 1 });
    const next = updated.headers.etag as string;
    expect(next).not.toBe(etag);
    expect((await tasks.fetchWithHttpInfo()).headers.etag).toBe(next);

    // The same ETag again is stale: refused with Twilio's 412, nothing changed.
    const stale = { status: 412, code: 20412, moreInfo: 'https://www.twilio.com/docs/errors/20412' };
    await expect(
      tasks.update({ ifMatch: etag, attributes: JSON.stringify({ step: 2 }) }),
    ).rejects.toMatchObject(stale);
    await expect(
      tasks.update({ ifMatch: etag, assignmentStatus: 'canceled', reason: 'x' }),
    ).rejects.toMatchObject(stale);
    await expect(tasks.remove({ ifMatch: etag })).rejects.toMatchObject(stale);
    expect(JSON.parse((await tasks.fetch()).attributes)).toEqual({ step: 1 });

    // A status change moves it on as well; `*` and a list naming the current ETag match it.
    const canceled = await tasks.updateWithHttpInfo({
      ifMatch: next,
      assignmentStatus: 'canceled',
      reason: 'done',
    });
    expect(canceled.body.assignmentStatus).toBe('canceled');
    const last = canceled.headers.etag as string;
    expect(last).not.toBe(next);
    await expect(tasks.remove({ ifMatch: next })).rejects.toMatchObject(stale);
    await tasks.update({ ifMatch: '*', attributes: JSON.stringify({ step: 3 }) });
    const current = (await tasks.fetchWithHttpInfo()).headers.etag as string;
    expect(await tasks.remove({ ifMatch: `${next}, W/${current}` })).toBe(true);
    await expect(tasks.fetch()).rejects.toMatchObject({ status: 404 });
  });
});
