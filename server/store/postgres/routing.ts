/**
 * PostgreSQL repositories of workers, queues, workflows and reservations (tasks are in
 * tasks.ts). Reserving locks the worker row and conditionally moves the task, so concurrent
 * nodes never double-book a task or a worker's capacity.
 */
import { toQueue, toReservation, toTask, toWorker, toWorkflow } from '../rows.ts';
import type {
  ReservationRepository,
  TaskQueueRepository,
  WorkerRepository,
  WorkflowRepository,
} from '../types.ts';
import { all, type Deps, one, transaction } from './db.ts';
import { signInAttemptMethods } from './sign-in-attempts.ts';

const OPEN = `('reserved', 'assigned', 'wrapping')`;
const LOAD = `(SELECT count(*) FROM tasks t WHERE t.worker_sid = w.sid AND t.status IN ${OPEN})`;
const now = (deps: Deps) => deps.clock().toISOString();
/** A worker row with its custom activity's name beside it (null in a built-in one). */
const NAMED = (w: string) =>
  `${w}.*, (SELECT a.friendly_name FROM activities a WHERE a.sid = ${w}.activity_sid) AS activity_name`;

export function workerRepository(deps: Deps): WorkerRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const at = now(deps);
      const row = await one(
        pool,
        `INSERT INTO workers (sid, friendly_name, username, password_hash, activity, capacity, attributes,
           last_assigned_at, date_created, date_updated, disabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $9) RETURNING ${NAMED('workers')}`,
        [
          newSid('WK'),
          input.friendlyName,
          input.username ?? null,
          input.passwordHash ?? null,
          input.activity ?? 'Offline',
          input.capacity ?? 3,
          JSON.stringify(input.attributes ?? {}),
          at,
          input.disabled ?? false,
        ],
      );
      return toWorker(row!);
    },
    async get(sid) {
      const row = await one(pool, `SELECT ${NAMED('workers')} FROM workers WHERE sid = $1`, [sid]);
      return row ? toWorker(row) : null;
    },
    async getByUsername(username) {
      const row = await one(pool, `SELECT ${NAMED('workers')} FROM workers WHERE username = $1`, [username]);
      return row ? toWorker(row) : null;
    },
    async list() {
      return (await all(pool, `SELECT ${NAMED('workers')} FROM workers ORDER BY date_created, seq`)).map(
        toWorker,
      );
    },
    async update(sid, patch) {
      const row = await one(
        pool,
        `UPDATE workers SET activity = coalesce($1, activity), capacity = coalesce($2, capacity),
           activity_sid = CASE WHEN $1::text IS NULL THEN activity_sid ELSE $11 END,
           friendly_name = coalesce($3, friendly_name), attributes = coalesce($4::jsonb, attributes), date_updated = $5,
           username = coalesce($7, username), password_hash = coalesce($8, password_hash),
           disabled = coalesce($9::boolean, disabled), token_version = token_version + $10
         WHERE sid = $6 RETURNING ${NAMED('workers')}`,
        [
          patch.activity ?? null,
          patch.capacity ?? null,
          patch.friendlyName ?? null,
          patch.attributes ? JSON.stringify(patch.attributes) : null,
          now(deps),
          sid,
          patch.username ?? null,
          patch.passwordHash ?? null,
          patch.disabled ?? null,
          patch.revokeSessions ? 1 : 0,
          patch.activitySid ?? null,
        ],
      );
      return toWorker(row!);
    },
    async delete(sid) {
      return transaction(pool, async (client) => {
        await client.query('DELETE FROM reservations WHERE worker_sid = $1', [sid]);
        const { rowCount } = await client.query('DELETE FROM workers WHERE sid = $1', [sid]);
        return (rowCount ?? 0) > 0;
      });
    },
    async listAvailable(exclude) {
      const rows = await all(
        pool,
        `SELECT ${NAMED('w')} FROM workers w
         WHERE w.activity = 'Available' AND NOT w.disabled AND ${LOAD} < w.capacity AND NOT (w.sid = ANY($1::text[]))
         ORDER BY w.last_assigned_at, w.date_created, w.seq`,
        [exclude],
      );
      return rows.map(toWorker);
    },
    ...signInAttemptMethods({ pool }),
  };
}

export function taskQueueRepository(deps: Deps): TaskQueueRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const row = await one(
        pool,
        `INSERT INTO task_queues (sid, friendly_name, target_workers, date_created, date_updated)
         VALUES ($1, $2, $3, $4, $4) RETURNING *`,
        [newSid('WQ'), input.friendlyName, input.targetWorkers ?? '1==1', now(deps)],
      );
      return toQueue(row!);
    },
    async update(sid, patch) {
      const row = await one(
        pool,
        `UPDATE task_queues SET friendly_name = coalesce($1, friendly_name),
           target_workers = coalesce($2, target_workers), date_updated = $3 WHERE sid = $4 RETURNING *`,
        [patch.friendlyName ?? null, patch.targetWorkers ?? null, now(deps), sid],
      );
      return row ? toQueue(row) : null;
    },
    async delete(sid) {
      const { rowCount } = await pool.query('DELETE FROM task_queues WHERE sid = $1', [sid]);
      return (rowCount ?? 0) > 0;
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM task_queues WHERE sid = $1', [sid]);
      return row ? toQueue(row) : null;
    },
    async list() {
      return (await all(pool, 'SELECT * FROM task_queues ORDER BY date_created, seq')).map(toQueue);
    },
  };
}

export function workflowRepository(deps: Deps): WorkflowRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const row = await one(
        pool,
        `INSERT INTO workflows (sid, friendly_name, configuration, task_reservation_timeout,
           reservation_timeout_activity, date_created, date_updated) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
        [
          newSid('WW'),
          input.friendlyName,
          JSON.stringify(input.configuration),
          input.taskReservationTimeout,
          input.reservationTimeoutActivity,
          now(deps),
        ],
      );
      return toWorkflow(row!);
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM workflows WHERE sid = $1', [sid]);
      return row ? toWorkflow(row) : null;
    },
    async list() {
      return (await all(pool, 'SELECT * FROM workflows ORDER BY date_created, seq')).map(toWorkflow);
    },
    async update(sid, patch) {
      const keep = patch.reservationTimeoutActivity === undefined;
      const row = await one(
        pool,
        `UPDATE workflows SET friendly_name = coalesce($1, friendly_name),
           configuration = coalesce($2::jsonb, configuration),
           task_reservation_timeout = coalesce($3, task_reservation_timeout),
           reservation_timeout_activity = CASE WHEN $4 THEN reservation_timeout_activity ELSE $5 END,
           date_updated = $6 WHERE sid = $7 RETURNING *`,
        [
          patch.friendlyName ?? null,
          patch.configuration ? JSON.stringify(patch.configuration) : null,
          patch.taskReservationTimeout ?? null,
          keep,
          keep ? null : patch.reservationTimeoutActivity,
          now(deps),
          sid,
        ],
      );
      return row ? toWorkflow(row) : null;
    },
    async delete(sid) {
      const { rowCount } = await pool.query('DELETE FROM workflows WHERE sid = $1', [sid]);
      return (rowCount ?? 0) > 0;
    },
  };
}

export function reservationRepository(deps: Deps): ReservationRepository {
  const { pool, newSid } = deps;
  return {
    reserve(taskSid, workerSid, expiresAt) {
      return transaction(pool, async (client) => {
        const at = now(deps);
        // The worker row lock serialises every reservation for this worker across nodes.
        const worker = await one(
          client,
          'SELECT sid, capacity, activity FROM workers WHERE sid = $1 FOR UPDATE',
          [workerSid],
        );
        if (!worker || worker.activity !== 'Available') return null;
        const load = await one(
          client,
          `SELECT count(*)::int AS n FROM tasks WHERE worker_sid = $1 AND status IN ${OPEN}`,
          [workerSid],
        );
        if ((load?.n ?? 0) >= worker.capacity) return null;
        const task = await one(
          client,
          `UPDATE tasks SET revision = revision + 1, status = 'reserved', worker_sid = $1, date_updated = $2 WHERE sid = $3 AND status = 'pending' RETURNING sid`,
          [workerSid, at, taskSid],
        );
        if (!task) return null;
        const row = await one(
          client,
          `INSERT INTO reservations (sid, task_sid, worker_sid, status, expires_at, date_created)
           VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING *`,
          [newSid('WR'), taskSid, workerSid, expiresAt, at],
        );
        return toReservation(row!);
      });
    },
    accept(sid) {
      return transaction(pool, async (client) => {
        const at = now(deps);
        const reservation = await one(
          client,
          `UPDATE reservations SET status = 'accepted' WHERE sid = $1 AND status = 'pending' RETURNING *`,
          [sid],
        );
        if (!reservation) return null;
        const task = await one(
          client,
          `UPDATE tasks SET revision = revision + 1, status = 'assigned', date_updated = $1, date_assigned = $1
           WHERE sid = $2 AND status = 'reserved' AND worker_sid = $3 RETURNING *`,
          [at, reservation.task_sid, reservation.worker_sid],
        );
        if (!task)
          throw new Error(`task ${reservation.task_sid} is not reserved for ${reservation.worker_sid}`);
        await client.query('UPDATE workers SET last_assigned_at = $1 WHERE sid = $2', [
          at,
          reservation.worker_sid,
        ]);
        return { reservation: toReservation(reservation), task: toTask(task) };
      });
    },
    release(sid, status) {
      return transaction(pool, async (client) => {
        const reservation = await one(
          client,
          `UPDATE reservations SET status = $1 WHERE sid = $2 AND status = 'pending' RETURNING *`,
          [status, sid],
        );
        if (!reservation) return null;
        await client.query(
          `UPDATE tasks SET revision = revision + 1, status = 'pending', worker_sid = NULL, date_updated = $1
           WHERE sid = $2 AND status = 'reserved' AND worker_sid = $3`,
          [now(deps), reservation.task_sid, reservation.worker_sid],
        );
        return toReservation(reservation);
      });
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM reservations WHERE sid = $1', [sid]);
      return row ? toReservation(row) : null;
    },
    async list(filter) {
      const rows = await all(
        pool,
        `SELECT * FROM reservations WHERE ($1::text IS NULL OR task_sid = $1) AND ($2::text IS NULL OR worker_sid = $2)
           AND ($3::text IS NULL OR status = $3) ORDER BY date_created, seq`,
        [filter.taskSid ?? null, filter.workerSid ?? null, filter.status ?? null],
      );
      return rows.map(toReservation);
    },
  };
}
