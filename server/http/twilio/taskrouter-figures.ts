/**
 * TaskRouter statistics in Twilio's shape, computed from what routing already keeps: the open
 * tasks and the workers' activities now (real-time), and the stored task and worker events of
 * a window (cumulative, as the supervisors' figures are). Pure functions over those records;
 * the router reads them from the store with bounded queries.
 */
import type { ActivityView } from '../../core/routing/activities.ts';
import { groupBy } from '../../group-by.ts';
import type { TaskStatus } from '../../protocol.ts';
import type { Task, TaskEvent, WorkerEvent } from '../../store/types.ts';

/** The statuses of a task still in the workspace: what real-time statistics count. */
export const OPEN_STATUSES: TaskStatus[] = ['pending', 'reserved', 'assigned', 'wrapping'];

/** A worker as statistics see it: which activity it is in. */
export interface WorkerActivity {
  sid: string;
  activitySid: string;
  available: boolean;
}

/** `{ friendly_name, sid, workers }` for every activity, the workers counted in each. */
export function activityStatistics(activities: ActivityView[], workers: WorkerActivity[]) {
  return activities.map((a) => ({
    friendly_name: a.friendlyName,
    sid: a.sid,
    workers: workers.filter((w) => w.activitySid === a.sid).length,
  }));
}

/** The open tasks now: counts by status and priority, and the one waiting longest. */
export function realTimeTasks(tasks: Task[], now: Date) {
  const byStatus = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  const byPriority: Record<string, number> = {};
  let oldest: Task | null = null;
  for (const task of tasks) {
    byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
    byPriority[String(task.priority)] = (byPriority[String(task.priority)] ?? 0) + 1;
    const waiting = task.status === 'pending' || task.status === 'reserved';
    if (waiting && (!oldest || task.dateCreated < oldest.dateCreated)) oldest = task;
  }
  const age = oldest ? Math.max(0, Math.floor((now.getTime() - Date.parse(oldest.dateCreated)) / 1000)) : 0;
  return {
    tasks_by_status: byStatus,
    tasks_by_priority: byPriority,
    total_tasks: tasks.length,
    longest_task_waiting_age: age,
    longest_task_waiting_sid: oldest?.sid ?? null,
  };
}

/** `{ avg, min, max, total }` in whole seconds, as Twilio gives durations; zeros when none. */
export function duration(seconds: number[]) {
  if (seconds.length === 0) return { avg: 0, min: 0, max: 0, total: 0 };
  const total = seconds.reduce((a, b) => a + b, 0);
  return {
    avg: Math.round(total / seconds.length),
    min: Math.round(Math.min(...seconds)),
    max: Math.round(Math.max(...seconds)),
    total: Math.round(total),
  };
}

export interface Window {
  since: number;
  until: number;
}

/** The task-event counts and waits of a window, from the events `listForWindow` returns. */
export function cumulativeTasks(
  events: TaskEvent[],
  { since, until }: Window,
  options: { queueSid?: string; workerSid?: string; splitByWaitTime?: number[] } = {},
) {
  const counts = {
    reservations_created: 0,
    reservations_accepted: 0,
    reservations_rejected: 0,
    reservations_timed_out: 0,
    reservations_canceled: 0,
    reservations_rescinded: 0,
    tasks_created: 0,
    tasks_canceled: 0,
    tasks_completed: 0,
    tasks_deleted: 0,
    tasks_moved: 0,
    tasks_entered: 0,
    tasks_timed_out_in_workflow: 0,
  };
  const acceptedWaits: number[] = [];
  const inQueueWaits: number[] = [];
  const canceledWaits: number[] = [];
  const byTask = groupBy(events, (event) => event.taskSid);
  for (const taskEvents of byTask.values()) {
    let created: number | null = null;
    let entered: number | null = null;
    let offered = false;
    for (const event of taskEvents) {
      const at = Date.parse(event.dateCreated);
      if (event.kind === 'created') created = entered = at;
      if (event.kind === 'retargeted') entered = at;
      const counted =
        at >= since &&
        at < until &&
        (!options.queueSid || event.queueSid === options.queueSid) &&
        (!options.workerSid || event.workerSid === options.workerSid);
      if (counted) {
        const waited = created === null ? null : (at - created) / 1000;
        switch (event.kind) {
          case 'created':
            counts.tasks_created++;
            counts.tasks_entered++;
            break;
          case 'retargeted':
            counts.tasks_moved++;
            counts.tasks_entered++;
            if (offered) counts.reservations_rescinded++;
            break;
          case 'reserved':
            counts.reservations_created++;
            break;
          case 'accepted':
            counts.reservations_accepted++;
            if (waited !== null) acceptedWaits.push(waited);
            if (entered !== null) inQueueWaits.push((at - entered) / 1000);
            break;
          case 'rejected':
            counts.reservations_rejected++;
            break;
          case 'timeout':
            counts.reservations_timed_out++;
            break;
          case 'completed':
            counts.tasks_completed++;
            break;
          case 'canceled':
            counts.tasks_canceled++;
            if (offered) counts.reservations_canceled++;
            if (event.details.reason === 'deleted') counts.tasks_deleted++;
            if (event.details.reason === 'Task TTL Exceeded') counts.tasks_timed_out_in_workflow++;
            if (waited !== null) canceledWaits.push(waited);
            break;
        }
      }
      // An offer is open from `reserved` until it is answered or the task moves or ends.
      offered = event.kind === 'reserved';
    }
  }
  const split = options.splitByWaitTime?.length
    ? Object.fromEntries(
        options.splitByWaitTime.map((limit) => [
          String(limit),
          {
            above: {
              tasks_canceled: canceledWaits.filter((w) => w > limit).length,
              reservations_accepted: acceptedWaits.filter((w) => w > limit).length,
            },
            below: {
              tasks_canceled: canceledWaits.filter((w) => w <= limit).length,
              reservations_accepted: acceptedWaits.filter((w) => w <= limit).length,
            },
          },
        ]),
      )
    : null;
  return {
    ...counts,
    avg_task_acceptance_time: duration(acceptedWaits).avg,
    wait_duration_until_accepted: duration(acceptedWaits),
    wait_duration_until_canceled: duration(canceledWaits),
    wait_duration_in_queue_until_accepted: duration(inQueueWaits),
    split_by_wait_time: split,
  };
}

/**
 * Seconds each worker spent in each built-in activity within the window, from the activity
 * changes `listActivity` returns (each worker's last change before the window first).
 */
export function activitySeconds(events: WorkerEvent[], { since, until }: Window) {
  const byWorker = new Map<string, Map<string, number>>();
  const current = new Map<string, { activity: string; from: number }>();
  const add = (worker: string, activity: string, from: number, to: number) => {
    const seconds = (Math.min(to, until) - Math.max(from, since)) / 1000;
    if (seconds <= 0) return;
    const totals = byWorker.get(worker) ?? new Map<string, number>();
    totals.set(activity, (totals.get(activity) ?? 0) + seconds);
    byWorker.set(worker, totals);
  };
  for (const event of events) {
    const at = Date.parse(event.dateCreated);
    const before = current.get(event.workerSid);
    if (before) add(event.workerSid, before.activity, before.from, at);
    current.set(event.workerSid, { activity: event.activity, from: at });
  }
  for (const [worker, { activity, from }] of current) add(worker, activity, from, until);
  return byWorker;
}

/** Twilio's `activity_durations`: per activity, the spread of the workers' time in it. */
export function activityDurations(
  activities: { sid: string; friendlyName: string }[],
  seconds: Map<string, Map<string, number>>,
  workerSids: string[],
) {
  return activities.map((a) => ({
    sid: a.sid,
    friendly_name: a.friendlyName,
    ...duration(workerSids.map((w) => seconds.get(w)?.get(a.friendlyName) ?? 0)),
  }));
}
