/**
 * SQLite repositories of workers, queues, tasks, reservations and timers. The routing
 * operations that must be atomic run as IMMEDIATE transactions: SQLite serialises writers,
 * so a task is reserved for one worker only and a worker never exceeds capacity.
 */
import type {
  ReservationRepository,
  TaskQueueRepository,
  TaskRepository,
  TimerRepository,
  WorkerRepository,
} from '../types.ts';
import type { Deps } from './conversations.ts';
import { type Row, toQueue, toReservation, toTask, toWorker } from './rows.ts';

const OPEN = `('reserved', 'assigned', 'wrapping')`;
const LOAD = `(SELECT count(*) FROM tasks t WHERE t.worker_sid = w.sid AND t.status IN ${OPEN})`;

export function workerRepository({ db, clock, newSid }: Deps): WorkerRepository {
  const byId = db.prepare('SELECT * FROM workers WHERE sid = ?');
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO workers (sid, friendly_name, username, password_hash, activity, capacity, attributes,
             last_assigned_at, date_created, date_updated)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('WK'),
          input.friendlyName,
          input.username ?? null,
          input.passwordHash ?? null,
          input.activity ?? 'Offline',
          input.capacity ?? 3,
          JSON.stringify(input.attributes ?? {}),
          at,
          at,
          at,
        ) as Row;
      return toWorker(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toWorker(row) : null;
    },
    async getByUsername(username) {
      const row = db.prepare('SELECT * FROM workers WHERE username = ?').get(username) as Row | undefined;
      return row ? toWorker(row) : null;
    },
    async list() {
      return (db.prepare('SELECT * FROM workers ORDER BY date_created, rowid').all() as Row[]).map(toWorker);
    },
    async update(sid, patch) {
      const row = db
        .prepare(
          `UPDATE workers SET activity = coalesce(?, activity), capacity = coalesce(?, capacity),
             friendly_name = coalesce(?, friendly_name), attributes = coalesce(?, attributes), date_updated = ?
           WHERE sid = ? RETURNING *`,
        )
        .get(
          patch.activity ?? null,
          patch.capacity ?? null,
          patch.friendlyName ?? null,
          patch.attributes ? JSON.stringify(patch.attributes) : null,
          clock().toISOString(),
          sid,
        ) as Row;
      return toWorker(row);
    },
    async listAvailable(exclude) {
      const rows = db
        .prepare(
          `SELECT w.* FROM workers w
           WHERE w.activity = 'Available' AND ${LOAD} < w.capacity
             AND w.sid NOT IN (SELECT value FROM json_each(?))
           ORDER BY w.last_assigned_at, w.date_created`,
        )
        .all(JSON.stringify(exclude));
      return (rows as Row[]).map(toWorker);
    },
  };
}

export function taskQueueRepository({ db, clock, newSid }: Deps): TaskQueueRepository {
  return {
    async create(input) {
      const row = db
        .prepare(
          `INSERT INTO task_queues (sid, friendly_name, target_workers, date_created) VALUES (?, ?, ?, ?) RETURNING *`,
        )
        .get(newSid('WQ'), input.friendlyName, input.targetWorkers ?? '1==1', clock().toISOString()) as Row;
      return toQueue(row);
    },
    async get(sid) {
      const row = db.prepare('SELECT * FROM task_queues WHERE sid = ?').get(sid) as Row | undefined;
      return row ? toQueue(row) : null;
    },
    async list() {
      return (db.prepare('SELECT * FROM task_queues ORDER BY date_created, rowid').all() as Row[]).map(
        toQueue,
      );
    },
  };
}

export function taskRepository({ db, clock, newSid }: Deps): TaskRepository {
  const byId = db.prepare('SELECT * FROM tasks WHERE sid = ?');
  const openOnChannel = db.prepare(
    `SELECT * FROM tasks WHERE channel_sid = ? AND status IN ('pending', ${OPEN.slice(1)} LIMIT 1`,
  );
  const createUnlessOpen = db.transaction((input: Parameters<TaskRepository['createUnlessOpen']>[0]) => {
    const open = openOnChannel.get(input.channelSid) as Row | undefined;
    if (open) return { task: toTask(open), created: false };
    const at = clock().toISOString();
    const row = db
      .prepare(
        `INSERT INTO tasks (sid, channel_sid, queue_sid, status, priority, attributes, date_created, date_updated)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        newSid('WT'),
        input.channelSid,
        input.queueSid,
        input.priority ?? 0,
        JSON.stringify(input.attributes),
        at,
        at,
      ) as Row;
    db.prepare('UPDATE channels SET task_sid = ?, date_updated = ? WHERE sid = ?').run(
      row.sid,
      at,
      input.channelSid,
    );
    return { task: toTask(row), created: true };
  });
  return {
    async createUnlessOpen(input) {
      return createUnlessOpen.immediate(input);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toTask(row) : null;
    },
    async list(filter) {
      const rows = db
        .prepare(
          `SELECT * FROM tasks WHERE (@status IS NULL OR status = @status) AND (@worker IS NULL OR worker_sid = @worker)
             AND (@channel IS NULL OR channel_sid = @channel) ORDER BY date_created, rowid`,
        )
        .all({
          status: filter.status ?? null,
          worker: filter.workerSid ?? null,
          channel: filter.channelSid ?? null,
        });
      return (rows as Row[]).map(toTask);
    },
    async listPending(limit) {
      const rows = db
        .prepare(
          `SELECT * FROM tasks WHERE status = 'pending' ORDER BY priority DESC, date_created, rowid LIMIT ?`,
        )
        .all(limit);
      return (rows as Row[]).map(toTask);
    },
    async transition(sid, from, to) {
      const row = db
        .prepare(
          `UPDATE tasks SET status = ?, date_updated = ?,
             worker_sid = CASE WHEN ? = 'pending' THEN NULL ELSE worker_sid END
           WHERE sid = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`,
        )
        .get(to, clock().toISOString(), to, sid, JSON.stringify(from)) as Row | undefined;
      return row ? toTask(row) : null;
    },
  };
}

export function reservationRepository({ db, clock, newSid }: Deps): ReservationRepository {
  const byId = db.prepare('SELECT * FROM reservations WHERE sid = ?');
  const reserve = db.transaction((taskSid: string, workerSid: string, expiresAt: string) => {
    const at = clock().toISOString();
    const worker = db
      .prepare(
        `SELECT w.sid FROM workers w WHERE w.sid = ? AND w.activity = 'Available' AND ${LOAD} < w.capacity`,
      )
      .get(workerSid);
    if (!worker) return null;
    const task = db
      .prepare(
        `UPDATE tasks SET status = 'reserved', worker_sid = ?, date_updated = ? WHERE sid = ? AND status = 'pending' RETURNING sid`,
      )
      .get(workerSid, at, taskSid);
    if (!task) return null;
    const row = db
      .prepare(
        `INSERT INTO reservations (sid, task_sid, worker_sid, status, expires_at, date_created)
         VALUES (?, ?, ?, 'pending', ?, ?) RETURNING *`,
      )
      .get(newSid('WR'), taskSid, workerSid, expiresAt, at) as Row;
    return toReservation(row);
  });
  const accept = db.transaction((sid: string) => {
    const at = clock().toISOString();
    const reservation = db
      .prepare(`UPDATE reservations SET status = 'accepted' WHERE sid = ? AND status = 'pending' RETURNING *`)
      .get(sid) as Row | undefined;
    if (!reservation) return null;
    const task = db
      .prepare(
        `UPDATE tasks SET status = 'assigned', date_updated = ?
         WHERE sid = ? AND status = 'reserved' AND worker_sid = ? RETURNING *`,
      )
      .get(at, reservation.task_sid, reservation.worker_sid) as Row | undefined;
    if (!task) throw new Error(`task ${reservation.task_sid} is not reserved for ${reservation.worker_sid}`);
    db.prepare('UPDATE workers SET last_assigned_at = ? WHERE sid = ?').run(at, reservation.worker_sid);
    return { reservation: toReservation(reservation), task: toTask(task) };
  });
  const release = db.transaction((sid: string, status: string) => {
    const reservation = db
      .prepare(`UPDATE reservations SET status = ? WHERE sid = ? AND status = 'pending' RETURNING *`)
      .get(status, sid) as Row | undefined;
    if (!reservation) return null;
    db.prepare(
      `UPDATE tasks SET status = 'pending', worker_sid = NULL, date_updated = ?
       WHERE sid = ? AND status = 'reserved' AND worker_sid = ?`,
    ).run(clock().toISOString(), reservation.task_sid, reservation.worker_sid);
    return toReservation(reservation);
  });
  return {
    async reserve(taskSid, workerSid, expiresAt) {
      return reserve.immediate(taskSid, workerSid, expiresAt);
    },
    async accept(sid) {
      return accept.immediate(sid);
    },
    async release(sid, status) {
      return release.immediate(sid, status);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toReservation(row) : null;
    },
    async list(filter) {
      const rows = db
        .prepare(
          `SELECT * FROM reservations WHERE (@task IS NULL OR task_sid = @task) AND (@worker IS NULL OR worker_sid = @worker)
             AND (@status IS NULL OR status = @status) ORDER BY date_created, rowid`,
        )
        .all({
          task: filter.taskSid ?? null,
          worker: filter.workerSid ?? null,
          status: filter.status ?? null,
        });
      return (rows as Row[]).map(toReservation);
    },
  };
}

/** A claimed timer that was not completed within this time (its node died) is handed out again. */
const CLAIM_LEASE_MS = 60_000;

export function timerRepository({ db }: Deps): TimerRepository {
  return {
    async schedule(kind, ref, dueAt) {
      db.prepare(
        `INSERT INTO timers (kind, ref, due_at) VALUES (?, ?, ?)
         ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL`,
      ).run(kind, ref, dueAt);
    },
    async cancel(kind, ref) {
      db.prepare('DELETE FROM timers WHERE kind = ? AND ref = ?').run(kind, ref);
    },
    async claimDue(now, limit) {
      const staleBefore = new Date(Date.parse(now) - CLAIM_LEASE_MS).toISOString();
      const rows = db
        .prepare(
          `UPDATE timers SET claimed_at = @now WHERE id IN (
             SELECT id FROM timers WHERE due_at <= @now AND (claimed_at IS NULL OR claimed_at < @staleBefore)
             ORDER BY due_at LIMIT @limit)
           RETURNING id, kind, ref, due_at`,
        )
        .all({ now, staleBefore, limit }) as Row[];
      return rows.map((r) => ({ id: r.id, kind: r.kind, ref: r.ref, dueAt: r.due_at }));
    },
    async complete(id) {
      db.prepare('DELETE FROM timers WHERE id = ?').run(id);
    },
  };
}
