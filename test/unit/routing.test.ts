import { afterEach, describe, expect, it } from 'vitest';
import { createTestCore } from '../helpers/core.ts';

let t: Awaited<ReturnType<typeof createTestCore>>;
afterEach(async () => {
  await t.close();
});

async function worker(name: string, capacity = 3) {
  const w = await t.core.agents.createWorker({
    friendlyName: name,
    username: name,
    password: 'secret',
    capacity,
  });
  return t.core.routing.updateWorker(w.sid, { activity: 'Available' });
}

async function engagement(name: string) {
  const { contact, channel } = await t.customer(name);
  await t.core.conversations.post({
    channelSid: channel.sid,
    from: contact.identity,
    body: `hello from ${name}`,
  });
  await t.core.idle();
  return channel;
}

describe('routing', () => {
  it('creates one task per engagement, however many messages arrive', async () => {
    t = await createTestCore();
    const { contact, channel } = await t.customer();
    await Promise.all(
      ['a', 'b', 'c'].map((body) =>
        t.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body }),
      ),
    );
    await t.core.idle();
    const tasks = await t.store.tasks.list({ channelSid: channel.sid });
    expect(tasks).toHaveLength(1);
    expect((await t.store.channels.get(channel.sid))?.attributes.taskSid).toBe(tasks[0]?.sid);
  });

  it('offers the task to the longest-idle available worker with free capacity', async () => {
    t = await createTestCore();
    const first = await worker('first');
    await worker('second');
    const channel = await engagement('Dana');
    const [task] = await t.store.tasks.list({ channelSid: channel.sid });
    expect(task).toMatchObject({ status: 'reserved', workerSid: first.sid });
  });

  it('leaves out unavailable workers and those at capacity', async () => {
    t = await createTestCore();
    const busy = await worker('busy', 1);
    const away = await worker('away');
    await t.core.routing.updateWorker(away.sid, { activity: 'Unavailable' });
    const firstChannel = await engagement('One');
    const [firstTask] = await t.store.tasks.list({ channelSid: firstChannel.sid });
    expect(firstTask?.workerSid).toBe(busy.sid);
    const secondChannel = await engagement('Two');
    const [second] = await t.store.tasks.list({ channelSid: secondChannel.sid });
    expect(second).toMatchObject({ status: 'pending', workerSid: null });
  });

  it('offers every waiting chat once an agent is free, however long the queue', async () => {
    t = await createTestCore();
    // More chats wait than one pass reads at a time, all while nobody is available.
    const waiting = 250;
    for (let i = 0; i < waiting; i++) {
      const { contact, channel } = await t.customer(`Visitor ${i}`);
      await t.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hi' });
    }
    await t.core.idle();
    expect(await t.store.tasks.list({ status: 'pending' })).toHaveLength(waiting);
    const agent = await worker('free', 300);
    await t.core.idle();
    expect(await t.store.tasks.list({ status: 'pending' })).toHaveLength(0);
    expect(await t.store.tasks.list({ status: 'reserved', workerSid: agent.sid })).toHaveLength(waiting);
  });

  it('reaches the chats an agent can take behind more than a page of chats it cannot', async () => {
    t = await createTestCore();
    const chat = async (name: string) => {
      const { contact, channel } = await t.customer(name);
      await t.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hi' });
    };
    // The oldest 210 wait for a skill nobody available has.
    for (let i = 0; i < 210; i++) await chat(`Held ${i}`);
    await t.core.idle();
    for (const task of await t.store.tasks.list({ status: 'pending' }))
      await t.store.tasks.retarget(task.sid, task.targetIndex, {
        queueSid: task.queueSid,
        priority: task.priority,
        filterName: null,
        targetIndex: task.targetIndex,
        targetExpression: 'skills HAS "billing"',
      });
    for (let i = 0; i < 40; i++) await chat(`Open ${i}`);
    await t.core.idle();
    const free = await worker('free', 300);
    await t.core.idle();
    const reserved = await t.store.tasks.list({ status: 'reserved', workerSid: free.sid });
    expect(reserved).toHaveLength(40);
    expect(await t.store.tasks.list({ status: 'pending' })).toHaveLength(210);
  });

  it('gives a timed-out reservation to the next worker', async () => {
    t = await createTestCore({ reservationTimeoutSeconds: 0.2 });
    const slow = await worker('slow');
    const quick = await worker('quick');
    const channel = await engagement('Dana');
    const [task] = await t.store.tasks.list({ channelSid: channel.sid });
    expect(task?.workerSid).toBe(slow.sid);
    await t.core.routing.updateWorker(slow.sid, { activity: 'Unavailable' });
    await expect
      .poll(async () => (await t.store.tasks.get(task!.sid))?.workerSid, { timeout: 3000 })
      .toBe(quick.sid);
    const reservations = await t.store.reservations.list({ taskSid: task!.sid });
    expect(reservations.map((r) => r.status)).toEqual(['timeout', 'pending']);
  });

  it('offers a rejected task to someone else, never back to who rejected it', async () => {
    t = await createTestCore();
    const picky = await worker('picky');
    const other = await worker('other');
    const channel = await engagement('Dana');
    const [task] = await t.store.tasks.list({ channelSid: channel.sid });
    const [reservation] = await t.store.reservations.list({ taskSid: task!.sid });
    await t.core.routing.reject(picky.sid, reservation!.sid);
    await t.core.idle();
    expect((await t.store.tasks.get(task!.sid))?.workerSid).toBe(other.sid);
  });

  it('lets exactly one of many concurrent accepts of a reservation win', async () => {
    t = await createTestCore();
    const agent = await worker('agent2');
    const channel = await engagement('Dana');
    const [task] = await t.store.tasks.list({ channelSid: channel.sid });
    const [reservation] = await t.store.reservations.list({ taskSid: task!.sid });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => t.core.routing.accept(agent.sid, reservation!.sid)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser.reason).toMatchObject({ code: 'conflict', status: 409 });
    const members = await t.store.members.list(channel.sid);
    expect(members.filter((m) => m.role === 'agent')).toHaveLength(1);
  });

  it('refuses an accept from a worker the reservation is not for', async () => {
    t = await createTestCore();
    await worker('owner');
    const intruder = await t.core.agents.createWorker({
      friendlyName: 'intruder',
      username: 'intruder',
      password: 'pw12',
    });
    const channel = await engagement('Dana');
    const [task] = await t.store.tasks.list({ channelSid: channel.sid });
    const [reservation] = await t.store.reservations.list({ taskSid: task!.sid });
    await expect(t.core.routing.accept(intruder.sid, reservation!.sid)).rejects.toMatchObject({
      status: 403,
    });
  });

  it('frees capacity on complete and offers the waiting task', async () => {
    t = await createTestCore();
    const solo = await worker('solo', 1);
    const one = await engagement('One');
    const two = await engagement('Two');
    const [first] = await t.store.tasks.list({ channelSid: one.sid });
    const [waiting] = await t.store.tasks.list({ channelSid: two.sid });
    expect(waiting?.status).toBe('pending');
    const [reservation] = await t.store.reservations.list({ taskSid: first!.sid });
    await t.core.routing.accept(solo.sid, reservation!.sid);
    await t.core.routing.wrap(solo.sid, first!.sid);
    await t.core.idle();
    expect((await t.store.tasks.get(waiting!.sid))?.status).toBe('pending');
    await t.core.routing.complete(solo.sid, first!.sid);
    await t.core.idle();
    expect(await t.store.tasks.get(waiting!.sid)).toMatchObject({ status: 'reserved', workerSid: solo.sid });
    expect((await t.store.channels.get(one.sid))?.status).toBe('inactive');
  });
});
