/**
 * Supervisors' figures over a month of events, on every engine: 200 000 task events and
 * 100 000 activity changes written in one bulk insert, then the widest window (72 hours) asked
 * for. The desk asks every 30 s and better-sqlite3 blocks the process while it reads, so the
 * answer must come in well under a second, and the numbers must be those of the window alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFigures, MAX_FIGURE_HOURS } from '../../server/core/figures.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const DAY = 86_400_000;
const TASKS = 40_000;
const WORKERS = 20;
const CHANGES_PER_WORKER = 5_000;
/** A chat's steps and their offsets from its creation, in seconds. */
const STEPS: [string, number][] = [
  ['created', 0],
  ['reserved', 10],
  ['accepted', 30],
  ['wrapping', 300],
  ['completed', 360],
];
const ACTIVITIES = ['Available', 'Unavailable', 'Offline'];

type TaskRow = [string, string, string, string | null, string, string, string];
type WorkerRow = [string, string, string, string];

/** 40 000 chats over the 30 days before now (every 100th never ends), each worker's changes over the same days. */
function monthOfEvents(workerSids: string[]) {
  const tasks: TaskRow[] = [];
  const spacing = (30 * DAY) / TASKS;
  let createdInWindow = 0;
  for (let i = 0; i < TASKS; i++) {
    const created = NOW - 30 * DAY + i * spacing;
    if (created >= NOW - MAX_FIGURE_HOURS * 3_600_000) createdInWindow++;
    const worker = workerSids[i % WORKERS] ?? null;
    for (const [kind, offset] of i % 100 === 0 ? STEPS.slice(0, 1) : STEPS) {
      const at = created + offset * 1000;
      if (at >= NOW) continue;
      tasks.push([
        `WT${i}`,
        kind,
        'WQ1',
        kind === 'created' ? null : worker,
        'web',
        '{}',
        new Date(at).toISOString(),
      ]);
    }
  }
  const workers: WorkerRow[] = [];
  for (const [w, sid] of workerSids.entries()) {
    for (let j = 0; j < CHANGES_PER_WORKER; j++) {
      const at = NOW - 30 * DAY + j * ((30 * DAY) / CHANGES_PER_WORKER) + w * 1000;
      workers.push([
        sid,
        ACTIVITIES[j % 3] as string,
        ACTIVITIES[(j + 2) % 3] as string,
        new Date(at).toISOString(),
      ]);
    }
  }
  return { tasks, workers, createdInWindow };
}

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

interface Engine {
  store: Store;
  bulkInsert(tasks: TaskRow[], workers: WorkerRow[]): Promise<void>;
  cleanup(): Promise<void>;
}

const engines: [string, () => Promise<Engine>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-figures-scale-'));
      const file = join(dir, 'parley.db');
      const store = createSqliteStore({ file });
      return {
        store,
        async bulkInsert(tasks, workers) {
          const db = new Database(file);
          const task = db.prepare(
            'INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created) VALUES (?, ?, ?, ?, ?, ?, ?)',
          );
          const worker = db.prepare(
            'INSERT INTO worker_events (worker_sid, activity, previous_activity, date_created) VALUES (?, ?, ?, ?)',
          );
          db.transaction(() => {
            for (const row of tasks) task.run(...row);
            for (const row of workers) worker.run(...row);
          })();
          db.close();
        },
        async cleanup() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      const store = await createPostgresStore({ url });
      const column = <T>(rows: T[][], i: number) => rows.map((r) => r[i]);
      return {
        store,
        async bulkInsert(tasks, workers) {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(
              `INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
              [0, 1, 2, 3, 4, 5, 6].map((i) => column(tasks, i)),
            );
            await client.query(
              `INSERT INTO worker_events (worker_sid, activity, previous_activity, date_created)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
              [0, 1, 2, 3].map((i) => column(workers, i)),
            );
            await client.query('ANALYZE task_events; ANALYZE worker_events');
          } finally {
            await client.end();
          }
        },
        async cleanup() {
          await store.close();
        },
      };
    },
  ],
];

describe.each(engines)('figures over a month of events on the %s store', (_engine, make) => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.cleanup();
    engine = undefined;
  });

  it("answer the widest window within two seconds, with the window's numbers", async () => {
    engine = await make();
    const { store } = engine;
    const workerSids: string[] = [];
    for (let w = 0; w < WORKERS; w++) {
      workerSids.push((await store.workers.create({ friendlyName: `Agent ${w}`, activity: 'Offline' })).sid);
    }
    const month = monthOfEvents(workerSids);
    expect(month.tasks.length).toBeGreaterThan(195_000);
    await engine.bulkInsert(month.tasks, month.workers);

    const figures = createFigures({ store, clock: () => new Date(NOW) });
    await figures.compute({ hours: 1 }); // the first read warms the engine's caches
    const started = performance.now();
    const result = await figures.compute({ hours: MAX_FIGURE_HOURS });
    const elapsed = performance.now() - started;
    console.info(
      `figures of ${MAX_FIGURE_HOURS} h over ${month.tasks.length} task events: ${Math.round(elapsed)} ms`,
    );
    // Reads growing with the square of the table took minutes here (about 0.3 s now on an idle
    // machine); the bound leaves room for a busy shared test machine.
    expect(elapsed).toBeLessThan(2000);

    expect(result.totals.chats).toBe(month.createdInWindow);
    // One queue's figures read the same tasks here (there is only one), as fast.
    const queueStarted = performance.now();
    const inQueue = await figures.compute({ hours: MAX_FIGURE_HOURS, queueSid: 'WQ1' });
    expect(performance.now() - queueStarted).toBeLessThan(2000);
    expect(inQueue.totals).toEqual(result.totals);
    // Every 100th chat never ends: those created within the 7-day look-back still wait at the end.
    expect(result.totals.queueLength).toBeGreaterThan(0);
    expect(result.agents).toHaveLength(WORKERS);
    // Each agent's timeline starts at the window's start, from the change just before it.
    for (const agent of result.agents) {
      expect(agent.intervals[0]?.from).toBe(result.from);
      expect(agent.intervals.at(-1)?.to).toBe(result.to);
    }
  }, 120_000);
});
