/**
 * PostgreSQL repository of tasks: the same operations as the SQLite one, each atomic change a
 * single statement or one transaction, so several nodes never interleave inside one.
 */
import { toReservation, toTask } from '../rows.ts';
import type { TaskRepository } from '../types.ts';
import { all, type Deps, one, type Queryable, transaction } from './db.ts';

const WAITING = `('pending', 'reserved')`;
const ORDER = 'ORDER BY priority DESC, date_created, seq';

/** Ends the task's pending offers with `status`; returns them. */
async function endOffers(db: Queryable, taskSid: string, status: string) {
  const rows = await all(
    db,
    `UPDATE reservations SET status = $1 WHERE task_sid = $2 AND status = 'pending' RETURNING *`,
    [status, taskSid],
  );
  return rows.map(toReservation);
}

export function taskRepository(deps: Deps): TaskRepository {
  const { pool, newSid } = deps;
  const now = () => deps.clock().toISOString();
  return {
    createUnlessOpen(input) {
      return transaction(pool, async (client) => {
        // Locking the channel row makes "is a task open here?" and the insert one step.
        await client.query('SELECT sid FROM channels WHERE sid = $1 FOR UPDATE', [input.channelSid]);
        const open = await one(
          client,
          `SELECT * FROM tasks WHERE channel_sid = $1 AND status IN ('pending', 'reserved', 'assigned', 'wrapping') LIMIT 1`,
          [input.channelSid],
        );
        if (open) return { task: toTask(open), created: false };
        const at = now();
        const row = await one(
          client,
          `INSERT INTO tasks (sid, channel_sid, queue_sid, workflow_sid, status, priority, attributes, timeout,
             filter_name, target_index, target_expression, target_worker_sid, date_created, date_updated)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING *`,
          [
            newSid('WT'),
            input.channelSid,
            input.queueSid,
            input.workflowSid ?? null,
            input.priority ?? 0,
            JSON.stringify(input.attributes),
            input.timeout ?? 86_400,
            input.filterName ?? null,
            input.targetIndex ?? 0,
            input.targetExpression ?? null,
            input.targetWorkerSid ?? null,
            at,
          ],
        );
        await client.query('UPDATE channels SET task_sid = $1, date_updated = $2 WHERE sid = $3', [
          row!.sid,
          at,
          input.channelSid,
        ]);
        return { task: toTask(row!), created: true };
      });
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM tasks WHERE sid = $1', [sid]);
      return row ? toTask(row) : null;
    },
    async list(filter) {
      const rows = await all(
        pool,
        `SELECT * FROM tasks WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR worker_sid = $2)
           AND ($3::text IS NULL OR channel_sid = $3) AND ($4::text IS NULL OR queue_sid = $4)
         ORDER BY date_created, seq`,
        [filter.status ?? null, filter.workerSid ?? null, filter.channelSid ?? null, filter.queueSid ?? null],
      );
      return rows.map(toTask);
    },
    async listPending(limit) {
      const rows = await all(pool, `SELECT * FROM tasks WHERE status = 'pending' ${ORDER} LIMIT $1`, [limit]);
      return rows.map(toTask);
    },
    async listWaiting(queueSid) {
      const rows = await all(
        pool,
        `SELECT * FROM tasks WHERE queue_sid = $1 AND status IN ${WAITING} ${ORDER}`,
        [queueSid],
      );
      return rows.map(toTask);
    },
    transition(sid, from, to, reason) {
      return transaction(pool, async (client) => {
        const row = await one(
          client,
          `UPDATE tasks SET revision = revision + 1, status = $1, date_updated = $2, reason = coalesce($5, reason),
             worker_sid = CASE WHEN $1 = 'pending' THEN NULL ELSE worker_sid END
           WHERE sid = $3 AND status = ANY($4::text[]) RETURNING *`,
          [to, now(), sid, from, reason ?? null],
        );
        if (row && to === 'completed') {
          await client.query(
            `UPDATE reservations SET status = 'completed' WHERE task_sid = $1 AND status = 'accepted'`,
            [sid],
          );
        }
        return row ? toTask(row) : null;
      });
    },
    cancel(sid, reason) {
      return transaction(pool, async (client) => {
        const row = await one(
          client,
          `UPDATE tasks SET revision = revision + 1, status = 'canceled', reason = $1, date_updated = $2
           WHERE sid = $3 AND status IN ${WAITING} RETURNING *`,
          [reason, now(), sid],
        );
        return row ? { task: toTask(row), reservations: await endOffers(client, sid, 'canceled') } : null;
      });
    },
    retarget(sid, fromIndex, next) {
      return transaction(pool, async (client) => {
        const row = await one(
          client,
          `UPDATE tasks SET revision = revision + 1, status = 'pending', worker_sid = NULL, queue_sid = $1, priority = $2, filter_name = $3,
             target_index = $4, target_expression = $5, date_updated = $6
           WHERE sid = $7 AND status IN ${WAITING} AND target_index = $8 RETURNING *`,
          [
            next.queueSid,
            next.priority,
            next.filterName,
            next.targetIndex,
            next.targetExpression,
            now(),
            sid,
            fromIndex,
          ],
        );
        return row ? { task: toTask(row), rescinded: await endOffers(client, sid, 'rescinded') } : null;
      });
    },
    async update(sid, patch, ifRevision) {
      const row = await one(
        pool,
        `UPDATE tasks SET revision = revision + 1, attributes = coalesce($1::jsonb, attributes), priority = coalesce($2, priority),
           target_worker_sid = CASE WHEN $3 THEN NULL ELSE target_worker_sid END, date_updated = $4
         WHERE sid = $5 AND ($6::int IS NULL OR revision = $6) RETURNING *`,
        [
          patch.attributes ? JSON.stringify(patch.attributes) : null,
          patch.priority ?? null,
          patch.targetWorkerSid === null,
          now(),
          sid,
          ifRevision ?? null,
        ],
      );
      return row ? toTask(row) : null;
    },
    delete(sid) {
      return transaction(pool, async (client) => {
        await client.query('DELETE FROM reservations WHERE task_sid = $1', [sid]);
        await client.query('UPDATE channels SET task_sid = NULL WHERE task_sid = $1', [sid]);
        const { rowCount } = await client.query('DELETE FROM tasks WHERE sid = $1', [sid]);
        return (rowCount ?? 0) > 0;
      });
    },
    async recentWaits(queueSid, limit) {
      const rows = await all(
        pool,
        `SELECT date_created, date_assigned FROM tasks WHERE queue_sid = $1 AND date_assigned IS NOT NULL
         ORDER BY date_assigned DESC LIMIT $2`,
        [queueSid, limit],
      );
      return rows.map((r) => (Date.parse(r.date_assigned) - Date.parse(r.date_created)) / 1000);
    },
  };
}
