/** PostgreSQL: task and worker events, the record supervisors' figures are computed from, shared by every node. */
import {
  activityWindowSql,
  pruneSql,
  type TaskEventRepository,
  taskWindowSql,
  toTaskEvent,
  toWorkerEvent,
  type WindowParam,
  windowParams,
} from '../task-events.ts';
import { all, type Deps } from './db.ts';

/** The SQL with `$n` placeholders, and its parameters in that order. */
function numbered(build: (p: (name: WindowParam) => string) => string, values: Record<WindowParam, string>) {
  const order: WindowParam[] = [];
  const sql = build((name) => {
    if (!order.includes(name)) order.push(name);
    return `$${order.indexOf(name) + 1}`;
  });
  return { sql, params: order.map((name) => values[name]) };
}

export function taskEventRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): TaskEventRepository {
  return {
    async record(event) {
      await pool.query(
        `INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          event.taskSid,
          event.kind,
          event.queueSid,
          event.workerSid,
          event.channelType,
          JSON.stringify(event.details ?? {}),
          event.dateCreated ?? clock().toISOString(),
        ],
      );
    },
    async recordActivity(event) {
      await pool.query(
        `INSERT INTO worker_events (worker_sid, activity, previous_activity, date_created)
         VALUES ($1, $2, $3, $4)`,
        [event.workerSid, event.activity, event.previousActivity, event.dateCreated ?? clock().toISOString()],
      );
    },
    async listForWindow(window) {
      const { sql, params } = numbered(
        (p) => taskWindowSql(p, window.queueSid, 'postgres'),
        windowParams(window),
      );
      return (await all(pool, sql, params)).map(toTaskEvent);
    },
    async listActivity(window) {
      const { sql, params } = numbered(activityWindowSql, windowParams(window));
      return (await all(pool, sql, params)).map(toWorkerEvent);
    },
    async prune(before) {
      const sql = pruneSql(() => '$1');
      const tasks = await pool.query(sql.tasks, [before]);
      const workers = await pool.query(sql.workers, [before]);
      return (tasks.rowCount ?? 0) + (workers.rowCount ?? 0);
    },
  };
}
