/**
 * TaskRouter statistics in Twilio's shape from task and worker events: what counts in a
 * window, for a queue and for a worker, and how long tasks waited.
 */
import { describe, expect, it } from 'vitest';
import {
  activityDurations,
  activitySeconds,
  cumulativeTasks,
  realTimeTasks,
} from '../../server/http/twilio/taskrouter-figures.ts';
import type { Task, TaskEvent, TaskEventKind, WorkerEvent } from '../../server/store/types.ts';

const T0 = Date.parse('2026-05-01T12:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let seq = 0;
const event = (
  taskSid: string,
  kind: TaskEventKind,
  seconds: number,
  extra: Partial<TaskEvent> = {},
): TaskEvent => ({
  seq: ++seq,
  taskSid,
  kind,
  queueSid: 'WQ1',
  workerSid: null,
  channelType: 'web',
  details: {},
  dateCreated: at(seconds),
  ...extra,
});
const hour = { since: T0, until: T0 + 3_600_000 };

describe('cumulative task statistics', () => {
  const events = [
    // Offered to Ann, declined, then accepted by Bo 40 s after it was created.
    event('WT1', 'created', 0),
    event('WT1', 'reserved', 1, { workerSid: 'WKann' }),
    event('WT1', 'rejected', 5, { workerSid: 'WKann' }),
    event('WT1', 'reserved', 6, { workerSid: 'WKbo' }),
    event('WT1', 'accepted', 40, { workerSid: 'WKbo' }),
    event('WT1', 'completed', 400, { workerSid: 'WKbo' }),
    // Canceled while offered to Ann, after 10 s.
    event('WT2', 'created', 100),
    event('WT2', 'reserved', 101, { workerSid: 'WKann' }),
    event('WT2', 'canceled', 110, { workerSid: 'WKann', details: { reason: 'duplicate' } }),
    // Moved to another queue, then timed out there.
    event('WT3', 'created', 200),
    event('WT3', 'retargeted', 230, { queueSid: 'WQ2' }),
    event('WT3', 'canceled', 4000, { queueSid: 'WQ2', details: { reason: 'Task TTL Exceeded' } }),
  ];

  it('counts tasks and offers of the window and the waits until accepted and canceled', () => {
    expect(cumulativeTasks(events, hour)).toMatchObject({
      tasks_created: 3,
      tasks_completed: 1,
      tasks_canceled: 1,
      tasks_moved: 1,
      tasks_timed_out_in_workflow: 0,
      reservations_created: 3,
      reservations_accepted: 1,
      reservations_rejected: 1,
      reservations_canceled: 1,
      avg_task_acceptance_time: 40,
      wait_duration_until_accepted: { avg: 40, min: 40, max: 40, total: 40 },
      wait_duration_until_canceled: { avg: 10, min: 10, max: 10, total: 10 },
      split_by_wait_time: null,
    });
  });

  it('counts what happened after the window in a later one only', () => {
    const later = { since: T0 + 3_600_000, until: T0 + 7_200_000 };
    expect(cumulativeTasks(events, later)).toMatchObject({
      tasks_created: 0,
      tasks_canceled: 1,
      tasks_timed_out_in_workflow: 1,
      wait_duration_until_canceled: { max: 3800 },
    });
  });

  it("counts a queue's own steps: tasks that entered it and their wait there", () => {
    expect(cumulativeTasks(events, hour, { queueSid: 'WQ2' })).toMatchObject({
      tasks_entered: 1,
      tasks_created: 0,
      tasks_moved: 1,
    });
    expect(cumulativeTasks(events, hour, { queueSid: 'WQ1' })).toMatchObject({
      tasks_entered: 3,
      wait_duration_in_queue_until_accepted: { avg: 40 },
    });
  });

  it("counts a worker's own offers", () => {
    expect(cumulativeTasks(events, hour, { workerSid: 'WKann' })).toMatchObject({
      reservations_created: 2,
      reservations_rejected: 1,
      reservations_accepted: 0,
      reservations_canceled: 1,
    });
  });

  it('splits accepted and canceled tasks by how long they waited', () => {
    expect(cumulativeTasks(events, hour, { splitByWaitTime: [30] }).split_by_wait_time).toEqual({
      '30': {
        above: { tasks_canceled: 0, reservations_accepted: 1 },
        below: { tasks_canceled: 1, reservations_accepted: 0 },
      },
    });
  });
});

describe('real-time task statistics', () => {
  const task = (sid: string, status: Task['status'], seconds: number, priority = 0) =>
    ({ sid, status, priority, dateCreated: at(seconds) }) as Task;

  it('counts open tasks by status and priority and names the one waiting longest', () => {
    const now = new Date(T0 + 100_000);
    const figures = realTimeTasks(
      [task('WTa', 'assigned', 0), task('WTb', 'reserved', 30, 5), task('WTc', 'pending', 50, 5)],
      now,
    );
    expect(figures).toEqual({
      tasks_by_status: { pending: 1, reserved: 1, assigned: 1, wrapping: 0 },
      tasks_by_priority: { '0': 1, '5': 2 },
      total_tasks: 3,
      longest_task_waiting_age: 70,
      longest_task_waiting_sid: 'WTb',
    });
    expect(realTimeTasks([], now)).toMatchObject({
      longest_task_waiting_age: 0,
      longest_task_waiting_sid: null,
    });
  });
});

describe('time in each activity', () => {
  it("counts each worker's time in each activity within the window, from the change before it", () => {
    const change = (workerSid: string, activity: WorkerEvent['activity'], seconds: number): WorkerEvent => ({
      seq: ++seq,
      workerSid,
      activity,
      previousActivity: null,
      dateCreated: at(seconds),
    });
    const window = { since: T0, until: T0 + 600_000 };
    const seconds = activitySeconds(
      [change('WKann', 'Available', -300), change('WKann', 'Offline', 200), change('WKbo', 'Available', 500)],
      window,
    );
    expect(Object.fromEntries(seconds.get('WKann') ?? [])).toEqual({ Available: 200, Offline: 400 });
    const activities = ['Available', 'Offline'].map((name) => ({ sid: `WA${name}`, friendlyName: name }));
    expect(activityDurations(activities, seconds, ['WKann', 'WKbo'])).toEqual([
      { sid: 'WAAvailable', friendly_name: 'Available', avg: 150, min: 100, max: 200, total: 300 },
      { sid: 'WAOffline', friendly_name: 'Offline', avg: 200, min: 0, max: 400, total: 400 },
    ]);
  });
});
