/**
 * SQLite repository of tasks. Every change that routing relies on being atomic (create one
 * open task per channel, cancel with its offers, move to the next target) is one IMMEDIATE
 * transaction: SQLite serialises writers, so two nodes never interleave inside one.
 */

import { type Row, toReservation, toTask } from '../rows.ts';
import type { TaskRepository } from '../types.ts';
import type { Deps } from './conversations.ts';
import { OPEN } from './routing.ts';

const WAITING = `('pending', 'reserved')`;
const ORDER = 'ORDER BY priority DESC, date_created, rowid';

export function taskRepository({ db, clock, newSid }: Deps): TaskRepository {
  const byId = db.prepare('SELECT * FROM tasks WHERE sid = ?');
  const now = () => clock().toISOString();
  const openOnChannel = db.prepare(
    `SELECT * FROM tasks WHERE channel_sid = ? AND status IN ('pending', ${OPEN.slice(1)} LIMIT 1`,
  );
  const createUnlessOpen = db.transaction((input: Parameters<TaskRepository['createUnlessOpen']>[0]) => {
    const open = openOnChannel.get(input.channelSid) as Row | undefined;
    if (open) return { task: toTask(open), created: false };
    const at = now();
    const row = db
      .prepare(
        `INSERT INTO tasks (sid, channel_sid, queue_sid, workflow_sid, status, priority, attributes, timeout,
           filter_name, target_index, target_expression, target_worker_sid, date_created, date_updated)
         VALUES (@sid, @channelSid, @queueSid, @workflowSid, 'pending', @priority, @attributes, @timeout,
           @filterName, @targetIndex, @targetExpression, @targetWorkerSid, @at, @at) RETURNING *`,
      )
      .get({
        sid: newSid('WT'),
        channelSid: input.channelSid,
        queueSid: input.queueSid,
        workflowSid: input.workflowSid ?? null,
        priority: input.priority ?? 0,
        attributes: JSON.stringify(input.attributes),
        timeout: input.timeout ?? 86_400,
        filterName: input.filterName ?? null,
        targetIndex: input.targetIndex ?? 0,
        targetExpression: input.targetExpression ?? null,
        targetWorkerSid: input.targetWorkerSid ?? null,
        at,
      }) as Row;
    db.prepare('UPDATE channels SET task_sid = ?, date_updated = ? WHERE sid = ?').run(
      row.sid,
      at,
      input.channelSid,
    );
    return { task: toTask(row), created: true };
  });
  const transition = db.transaction((sid: string, from: string[], to: string, reason: string | null) => {
    const row = db
      .prepare(
        `UPDATE tasks SET revision = revision + 1, status = @to, date_updated = @at, reason = coalesce(@reason, reason),
           worker_sid = CASE WHEN @to = 'pending' THEN NULL ELSE worker_sid END
         WHERE sid = @sid AND status IN (SELECT value FROM json_each(@from)) RETURNING *`,
      )
      .get({ to, at: now(), reason, sid, from: JSON.stringify(from) }) as Row | undefined;
    if (row && to === 'completed') {
      db.prepare(
        `UPDATE reservations SET status = 'completed' WHERE task_sid = ? AND status = 'accepted'`,
      ).run(sid);
    }
    return row ? toTask(row) : null;
  });
  /** Ends the task's pending offers with `status`; returns them. */
  const endOffers = (taskSid: string, status: string) =>
    (
      db
        .prepare(`UPDATE reservations SET status = ? WHERE task_sid = ? AND status = 'pending' RETURNING *`)
        .all(status, taskSid) as Row[]
    ).map(toReservation);
  const cancel = db.transaction((sid: string, reason: string | null) => {
    const row = db
      .prepare(
        `UPDATE tasks SET revision = revision + 1, status = 'canceled', reason = ?, date_updated = ?
         WHERE sid = ? AND status IN ${WAITING} RETURNING *`,
      )
      .get(reason, now(), sid) as Row | undefined;
    return row ? { task: toTask(row), reservations: endOffers(sid, 'canceled') } : null;
  });
  const retarget = db.transaction(
    (sid: string, fromIndex: number, next: Parameters<TaskRepository['retarget']>[2]) => {
      const row = db
        .prepare(
          `UPDATE tasks SET revision = revision + 1, status = 'pending', worker_sid = NULL, queue_sid = @queueSid, priority = @priority,
             filter_name = @filterName, target_index = @targetIndex, target_expression = @targetExpression,
             date_updated = @at
           WHERE sid = @sid AND status IN ${WAITING} AND target_index = @fromIndex RETURNING *`,
        )
        .get({ ...next, at: now(), sid, fromIndex }) as Row | undefined;
      return row ? { task: toTask(row), rescinded: endOffers(sid, 'rescinded') } : null;
    },
  );
  const remove = db.transaction((sid: string) => {
    db.prepare('DELETE FROM reservations WHERE task_sid = ?').run(sid);
    db.prepare('UPDATE channels SET task_sid = NULL WHERE task_sid = ?').run(sid);
    return db.prepare('DELETE FROM tasks WHERE sid = ?').run(sid).changes > 0;
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
             AND (@channel IS NULL OR channel_sid = @channel) AND (@queue IS NULL OR queue_sid = @queue)
           ORDER BY date_created, rowid`,
        )
        .all({
          status: filter.status ?? null,
          worker: filter.workerSid ?? null,
          channel: filter.channelSid ?? null,
          queue: filter.queueSid ?? null,
        });
      return (rows as Row[]).map(toTask);
    },
    async listPending(limit) {
      const rows = db.prepare(`SELECT * FROM tasks WHERE status = 'pending' ${ORDER} LIMIT ?`).all(limit);
      return (rows as Row[]).map(toTask);
    },
    async listWaiting(queueSid) {
      const rows = db
        .prepare(`SELECT * FROM tasks WHERE queue_sid = ? AND status IN ${WAITING} ${ORDER}`)
        .all(queueSid);
      return (rows as Row[]).map(toTask);
    },
    async transition(sid, from, to, reason) {
      return transition.immediate(sid, from, to, reason ?? null);
    },
    async cancel(sid, reason) {
      return cancel.immediate(sid, reason);
    },
    async retarget(sid, fromIndex, next) {
      return retarget.immediate(sid, fromIndex, next);
    },
    async update(sid, patch, ifRevision) {
      const row = db
        .prepare(
          `UPDATE tasks SET revision = revision + 1, attributes = coalesce(@attributes, attributes), priority = coalesce(@priority, priority),
             target_worker_sid = CASE WHEN @clearTarget THEN NULL ELSE target_worker_sid END, date_updated = @at
           WHERE sid = @sid AND (@ifRevision IS NULL OR revision = @ifRevision) RETURNING *`,
        )
        .get({
          attributes: patch.attributes ? JSON.stringify(patch.attributes) : null,
          priority: patch.priority ?? null,
          clearTarget: patch.targetWorkerSid === null ? 1 : 0,
          at: now(),
          sid,
          ifRevision: ifRevision ?? null,
        }) as Row | undefined;
      return row ? toTask(row) : null;
    },
    async delete(sid) {
      return remove.immediate(sid);
    },
    async recentWaits(queueSid, limit) {
      const rows = db
        .prepare(
          `SELECT (julianday(date_assigned) - julianday(date_created)) * 86400 AS wait FROM tasks
           WHERE queue_sid = ? AND date_assigned IS NOT NULL ORDER BY date_assigned DESC LIMIT ?`,
        )
        .all(queueSid, limit) as { wait: number }[];
      return rows.map((r) => r.wait);
    },
  };
}
