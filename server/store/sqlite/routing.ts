/**
 * SQLite repositories of workers, queues and workflows (tasks are in tasks.ts, reservations in
 * reservations.ts). A worker's load is counted from its tasks, never stored, so it cannot drift.
 */

import { type Row, toQueue, toWorker as toWorkerRow, toWorkflow } from '../rows.ts';
import type { TaskQueueRepository, WorkerRepository, WorkflowRepository } from '../types.ts';
import type { Deps } from './conversations.ts';
import { signInAttemptMethods } from './sign-in-attempts.ts';

export const OPEN = `('reserved', 'assigned', 'wrapping')`;
export const LOAD = `(SELECT count(*) FROM tasks t WHERE t.worker_sid = w.sid AND t.status IN ${OPEN})`;

export function workerRepository({ db, clock, newSid }: Deps): WorkerRepository {
  const byId = db.prepare('SELECT * FROM workers WHERE sid = ?');
  const nameOf = db.prepare('SELECT friendly_name FROM activities WHERE sid = ?').pluck();
  // Only a worker in a custom activity costs a lookup: its name is read beside the row.
  const toWorker = (row: Row) =>
    toWorkerRow(row.activity_sid ? { ...row, activity_name: nameOf.get(row.activity_sid) } : row);
  const remove = db.transaction((sid: string) => {
    db.prepare('DELETE FROM reservations WHERE worker_sid = ?').run(sid);
    return db.prepare('DELETE FROM workers WHERE sid = ?').run(sid).changes > 0;
  });
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO workers (sid, friendly_name, username, password_hash, activity, capacity, attributes,
             disabled, last_assigned_at, date_created, date_updated)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('WK'),
          input.friendlyName,
          input.username ?? null,
          input.passwordHash ?? null,
          input.activity ?? 'Offline',
          input.capacity ?? 3,
          JSON.stringify(input.attributes ?? {}),
          input.disabled ? 1 : 0,
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
          `UPDATE workers SET activity = coalesce(@activity, activity), capacity = coalesce(@capacity, capacity),
             activity_sid = CASE WHEN @activity IS NULL THEN activity_sid ELSE @activitySid END,
             friendly_name = coalesce(@friendlyName, friendly_name), attributes = coalesce(@attributes, attributes),
             username = coalesce(@username, username), password_hash = coalesce(@passwordHash, password_hash),
             disabled = coalesce(@disabled, disabled), token_version = token_version + @bump, date_updated = @at
           WHERE sid = @sid RETURNING *`,
        )
        .get({
          activity: patch.activity ?? null,
          activitySid: patch.activitySid ?? null,
          capacity: patch.capacity ?? null,
          friendlyName: patch.friendlyName ?? null,
          attributes: patch.attributes ? JSON.stringify(patch.attributes) : null,
          username: patch.username ?? null,
          passwordHash: patch.passwordHash ?? null,
          disabled: patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
          bump: patch.revokeSessions ? 1 : 0,
          at: clock().toISOString(),
          sid,
        }) as Row;
      return toWorker(row);
    },
    async delete(sid) {
      return remove(sid);
    },
    async listAvailable(exclude) {
      const rows = db
        .prepare(
          `SELECT w.* FROM workers w
           WHERE w.activity = 'Available' AND w.disabled = 0 AND ${LOAD} < w.capacity
             AND w.sid NOT IN (SELECT value FROM json_each(?))
           ORDER BY w.last_assigned_at, w.date_created`,
        )
        .all(JSON.stringify(exclude));
      return (rows as Row[]).map(toWorker);
    },
    ...signInAttemptMethods({ db }),
  };
}

export function taskQueueRepository({ db, clock, newSid }: Deps): TaskQueueRepository {
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO task_queues (sid, friendly_name, target_workers, date_created, date_updated)
           VALUES (?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(newSid('WQ'), input.friendlyName, input.targetWorkers ?? '1==1', at, at) as Row;
      return toQueue(row);
    },
    async update(sid, patch) {
      const row = db
        .prepare(
          `UPDATE task_queues SET friendly_name = coalesce(?, friendly_name),
             target_workers = coalesce(?, target_workers), date_updated = ? WHERE sid = ? RETURNING *`,
        )
        .get(patch.friendlyName ?? null, patch.targetWorkers ?? null, clock().toISOString(), sid) as
        | Row
        | undefined;
      return row ? toQueue(row) : null;
    },
    async delete(sid) {
      return db.prepare('DELETE FROM task_queues WHERE sid = ?').run(sid).changes > 0;
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

export function workflowRepository({ db, clock, newSid }: Deps): WorkflowRepository {
  const byId = db.prepare('SELECT * FROM workflows WHERE sid = ?');
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO workflows (sid, friendly_name, configuration, task_reservation_timeout,
             reservation_timeout_activity, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('WW'),
          input.friendlyName,
          JSON.stringify(input.configuration),
          input.taskReservationTimeout,
          input.reservationTimeoutActivity,
          at,
          at,
        ) as Row;
      return toWorkflow(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toWorkflow(row) : null;
    },
    async list() {
      return (db.prepare('SELECT * FROM workflows ORDER BY date_created, rowid').all() as Row[]).map(
        toWorkflow,
      );
    },
    async update(sid, patch) {
      const activity =
        patch.reservationTimeoutActivity === undefined ? 'keep' : patch.reservationTimeoutActivity;
      const row = db
        .prepare(
          `UPDATE workflows SET friendly_name = coalesce(@name, friendly_name),
             configuration = coalesce(@configuration, configuration),
             task_reservation_timeout = coalesce(@timeout, task_reservation_timeout),
             reservation_timeout_activity = CASE WHEN @activity = 'keep' THEN reservation_timeout_activity ELSE @activity END,
             date_updated = @at WHERE sid = @sid RETURNING *`,
        )
        .get({
          name: patch.friendlyName ?? null,
          configuration: patch.configuration ? JSON.stringify(patch.configuration) : null,
          timeout: patch.taskReservationTimeout ?? null,
          activity,
          at: clock().toISOString(),
          sid,
        }) as Row | undefined;
      return row ? toWorkflow(row) : null;
    },
    async delete(sid) {
      return db.prepare('DELETE FROM workflows WHERE sid = ?').run(sid).changes > 0;
    },
  };
}
