/** SQLite: task and worker events, the record supervisors' figures are computed from. */
import type { Row } from '../rows.ts';
import {
  activityWindowSql,
  pruneSql,
  type TaskEventRepository,
  taskWindowSql,
  toTaskEvent,
  toWorkerEvent,
  windowParams,
} from '../task-events.ts';
import type { Deps } from './conversations.ts';

export function taskEventRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): TaskEventRepository {
  const insertTask = db.prepare(
    `INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertWorker = db.prepare(
    `INSERT INTO worker_events (worker_sid, activity, previous_activity, date_created)
     VALUES (?, ?, ?, ?)`,
  );
  const named = (name: string) => `@${name}`;
  return {
    async record(event) {
      insertTask.run(
        event.taskSid,
        event.kind,
        event.queueSid,
        event.workerSid,
        event.channelType,
        JSON.stringify(event.details ?? {}),
        event.dateCreated ?? clock().toISOString(),
      );
    },
    async recordActivity(event) {
      insertWorker.run(
        event.workerSid,
        event.activity,
        event.previousActivity,
        event.dateCreated ?? clock().toISOString(),
      );
    },
    async listForWindow(window) {
      const sql = taskWindowSql(named, window.queueSid);
      return (db.prepare(sql).all(windowParams(window)) as Row[]).map(toTaskEvent);
    },
    async listActivity(window) {
      const { since, until } = windowParams(window);
      const sql = activityWindowSql(named);
      return (db.prepare(sql).all({ since, until }) as Row[]).map(toWorkerEvent);
    },
    async prune(before) {
      const sql = pruneSql(named);
      return db.transaction(
        () => db.prepare(sql.tasks).run({ before }).changes + db.prepare(sql.workers).run({ before }).changes,
      )();
    },
  };
}
