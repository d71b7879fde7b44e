import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowConfiguration } from '../../server/protocol.ts';
import { createTestCore } from '../helpers/core.ts';

let t: Awaited<ReturnType<typeof createTestCore>>;
afterEach(async () => {
  await t.close();
});

async function worker(name: string, attributes: Record<string, unknown>, capacity = 3) {
  const w = await t.core.agents.createWorker({ friendlyName: name, capacity, attributes });
  return t.core.routing.updateWorker(w.sid, { activity: 'Available' });
}

async function workflow(configuration: WorkflowConfiguration, extra: Record<string, unknown> = {}) {
  return t.core.routing.resources.createWorkflow({ friendlyName: 'wf', configuration, ...extra });
}

async function task(attributes: Record<string, unknown>, priority?: number) {
  const { channel } = await t.customer(String(attributes.name ?? 'Dana'));
  const created = await t.core.routing.createTask(channel, attributes, priority);
  await t.core.idle();
  return (await t.store.tasks.get(created.sid))!;
}

const queue = (friendlyName: string, targetWorkers = '1==1') =>
  t.store.queues.create({ friendlyName, targetWorkers });

describe('workflows', () => {
  it('routes by the first filter that matches, to workers the queue and the target select', async () => {
    t = await createTestCore();
    const sales = await queue('Sales', 'skills HAS "sales"');
    const vip = await queue('VIP', 'level >= 3');
    const anyone = await queue('Anyone');
    await workflow({
      task_routing: {
        filters: [
          { filter_friendly_name: 'VIP', expression: 'vip == true', targets: [{ queue: vip.sid }] },
          {
            filter_friendly_name: 'Sales',
            expression: 'topic IN ["buy", "price"]',
            targets: [{ queue: sales.sid, expression: 'worker.languages HAS task.language' }],
          },
          { filter_friendly_name: 'Also VIP', expression: 'vip == true', targets: [{ queue: anyone.sid }] },
        ],
        default_filter: { queue: anyone.sid },
      },
    });
    const english = await worker('English seller', { skills: ['sales'], languages: ['en'], level: 1 });
    const french = await worker('French seller', { skills: ['sales'], languages: ['fr'], level: 1 });
    const senior = await worker('Senior', { skills: [], languages: ['en'], level: 3 });

    const buyFr = await task({ topic: 'buy', language: 'fr', name: 'Fleur' });
    expect(buyFr).toMatchObject({ queueSid: sales.sid, workerSid: french.sid, status: 'reserved' });
    const buyEn = await task({ topic: 'price', language: 'en', name: 'Ed' });
    expect(buyEn).toMatchObject({ queueSid: sales.sid, workerSid: english.sid });
    const important = await task({ vip: true, topic: 'buy', language: 'en' });
    expect(important).toMatchObject({ queueSid: vip.sid, workerSid: senior.sid });
    const other = await task({ topic: 'returns' });
    expect(other.queueSid).toBe(anyone.sid);
  });

  it('leaves a task pending while nobody eligible is free, then offers it to the first who is', async () => {
    t = await createTestCore();
    const german = await queue('German', 'languages HAS "de"');
    await workflow({
      task_routing: {
        filters: [{ filter_friendly_name: 'de', expression: '1==1', targets: [{ queue: german.sid }] }],
      },
    });
    await worker('English only', { languages: ['en'] });
    const waiting = await task({ language: 'de' });
    expect(waiting.status).toBe('pending');
    const greta = await worker('Greta', { languages: ['de'] });
    await t.core.idle();
    expect(await t.store.tasks.get(waiting.sid)).toMatchObject({ status: 'reserved', workerSid: greta.sid });
  });

  it('moves a task to the next target when a target times out, rescinding its offer', async () => {
    t = await createTestCore({ reservationTimeoutSeconds: 60 });
    const experts = await queue('Experts', 'expert == true');
    const everyone = await queue('Everyone else');
    await workflow({
      task_routing: {
        filters: [
          {
            filter_friendly_name: 'Tiered',
            expression: '1==1',
            targets: [{ queue: experts.sid, timeout: 1, priority: 5 }, { queue: everyone.sid }],
          },
        ],
      },
    });
    const expert = await worker('Expert', { expert: true });
    const waiting = await task({ name: 'Dana' });
    expect(waiting).toMatchObject({ queueSid: experts.sid, priority: 5, workerSid: expert.sid });
    const novice = await worker('Novice', {});
    await expect
      .poll(async () => (await t.store.tasks.get(waiting.sid))?.queueSid, { timeout: 3000 })
      .toBe(everyone.sid);
    await t.core.idle();
    const reservations = await t.store.reservations.list({ taskSid: waiting.sid });
    expect(reservations[0]?.status).toBe('rescinded');
    expect(reservations.at(-1)?.status).toBe('pending');
    expect([expert.sid, novice.sid]).toContain(reservations.at(-1)?.workerSid);
  });

  it('offers higher priority first, then the oldest', async () => {
    t = await createTestCore();
    const older = await task({ name: 'Older' }, 1);
    const newer = await task({ name: 'Newer' }, 1);
    const urgent = await task({ name: 'Urgent' }, 9);
    const solo = await worker('Solo', {}, 1);
    await t.core.idle();
    expect((await t.store.tasks.get(urgent.sid))?.workerSid).toBe(solo.sid);
    await t.core.routing.updateTask(urgent.sid, { status: 'canceled' });
    await t.core.idle();
    expect((await t.store.tasks.get(older.sid))?.workerSid).toBe(solo.sid);
    expect((await t.store.tasks.get(newer.sid))?.status).toBe('pending');
  });
});

describe('timeouts', () => {
  it('makes a worker whose offer timed out Unavailable, so the offer is not repeated', async () => {
    t = await createTestCore({ reservationTimeoutSeconds: 0.2 });
    const absent = await worker('Absent', {});
    const waiting = await task({ name: 'Dana' });
    expect(waiting.workerSid).toBe(absent.sid);
    await expect
      .poll(async () => (await t.store.workers.get(absent.sid))?.activity, { timeout: 3000 })
      .toBe('Unavailable');
    await t.core.idle();
    expect(await t.store.tasks.get(waiting.sid)).toMatchObject({ status: 'pending', workerSid: null });
  });

  it('keeps the activity when the workflow says reservationTimeoutActivity null', async () => {
    t = await createTestCore();
    const everyone = await queue('All');
    await workflow(
      { task_routing: { filters: [], default_filter: { queue: everyone.sid } } },
      { taskReservationTimeout: 1, reservationTimeoutActivity: null },
    );
    const absent = await worker('Absent', {});
    const waiting = await task({ name: 'Dana' });
    await expect
      .poll(async () => (await t.store.reservations.list({ taskSid: waiting.sid }))[0]?.status, {
        timeout: 3000,
      })
      .toBe('timeout');
    expect((await t.store.workers.get(absent.sid))?.activity).toBe('Available');
  });

  it('cancels a task nobody took within its TTL, and the janitor closes the channel', async () => {
    t = await createTestCore();
    await t.store.flexFlows.update(t.flexFlow.sid, { integration: { timeout: 1 } });
    const waiting = await task({ name: 'Dana' });
    await expect
      .poll(async () => (await t.store.tasks.get(waiting.sid))?.status, { timeout: 3000 })
      .toBe('canceled');
    expect((await t.store.tasks.get(waiting.sid))?.reason).toBe('Task TTL Exceeded');
    expect((await t.store.channels.get(waiting.channelSid))?.status).toBe('inactive');
  });

  it('sets the worker of a desktop that stays disconnected past the grace period Offline', async () => {
    t = await createTestCore({ agentDisconnectGraceSeconds: 0.2 });
    const leaving = await worker('Leaving', {});
    const returning = await worker('Returning', {});
    await t.core.routing.agentDisconnected(leaving.sid);
    await t.core.routing.agentDisconnected(returning.sid);
    await t.core.routing.agentConnected(returning.sid);
    await expect
      .poll(async () => (await t.store.workers.get(leaving.sid))?.activity, { timeout: 3000 })
      .toBe('Offline');
    expect((await t.store.workers.get(returning.sid))?.activity).toBe('Available');
  });
});
