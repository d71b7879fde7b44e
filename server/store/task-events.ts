/**
 * Task and worker events, shared by both engines: one row per step in a task's life (created,
 * offered, accepted, rejected, timed out, moved on, wrapping, completed, transferred,
 * canceled, rated) and one per change of a worker's activity. Supervisors' figures are
 * computed from these rows alone, so they survive restarts and read the same on every node.
 */
import type { Activity } from '../protocol.ts';
import type { Row } from './rows.ts';

export type TaskEventKind =
  | 'created'
  | 'reserved'
  | 'accepted'
  | 'rejected'
  | 'timeout'
  | 'retargeted'
  | 'wrapping'
  | 'completed'
  | 'transferred'
  | 'canceled'
  | 'rated';

export interface TaskEvent {
  seq: number;
  taskSid: string;
  kind: TaskEventKind;
  /** The queue the task was in when it happened. */
  queueSid: string;
  /** The worker the step concerns (offered to, accepted by, …); null when none. */
  workerSid: string | null;
  channelType: string;
  /** Small facts of the step: a reason, a rating's score, a reservation sid. */
  details: Record<string, unknown>;
  dateCreated: string;
}

export type NewTaskEvent = Omit<TaskEvent, 'seq' | 'dateCreated' | 'details'> & {
  details?: Record<string, unknown>;
  /** When it happened; the store's clock when left out. */
  dateCreated?: string;
};

export interface WorkerEvent {
  seq: number;
  workerSid: string;
  activity: Activity;
  /** The activity before the change; null for the worker's first recorded one. */
  previousActivity: Activity | null;
  dateCreated: string;
}

export type NewWorkerEvent = Omit<WorkerEvent, 'seq' | 'dateCreated'> & { dateCreated?: string };

/**
 * How far before a window a task may have been created and still be waiting in it: tasks
 * older than this that never ended (events lost to an erasure, say) are not counted.
 */
export const OPEN_TASK_HORIZON_MS = 7 * 24 * 3600 * 1000;

export interface TaskEventRepository {
  record(event: NewTaskEvent): Promise<void>;
  recordActivity(event: NewWorkerEvent): Promise<void>;
  /**
   * Every event before `until` of the tasks that had an event in [since, until), or that were
   * created before `since` (within the horizon) and had not ended by then; oldest first.
   * With `queueSid`, only tasks that were in that queue at some step.
   */
  listForWindow(window: { since: string; until: string; queueSid?: string }): Promise<TaskEvent[]>;
  /**
   * Activity changes in [since, until), each worker's last change before `since` first, so
   * the activity at the window's start is known; oldest first.
   */
  listActivity(window: { since: string; until: string }): Promise<WorkerEvent[]>;
  /**
   * Deletes task and worker events dated before `before`, but keeps each worker's last change
   * before it (the activity a later window starts from); returns how many were deleted.
   */
  prune(before: string): Promise<number>;
}

export const toTaskEvent = (r: Row): TaskEvent => ({
  seq: Number(r.seq),
  taskSid: r.task_sid,
  kind: r.kind,
  queueSid: r.queue_sid,
  workerSid: r.worker_sid,
  channelType: r.channel_type,
  details: JSON.parse(r.details),
  dateCreated: r.date_created,
});

export const toWorkerEvent = (r: Row): WorkerEvent => ({
  seq: Number(r.seq),
  workerSid: r.worker_sid,
  activity: r.activity,
  previousActivity: r.previous_activity,
  dateCreated: r.date_created,
});

/** A window's parameters by name; each engine turns them into its own placeholders. */
export function windowParams(window: { since: string; until: string; queueSid?: string }) {
  const horizon = new Date(Date.parse(window.since) - OPEN_TASK_HORIZON_MS).toISOString();
  return { since: window.since, until: window.until, horizon, queue: window.queueSid ?? '' };
}

export type WindowParam = keyof ReturnType<typeof windowParams>;

/**
 * The tasks of a window (see `listForWindow`); `p` names a parameter in the engine's own form.
 * Every part starts from an index and reads only the tasks that touch the window: those with an
 * event in it (the time index), and those created within the horizon before it and not ended
 * by its start (an end can only follow a creation, so only ends within the horizon are read),
 * so the cost follows the window, not the size of the table the figures are computed from.
 */
export function taskWindowSql(
  p: (name: WindowParam) => string,
  queueSid?: string,
  engine: 'sqlite' | 'postgres' = 'sqlite',
) {
  const until = p('until');
  // PostgreSQL's planner, not knowing how few tasks touch the window, would hash-join a scan
  // of the whole table; a LATERAL subquery it cannot flatten (OFFSET 0, LIMIT) makes it read
  // each task's events through the task index instead. SQLite probes that index by itself.
  const pg = engine === 'postgres';
  const inQueueJoin =
    queueSid && pg
      ? `CROSS JOIN LATERAL (SELECT 1 FROM task_events q
           WHERE q.task_sid = c.task_sid AND q.queue_sid = ${p('queue')} LIMIT 1) q`
      : '';
  const inQueueWhere =
    queueSid && !pg
      ? // By the task's index: the queue's would read every event of a busy queue per task.
        `WHERE EXISTS (SELECT 1 FROM task_events q INDEXED BY task_events_by_task
           WHERE q.task_sid = c.task_sid AND q.queue_sid = ${p('queue')})`
      : '';
  const events = pg
    ? `CROSS JOIN LATERAL (SELECT * FROM task_events e
         WHERE e.task_sid = c.task_sid AND e.date_created < ${until} OFFSET 0) t`
    : `JOIN task_events t ON t.task_sid = c.task_sid AND t.date_created < ${until}`;
  return `
    WITH touching AS (
      SELECT task_sid FROM task_events
      WHERE date_created >= ${p('since')} AND date_created < ${until}
      UNION
      SELECT o.task_sid FROM task_events o
      WHERE o.kind = 'created' AND o.date_created >= ${p('horizon')} AND o.date_created < ${p('since')}
        AND NOT EXISTS (
          SELECT 1 FROM task_events e
          WHERE e.task_sid = o.task_sid AND e.kind IN ('completed', 'transferred', 'canceled')
            AND e.date_created >= ${p('horizon')} AND e.date_created < ${p('since')})
    )
    SELECT t.* FROM touching c ${inQueueJoin} ${events} ${inQueueWhere}
    ORDER BY t.date_created, t.seq`;
}

/**
 * The activity changes of a window (see `listActivity`): the changes in it (the time index),
 * and for each worker the one change just before it, found by its own index in one step, so
 * the cost follows the window and the number of workers, not the table's size. Workers no
 * longer in the workers table have no timeline to draw, so their older changes are not read.
 */
export function activityWindowSql(p: (name: WindowParam) => string) {
  return `
    SELECT * FROM (
      SELECT w.* FROM worker_events w
      WHERE w.date_created >= ${p('since')} AND w.date_created < ${p('until')}
      UNION ALL
      SELECT w.* FROM worker_events w
      WHERE w.seq IN (
        SELECT (SELECT x.seq FROM worker_events x
                WHERE x.worker_sid = k.sid AND x.date_created < ${p('since')}
                ORDER BY x.date_created DESC, x.seq DESC LIMIT 1)
        FROM workers k)
    ) a
    ORDER BY date_created, seq`;
}

/** The statements of `prune`, with `p('before')` in the engine's own form. */
export function pruneSql(p: (name: 'before') => string) {
  return {
    tasks: `DELETE FROM task_events WHERE date_created < ${p('before')}`,
    workers: `
      DELETE FROM worker_events
      WHERE date_created < ${p('before')}
        AND seq NOT IN (
          SELECT (SELECT x.seq FROM worker_events x
                  WHERE x.worker_sid = k.worker_sid AND x.date_created < ${p('before')}
                  ORDER BY x.date_created DESC, x.seq DESC LIMIT 1)
          FROM (SELECT DISTINCT worker_sid FROM worker_events WHERE date_created < ${p('before')}) k)`,
  };
}
