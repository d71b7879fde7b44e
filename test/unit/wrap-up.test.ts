/**
 * Wrap-up in the routing core, on a real SQLite store: dispositions from the Flex Flow or the
 * default, a wrap-up given at End chat and completed at Complete, and the rules that refuse.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DISPOSITIONS, dispositionsOf } from '../../server/core/routing/wrap-up.ts';
import { createTestCore } from '../helpers/core.ts';

let t: Awaited<ReturnType<typeof createTestCore>>;

/** A chat `name` started, offered to and accepted by a new worker; the task and the worker. */
async function acceptedChat(name: string) {
  const w = await t.core.agents.createWorker({ friendlyName: name, username: name, password: 'secret' });
  await t.core.routing.updateWorker(w.sid, { activity: 'Available' });
  const { contact, channel } = await t.customer(`Customer of ${name}`);
  await t.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hello' });
  await t.core.idle();
  const [task] = await t.store.tasks.list({ channelSid: channel.sid });
  if (!task) throw new Error('the chat made no task');
  const [reservation] = await t.store.reservations.list({ taskSid: task.sid });
  if (!reservation) throw new Error(`task ${task.sid} was offered to nobody`);
  await t.core.routing.accept(w.sid, reservation.sid);
  return { taskSid: task.sid, workerSid: w.sid };
}

describe('dispositionsOf', () => {
  it("takes the Flex Flow's list, else the default", () => {
    expect(dispositionsOf({ dispositions: ['Sale', 'No sale'] })).toEqual(['Sale', 'No sale']);
    expect(dispositionsOf({})).toEqual(DEFAULT_DISPOSITIONS);
    expect(dispositionsOf(undefined)).toEqual(DEFAULT_DISPOSITIONS);
    // Not a list of names: the default, rather than an empty choice.
    expect(dispositionsOf({ dispositions: 'Sale' })).toEqual(DEFAULT_DISPOSITIONS);
    expect(dispositionsOf({ dispositions: ['', 3, 'Sale'] })).toEqual(['Sale']);
  });
});

describe('wrap-up', () => {
  afterEach(async () => {
    await t.close();
  });

  it('keeps the disposition given at End chat when Complete adds only notes', async () => {
    t = await createTestCore();
    const { taskSid, workerSid } = await acceptedChat('ana');
    const before = (await t.store.tasks.get(taskSid))?.attributes;
    expect(Object.keys(before ?? {}).length).toBeGreaterThan(0);
    const wrapped = await t.core.routing.wrap(workerSid, taskSid, { disposition: 'Escalated' });
    expect(wrapped.status).toBe('wrapping');
    const done = await t.core.routing.complete(workerSid, taskSid, { notes: '  Passed to billing  ' });
    expect(done.status).toBe('completed');
    expect(done.attributes.wrapUp).toMatchObject({
      disposition: 'Escalated',
      notes: 'Passed to billing',
      workerSid,
    });
    // The task's other attributes stay.
    expect(done.attributes).toMatchObject(before ?? {});
  });

  it('offers the chat its Flex Flow dispositions and refuses any other, leaving the task as it was', async () => {
    t = await createTestCore();
    await t.store.flexFlows.update(t.flexFlow.sid, {
      integration: { ...t.flexFlow.integration, dispositions: ['Sale', 'No sale'] },
    });
    const { taskSid, workerSid } = await acceptedChat('ben');
    const state = await t.core.routing.agentState(workerSid);
    expect(state.chats[0]?.dispositions).toEqual(['Sale', 'No sale']);

    await expect(
      t.core.routing.complete(workerSid, taskSid, { disposition: 'Resolved' }),
    ).rejects.toMatchObject({
      code: 'invalid_disposition',
      status: 400,
    });
    const task = await t.store.tasks.get(taskSid);
    expect(task).toMatchObject({ status: 'assigned' });
    expect(task?.attributes.wrapUp).toBeUndefined();
    const done = await t.core.routing.complete(workerSid, taskSid, { disposition: 'Sale' });
    expect(done.attributes.wrapUp).toMatchObject({ disposition: 'Sale', notes: null });
  });

  it("refuses a wrap-up of another agent's chat", async () => {
    t = await createTestCore();
    const { taskSid } = await acceptedChat('cara');
    const other = await t.core.agents.createWorker({
      friendlyName: 'Dev',
      username: 'dev',
      password: 'secret',
    });
    await expect(
      t.core.routing.complete(other.sid, taskSid, { disposition: 'Resolved' }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await t.store.tasks.get(taskSid))?.attributes.wrapUp).toBeUndefined();
  });
});
