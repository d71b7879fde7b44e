/**
 * SQLite repository of reservations (offers). Reserve, accept and release are each one
 * IMMEDIATE transaction over the task, the reservation and the worker's load, so a task is
 * reserved for one worker only and a worker never exceeds capacity.
 */

import { type Row, toReservation, toTask } from '../rows.ts';
import type { ReservationRepository } from '../types.ts';
import type { Deps } from './conversations.ts';
import { LOAD } from './routing.ts';

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
        `UPDATE tasks SET revision = revision + 1, status = 'reserved', worker_sid = ?, date_updated = ? WHERE sid = ? AND status = 'pending' RETURNING sid`,
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
        `UPDATE tasks SET revision = revision + 1, status = 'assigned', date_updated = ?, date_assigned = ?
         WHERE sid = ? AND status = 'reserved' AND worker_sid = ? RETURNING *`,
      )
      .get(at, at, reservation.task_sid, reservation.worker_sid) as Row | undefined;
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
      `UPDATE tasks SET revision = revision + 1, status = 'pending', worker_sid = NULL, date_updated = ?
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
