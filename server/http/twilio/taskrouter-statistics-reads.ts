/**
 * What TaskRouter statistics read, shared by the workspace's, the queues' and the workers'
 * routes: a cumulative request's window (`Minutes`, default 15, or `StartDate`/`EndDate`, at
 * most 72 hours, as the supervisors' figures), the open tasks, the workers a queue targets,
 * and the window's task and activity events turned into Twilio's figures.
 */
import type { Request } from 'express';
import { MAX_FIGURE_HOURS } from '../../core/figures.ts';
import type { Core } from '../../core/index.ts';
import { compileExpression } from '../../core/routing/expression.ts';
import { workerView as coreWorkerView } from '../../core/routing/views.ts';
import { ParleyError } from '../../errors.ts';
import type { TaskEvent, TaskQueue, Worker } from '../../store/types.ts';
import {
  activityDurations,
  activitySeconds,
  cumulativeTasks,
  OPEN_STATUSES,
  type Window,
  type WorkerActivity,
} from './taskrouter-figures.ts';
import { WORKSPACE_SID, workerActivitySid } from './taskrouter-views.ts';
import { accountSidOf, baseUrlOf, type Form, twilioDate } from './wire.ts';

const invalid = (field: string, message: string) =>
  new ParleyError('invalid_request', `query.${field}: ${message}`, 400);

/** `Minutes`, or `StartDate` and `EndDate` (ISO 8601), of a cumulative request. */
function windowOf(form: Form, now: Date): Window {
  const minutes = form.integer('Minutes');
  const start = form.date('StartDate');
  const end = form.date('EndDate');
  const until = Math.min(end ?? now.getTime(), now.getTime());
  if (minutes !== undefined && start !== undefined)
    throw invalid('Minutes', 'give Minutes or StartDate, not both');
  if (minutes !== undefined && minutes < 1) throw invalid('Minutes', 'expected 1 or more');
  const since = start ?? until - (minutes ?? 15) * 60_000;
  if (since >= until) throw invalid('StartDate', 'must be before EndDate (and before now)');
  if (until - since > MAX_FIGURE_HOURS * 3_600_000)
    throw invalid(start ? 'StartDate' : 'Minutes', `the window is at most ${MAX_FIGURE_HOURS} hours`);
  return { since, until };
}

/** `SplitByWaitTime`: comma-separated seconds. */
function splitOf(form: Form): number[] | undefined {
  const value = form.string('SplitByWaitTime');
  if (value === undefined) return undefined;
  const limits = value.split(',').map((s) => s.trim());
  if (!limits.every((s) => /^\d+$/.test(s)))
    throw invalid('SplitByWaitTime', `expected seconds separated by commas, e.g. 5,30,60; got "${value}"`);
  return limits.map(Number);
}

/** `TaskChannel` is accepted for Twilio's sake: Parley routes one channel, chat. */
export function taskChannelOf(form: Form) {
  const channel = form.string('TaskChannel');
  if (channel !== undefined && !['chat', 'default'].includes(channel))
    throw invalid('TaskChannel', 'Parley routes chats; use "chat" or leave it out');
}

/** The window (and wait-time splits) a cumulative request asks for; refuses anything else. */
export function cumulativeRequest(form: Form, splits = true) {
  const window = windowOf(form, new Date());
  const splitByWaitTime = splits ? splitOf(form) : undefined;
  taskChannelOf(form);
  form.done();
  return { window, splitByWaitTime };
}
export type CumulativeRequest = ReturnType<typeof cumulativeRequest>;

export type StatisticsReads = ReturnType<typeof statisticsReads>;

export function statisticsReads(core: Core) {
  const { store, routing } = core;
  const eventsOf = ({ since, until }: Window, queueSid?: string) =>
    store.taskEvents.listForWindow({
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      ...(queueSid && { queueSid }),
    });
  return {
    common: (req: Request) => ({ account_sid: accountSidOf(req), workspace_sid: WORKSPACE_SID }),
    workspaceUrl: (req: Request) => `${baseUrlOf(req)}/v1/Workspaces/${WORKSPACE_SID}`,
    openTasks: async (queueSid?: string) =>
      (
        await Promise.all(
          OPEN_STATUSES.map((status) => store.tasks.list(queueSid ? { status, queueSid } : { status })),
        )
      ).flat(),
    asActivity(worker: Worker): WorkerActivity {
      const view = coreWorkerView(worker);
      return {
        sid: worker.sid,
        activitySid: workerActivitySid(view),
        available: view.activity === 'Available',
      };
    },
    /** The workers a queue targets; an expression that no longer parses targets nobody. */
    eligible(queue: TaskQueue, workers: Worker[]) {
      let matches: (scope: { root: Record<string, unknown>; worker: Record<string, unknown> }) => boolean;
      try {
        matches = compileExpression(queue.targetWorkers) as typeof matches;
      } catch {
        return [];
      }
      return workers.filter((w) => !w.disabled && matches({ root: w.attributes, worker: w.attributes }));
    },
    /** Workers and activities, read once for however many queues a request shows. */
    async workersAndActivities() {
      const [workers, activities] = await Promise.all([store.workers.list(), routing.activities.list()]);
      return { workers, activities };
    },
    eventsOf,
    /** `events`, when given, are the window's events of every queue (a list of queues reads them once). */
    async cumulative(
      { window, splitByWaitTime }: CumulativeRequest,
      filter: { queueSid?: string; workerSid?: string } = {},
      events?: TaskEvent[],
    ) {
      const {
        tasks_entered,
        wait_duration_in_queue_until_accepted,
        tasks_created,
        tasks_timed_out_in_workflow,
        ...shared
      } = cumulativeTasks(events ?? (await eventsOf(window, filter.queueSid)), window, {
        ...filter,
        splitByWaitTime,
      });
      return {
        start_time: twilioDate(new Date(window.since).toISOString()),
        end_time: twilioDate(new Date(window.until).toISOString()),
        ...shared,
        // A queue counts the tasks that entered it; the workspace, those created in it.
        ...(filter.queueSid
          ? { tasks_entered, wait_duration_in_queue_until_accepted }
          : { tasks_created, tasks_timed_out_in_workflow }),
      };
    },
    /** Each activity's spread of the workers' time in it over the window. */
    async workerDurations(window: Window, workerSids: string[]) {
      const [events, activities] = await Promise.all([
        store.taskEvents.listActivity({
          since: new Date(window.since).toISOString(),
          until: new Date(window.until).toISOString(),
        }),
        routing.activities.list(),
      ]);
      return activityDurations(activities, activitySeconds(events, window), workerSids);
    },
  };
}
