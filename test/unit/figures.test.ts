/**
 * Supervisors' figures from stored task events, on every engine: SQLite (a file in a temp
 * dir) and PostgreSQL (a real server started for this file). Hand-made event sequences, a
 * fixed clock, and the numbers checked; then the routing core writing the events itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFigures } from '../../server/core/figures.ts';
import { createRetention } from '../../server/core/retention.ts';
import type { Activity } from '../../server/protocol.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store, TaskEventKind } from '../../server/store/types.ts';
import { createTestCore } from '../helpers/core.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

const engines: [string, () => Promise<{ store: Store; cleanup: () => void }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-figures-'));
      return {
        store: createSqliteStore({ file: join(dir, 'parley.db') }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => ({
      store: await createPostgresStore({ url: await postgres.createDatabase() }),
      cleanup: () => {},
    }),
  ],
];

/** Now, for every test: 12:00 UTC; with 1 hour and 15-min buckets the window is 11:00–12:00. */
const NOW = new Date('2026-03-02T12:00:00.000Z');
const t = (hhmmss: string) => `2026-03-02T${hhmmss}.000Z`;

describe.each(engines)('figures on the %s store', (_engine, make) => {
  let store: Store;
  let cleanup = () => {};
  beforeEach(async () => {
    ({ store, cleanup } = await make());
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  const figures = () => createFigures({ store, clock: () => NOW });

  /** Records a task's steps: `[kind, time, extra]`, in the queue given (default WQ1). */
  async function task(
    sid: string,
    steps: [
      TaskEventKind,
      string,
      { queueSid?: string; workerSid?: string; details?: Record<string, unknown> }?,
    ][],
  ) {
    for (const [kind, at, extra = {}] of steps) {
      await store.taskEvents.record({
        taskSid: sid,
        kind,
        queueSid: extra.queueSid ?? 'WQ1',
        workerSid: extra.workerSid ?? null,
        channelType: 'web',
        details: extra.details,
        dateCreated: t(at),
      });
    }
  }

  it('gives an empty window buckets of zeros and nulls', async () => {
    const result = await figures().compute({ hours: 1, bucketMinutes: 15 });
    expect(result.from).toBe(t('11:00:00'));
    expect(result.to).toBe(NOW.toISOString());
    expect(result.bucketSeconds).toBe(900);
    expect(result.buckets.map((b) => b.start)).toEqual([
      t('11:00:00'),
      t('11:15:00'),
      t('11:30:00'),
      t('11:45:00'),
    ]);
    for (const bucket of result.buckets) {
      expect(bucket).toMatchObject({
        queueLength: 0,
        waitAverageSeconds: null,
        waitMaxSeconds: null,
        chats: 0,
        chatsPerHour: 0,
        answered: 0,
        handleAverageSeconds: null,
        csatAverage: null,
        csatCount: 0,
      });
    }
    expect(result.totals).toMatchObject({ chats: 0, queueLength: 0, csatCount: 0, csatAverage: null });
  });

  it('counts waits, handle times and ratings in the buckets where they ended', async () => {
    // Waited 60 s (a declined offer does not stop the wait), handled 10 min, rated 4.
    await task('WT1', [
      ['created', '11:05:00'],
      ['reserved', '11:05:10', { workerSid: 'WK1' }],
      ['rejected', '11:05:20', { workerSid: 'WK1' }],
      ['reserved', '11:05:30', { workerSid: 'WK2' }],
      ['accepted', '11:06:00', { workerSid: 'WK2' }],
      ['wrapping', '11:15:00', { workerSid: 'WK2' }],
      ['completed', '11:16:00', { workerSid: 'WK2' }],
      ['rated', '11:20:00', { workerSid: 'WK2', details: { score: 4 } }],
    ]);
    // Waited 120 s, handled 5 min; rated 2.
    await task('WT2', [
      ['created', '11:07:00'],
      ['accepted', '11:09:00', { workerSid: 'WK1' }],
      ['completed', '11:14:00', { workerSid: 'WK1' }],
      ['rated', '11:25:00', { workerSid: 'WK1', details: { score: 2 } }],
    ]);
    const { buckets, totals } = await figures().compute({ hours: 1, bucketMinutes: 15 });
    const [first, second] = buckets;
    // The two waits (11:05–11:06, 11:07–11:09) never overlap: one waiting at most.
    expect(first).toMatchObject({
      queueLength: 1,
      chats: 2,
      chatsPerHour: 8,
      answered: 2,
      waitAverageSeconds: 90,
      waitMaxSeconds: 120,
      handleAverageSeconds: 300,
      csatCount: 0,
    });
    // WT1 completed at 11:16 after 10 min; both ratings fall in 11:15–11:30.
    expect(second).toMatchObject({
      queueLength: 0,
      chats: 0,
      answered: 0,
      waitMaxSeconds: null,
      handleAverageSeconds: 600,
      csatAverage: 3,
      csatCount: 2,
    });
    expect(totals).toMatchObject({
      chats: 2,
      answered: 2,
      waitAverageSeconds: 90,
      waitMaxSeconds: 120,
      handleAverageSeconds: 450,
      csatAverage: 3,
      csatCount: 2,
      queueLength: 0,
    });
  });

  it('counts a chat still waiting at the end of the window, and one waiting since before it', async () => {
    // Created before the window, accepted inside it: its whole wait counts.
    await task('WT1', [
      ['created', '10:50:00'],
      ['accepted', '11:02:00', { workerSid: 'WK1' }],
    ]);
    // Still waiting at 12:00, offered once and timed out.
    await task('WT2', [
      ['created', '11:40:00'],
      ['reserved', '11:40:05', { workerSid: 'WK1' }],
      ['timeout', '11:40:35', { workerSid: 'WK1' }],
    ]);
    // Ended long before the window: not part of it.
    await task('WT3', [
      ['created', '09:00:00'],
      ['canceled', '09:10:00'],
    ]);
    const { buckets, totals } = await figures().compute({ hours: 1, bucketMinutes: 15 });
    expect(buckets[0]).toMatchObject({ queueLength: 1, answered: 1, waitAverageSeconds: 720, chats: 0 });
    expect(buckets[1]).toMatchObject({ queueLength: 0, waitMaxSeconds: null });
    // 11:30–11:45: waiting from 11:40, 5 min so far at the bucket's end.
    expect(buckets[2]).toMatchObject({ queueLength: 1, chats: 1, waitMaxSeconds: 300, answered: 0 });
    expect(buckets[3]).toMatchObject({ queueLength: 1, waitMaxSeconds: 1200, waitAverageSeconds: null });
    expect(totals).toMatchObject({ queueLength: 1, chats: 1, answered: 1, waitMaxSeconds: 1200 });
  });

  it('splits a wait across the buckets it spans, and a canceled chat stops waiting', async () => {
    await task('WT1', [
      ['created', '11:10:00'],
      ['accepted', '11:35:00', { workerSid: 'WK1' }],
      ['transferred', '11:50:00', { workerSid: 'WK1' }],
    ]);
    await task('WT2', [
      ['created', '11:12:00'],
      ['canceled', '11:20:00', { details: { reason: 'the customer ended the chat' } }],
    ]);
    // The transferred chat's next task waits again, but is no new chat.
    await task('WT3', [['created', '11:50:00', { details: { transfer: true } }]]);
    const { buckets } = await figures().compute({ hours: 1, bucketMinutes: 15 });
    expect(buckets.map((b) => b.queueLength)).toEqual([2, 2, 1, 1]);
    expect(buckets.map((b) => b.chats)).toEqual([2, 0, 0, 0]);
    expect(buckets[0]?.waitMaxSeconds).toBe(300);
    expect(buckets[1]?.waitMaxSeconds).toBe(1200);
    expect(buckets[2]).toMatchObject({ answered: 1, waitAverageSeconds: 1500 });
    expect(buckets[3]).toMatchObject({ handleAverageSeconds: 900, waitMaxSeconds: 600 });
  });

  it('limits the figures to one queue, following a chat moved to another queue', async () => {
    await task('WT1', [
      ['created', '11:00:00', { queueSid: 'WQ1' }],
      ['retargeted', '11:10:00', { queueSid: 'WQ2' }],
      ['accepted', '11:20:00', { queueSid: 'WQ2', workerSid: 'WK1' }],
    ]);
    await task('WT2', [
      ['created', '11:05:00', { queueSid: 'WQ1' }],
      ['accepted', '11:06:00', { queueSid: 'WQ1', workerSid: 'WK2' }],
    ]);
    const first = await figures().compute({ hours: 1, bucketMinutes: 15, queueSid: 'WQ1' });
    expect(first.queueSid).toBe('WQ1');
    expect(first.buckets[0]).toMatchObject({ chats: 2, queueLength: 2, answered: 1, waitAverageSeconds: 60 });
    expect(first.buckets[1]).toMatchObject({ queueLength: 0, answered: 0 });
    const second = await figures().compute({ hours: 1, bucketMinutes: 15, queueSid: 'WQ2' });
    expect(second.buckets[0]).toMatchObject({ chats: 0, queueLength: 1, waitMaxSeconds: 900 });
    // The wait counts from the chat's creation, in the queue that answered it.
    expect(second.buckets[1]).toMatchObject({ answered: 1, waitAverageSeconds: 1200 });
  });

  it("draws each agent's status timeline from activity changes", async () => {
    const ana = await store.workers.create({ friendlyName: 'Ana', activity: 'Available' });
    const ben = await store.workers.create({ friendlyName: 'Ben', activity: 'Offline' });
    await store.workers.create({ friendlyName: 'Cy', activity: 'Unavailable' });
    const change = (workerSid: string, previous: Activity | null, activity: Activity, at: string) =>
      store.taskEvents.recordActivity({
        workerSid,
        activity,
        previousActivity: previous,
        dateCreated: t(at),
      });
    // Ana: Offline since before the window, Available at 11:30.
    await change(ana.sid, null, 'Offline', '09:00:00');
    await change(ana.sid, 'Offline', 'Available', '11:30:00');
    // Ben: Available (as his first change says) until 11:45.
    await change(ben.sid, 'Available', 'Offline', '11:45:00');
    const { agents } = await figures().compute({ hours: 1, bucketMinutes: 15 });
    expect(agents.map((a) => a.friendlyName)).toEqual(['Ana', 'Ben', 'Cy']);
    const [a, b, c] = agents;
    expect(a?.intervals).toEqual([
      { activity: 'Offline', from: t('11:00:00'), to: t('11:30:00') },
      { activity: 'Available', from: t('11:30:00'), to: t('12:00:00') },
    ]);
    expect(a?.seconds).toEqual({ Available: 1800, Unavailable: 0, Offline: 1800 });
    expect(b?.intervals).toEqual([
      { activity: 'Available', from: t('11:00:00'), to: t('11:45:00') },
      { activity: 'Offline', from: t('11:45:00'), to: t('12:00:00') },
    ]);
    // No change ever recorded: the activity Cy has now, all along.
    expect(c?.intervals).toEqual([{ activity: 'Unavailable', from: t('11:00:00'), to: t('12:00:00') }]);
  });

  it("retention prunes events older than the figures need, keeping each agent's last change", async () => {
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
    const ana = await store.workers.create({ friendlyName: 'Ana', activity: 'Available' });
    const change = (previous: Activity | null, activity: Activity, at: string) =>
      store.taskEvents.recordActivity({
        workerSid: ana.sid,
        activity,
        previousActivity: previous,
        dateCreated: at,
      });
    await change(null, 'Available', daysAgo(30));
    await change('Available', 'Unavailable', daysAgo(20));
    for (const [kind, at] of [
      ['created', daysAgo(20)],
      ['completed', daysAgo(19)],
    ] as const) {
      await store.taskEvents.record({
        taskSid: 'WTold',
        kind,
        queueSid: 'WQ1',
        workerSid: null,
        channelType: 'web',
        dateCreated: at,
      });
    }
    // Created five days ago and never answered: still waiting in today's window.
    await store.taskEvents.record({
      taskSid: 'WTwaiting',
      kind: 'created',
      queueSid: 'WQ1',
      workerSid: null,
      channelType: 'web',
      dateCreated: daysAgo(5),
    });
    const before = await figures().compute({ hours: 72 });

    // A one-day policy: the events still go no sooner than ten days (72 h window + 7-day look-back).
    const retention = createRetention({ store, clock: () => NOW, log: pino({ level: 'silent' }), days: 1 });
    await retention.sweep();

    const old = { since: daysAgo(25), until: daysAgo(18) };
    expect(await store.taskEvents.listForWindow(old)).toEqual([]);
    // The change 30 days ago is gone; the one 20 days ago stays, as the activity Ana started from.
    expect((await store.taskEvents.listActivity(old)).map((e) => e.activity)).toEqual(['Unavailable']);
    const after = await figures().compute({ hours: 72 });
    expect(after).toEqual(before);
    expect(after.totals.queueLength).toBe(1);
    expect(after.agents[0]?.intervals).toEqual([{ activity: 'Unavailable', from: after.from, to: after.to }]);
  });

  it('refuses a window it cannot draw, naming the field', async () => {
    await expect(figures().compute({ hours: 73 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('hours'),
    });
    await expect(figures().compute({ hours: 72, bucketMinutes: 1 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('bucketMinutes'),
    });
  });
});

describe('figures on two nodes', () => {
  it('read the same from either node of one PostgreSQL database', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    try {
      const step = (store: Store, kind: TaskEventKind, at: string) =>
        store.taskEvents.record({
          taskSid: 'WT1',
          kind,
          queueSid: 'WQ1',
          workerSid: kind === 'created' ? null : 'WK1',
          channelType: 'web',
          dateCreated: t(at),
        });
      // The task is created on one node and accepted on the other.
      await step(a, 'created', '11:20:00');
      await step(b, 'accepted', '11:20:45');
      const [fromA, fromB] = await Promise.all(
        [a, b].map((store) => createFigures({ store, clock: () => NOW }).compute({ hours: 1 })),
      );
      expect(fromA).toEqual(fromB);
      expect(fromA?.totals).toMatchObject({ chats: 1, answered: 1, waitAverageSeconds: 45 });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe.each([
  ['sqlite', async () => undefined],
  ['postgres', async () => postgres.createDatabase()],
])('task events written by routing on %s', (_engine, database) => {
  let core: Awaited<ReturnType<typeof createTestCore>>;
  afterEach(async () => {
    await core?.close();
  });
  const lastHour = () => ({
    since: new Date(Date.now() - 3_600_000).toISOString(),
    until: new Date(Date.now() + 1000).toISOString(),
  });

  it('records a chat from creation to completion and the agent going Available; retention deletes them', async () => {
    core = await createTestCore({ postgresUrl: await database() });
    const w = await core.core.agents.createWorker({
      friendlyName: 'Dee',
      username: 'dee',
      password: 'secret',
    });
    await core.core.routing.updateWorker(w.sid, { activity: 'Available' });
    const { contact, channel } = await core.customer('Eve');
    await core.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hello' });
    await core.core.idle();
    const [taskRow] = await core.store.tasks.list({ channelSid: channel.sid });
    const [reservation] = await core.store.reservations.list({ taskSid: taskRow?.sid });
    if (!taskRow || !reservation) throw new Error('the chat was not offered');
    await core.core.routing.accept(w.sid, reservation.sid);
    await core.core.routing.wrap(w.sid, taskRow.sid);
    await core.core.routing.complete(w.sid, taskRow.sid);

    const events = await core.store.taskEvents.listForWindow(lastHour());
    expect(events.map((e) => e.kind)).toEqual(['created', 'reserved', 'accepted', 'wrapping', 'completed']);
    expect(events.every((e) => e.taskSid === taskRow.sid && e.queueSid === taskRow.queueSid)).toBe(true);
    expect(events.slice(1).every((e) => e.workerSid === w.sid)).toBe(true);
    const activity = await core.store.taskEvents.listActivity(lastHour());
    expect(activity.filter((e) => e.workerSid === w.sid)).toMatchObject([
      { activity: 'Available', previousActivity: 'Offline' },
    ]);

    const result = await core.core.figures.compute({ hours: 1 });
    expect(result.totals).toMatchObject({ chats: 1, answered: 1, queueLength: 0 });
    expect(result.totals.waitAverageSeconds).toBeGreaterThanOrEqual(0);

    // Retention deleting the channel takes its tasks' events with it.
    await core.store.privacy?.deleteChannels([channel.sid]);
    expect(await core.store.taskEvents.listForWindow(lastHour())).toEqual([]);
  });

  it('ends the wait of a chat whose customer is erased', async () => {
    core = await createTestCore({ postgresUrl: await database() });
    const { contact, channel } = await core.customer('Fay');
    await core.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hello' });
    await core.core.idle();
    expect((await core.core.figures.compute({ hours: 1 })).totals.queueLength).toBe(1);
    await core.core.privacy.eraseContact(contact.sid);
    const events = await core.store.taskEvents.listForWindow(lastHour());
    expect(events.map((e) => [e.kind, e.details])).toEqual([
      ['created', {}],
      ['canceled', { reason: 'erased' }],
    ]);
    expect((await core.core.figures.compute({ hours: 1 })).totals).toMatchObject({
      queueLength: 0,
      chats: 1,
    });
  });
});
