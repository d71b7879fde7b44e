/**
 * TaskRouter statistics under the workspace, in Twilio's shape: the workspace's, each
 * TaskQueue's (and all queues' as a list), the workers' and one worker's; real-time from the
 * open tasks and workers now, cumulative from the task and worker events of a window (`Minutes`,
 * default 15, or `StartDate`/`EndDate`, at most 72 hours, as the supervisors' figures).
 */
import { type Request, Router } from 'express';
import { MAX_FIGURE_HOURS } from '../../core/figures.ts';
import type { Core } from '../../core/index.ts';
import { compileExpression } from '../../core/routing/expression.ts';
import { workerView as coreWorkerView } from '../../core/routing/views.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { TaskEvent, TaskQueue, Worker } from '../../store/types.ts';
import {
  activityDurations,
  activitySeconds,
  activityStatistics,
  cumulativeTasks,
  OPEN_STATUSES,
  realTimeTasks,
  type Window,
  type WorkerActivity,
} from './taskrouter-figures.ts';
import { WORKSPACE_SID, workerActivitySid } from './taskrouter-views.ts';
import { accountSidOf, baseUrlOf, Form, pageOf, pageRequest, twilioDate } from './wire.ts';

const invalid = (field: string, message: string) =>
  new ParleyError('invalid_request', `query.${field}: ${message}`, 400);

/** `Minutes`, or `StartDate` and `EndDate` (ISO 8601), of a cumulative request. */
function windowOf(form: Form, now: Date): Window {
  const minutes = form.integer('Minutes');
  const start = form.string('StartDate');
  const end = form.string('EndDate');
  const date = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw invalid(name, `expected an ISO 8601 date, e.g. 2026-05-01T12:00:00Z, got "${value}"`);
    return ms;
  };
  const until = Math.min(date('EndDate', end) ?? now.getTime(), now.getTime());
  if (minutes !== undefined && start !== undefined)
    throw invalid('Minutes', 'give Minutes or StartDate, not both');
  if (minutes !== undefined && minutes < 1) throw invalid('Minutes', 'expected 1 or more');
  const since = date('StartDate', start) ?? until - (minutes ?? 15) * 60_000;
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
function taskChannelOf(form: Form) {
  const channel = form.string('TaskChannel');
  if (channel !== undefined && !['chat', 'default'].includes(channel))
    throw invalid('TaskChannel', 'Parley routes chats; use "chat" or leave it out');
}

export function statisticsRouter(core: Core): Router {
  const { store, routing } = core;
  // The core keeps its clock to itself; the rest of this surface reads the time the same way.
  const clock = () => new Date();
  const router = Router();
  const common = (req: Request) => ({ account_sid: accountSidOf(req), workspace_sid: WORKSPACE_SID });
  const workspaceUrl = (req: Request) => `${baseUrlOf(req)}/v1/Workspaces/${WORKSPACE_SID}`;

  const openTasks = async (queueSid?: string) =>
    (
      await Promise.all(
        OPEN_STATUSES.map((status) => store.tasks.list(queueSid ? { status, queueSid } : { status })),
      )
    ).flat();
  const asActivity = (worker: Worker): WorkerActivity => {
    const view = coreWorkerView(worker);
    return {
      sid: worker.sid,
      activitySid: workerActivitySid(view),
      available: view.activity === 'Available',
    };
  };
  /** The workers a queue targets; an expression that no longer parses targets nobody. */
  function eligible(queue: TaskQueue, workers: Worker[]) {
    let matches: (scope: { root: Record<string, unknown>; worker: Record<string, unknown> }) => boolean;
    try {
      matches = compileExpression(queue.targetWorkers) as typeof matches;
    } catch {
      return [];
    }
    return workers.filter((w) => !w.disabled && matches({ root: w.attributes, worker: w.attributes }));
  }
  const getQueue = async (sid: string) => {
    const queue = await store.queues.get(sid);
    if (!queue) throw notFound('TaskQueue', sid);
    return queue;
  };

  async function workspaceRealTime(req: Request) {
    const [tasks, workers, activities] = await Promise.all([
      openTasks(),
      store.workers.list(),
      routing.activities.list(),
    ]);
    return {
      ...common(req),
      ...realTimeTasks(tasks, clock()),
      activity_statistics: activityStatistics(activities, workers.map(asActivity)),
      total_workers: workers.length,
      url: `${workspaceUrl(req)}/RealTimeStatistics`,
    };
  }
  /** Workers and activities, read once for however many queues a request shows. */
  const workersAndActivities = async () => {
    const [workers, activities] = await Promise.all([store.workers.list(), routing.activities.list()]);
    return { workers, activities };
  };
  async function queueRealTime(
    req: Request,
    queue: TaskQueue,
    shared?: Awaited<ReturnType<typeof workersAndActivities>>,
  ) {
    const { workers, activities } = shared ?? (await workersAndActivities());
    const tasks = await openTasks(queue.sid);
    const targeted = eligible(queue, workers).map(asActivity);
    const { longest_task_waiting_age, longest_task_waiting_sid, ...figures } = realTimeTasks(tasks, clock());
    return {
      ...common(req),
      task_queue_sid: queue.sid,
      ...figures,
      longest_task_waiting_age,
      longest_task_waiting_sid,
      // Parley keeps no separate time of entering a queue: a task's age counts from its creation.
      longest_relative_task_age_in_queue: longest_task_waiting_age,
      longest_relative_task_sid_in_queue: longest_task_waiting_sid,
      activity_statistics: activityStatistics(activities, targeted),
      total_available_workers: targeted.filter((w) => w.available).length,
      total_eligible_workers: targeted.length,
      url: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/RealTimeStatistics`,
    };
  }
  /** The window (and wait-time splits) a cumulative request asks for; refuses anything else. */
  function cumulativeRequest(form: Form, splits = true) {
    const window = windowOf(form, clock());
    const splitByWaitTime = splits ? splitOf(form) : undefined;
    taskChannelOf(form);
    form.done();
    return { window, splitByWaitTime };
  }
  const eventsOf = ({ since, until }: Window, queueSid?: string) =>
    store.taskEvents.listForWindow({
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      ...(queueSid && { queueSid }),
    });
  /** `events`, when given, are the window's events of every queue (a list of queues reads them once). */
  async function cumulative(
    { window, splitByWaitTime }: ReturnType<typeof cumulativeRequest>,
    filter: { queueSid?: string; workerSid?: string } = {},
    events?: TaskEvent[],
  ) {
    events ??= await eventsOf(window, filter.queueSid);
    const {
      tasks_entered,
      wait_duration_in_queue_until_accepted,
      tasks_created,
      tasks_timed_out_in_workflow,
      ...shared
    } = cumulativeTasks(events, window, { ...filter, splitByWaitTime });
    return {
      start_time: twilioDate(new Date(window.since).toISOString()),
      end_time: twilioDate(new Date(window.until).toISOString()),
      ...shared,
      // A queue counts the tasks that entered it; the workspace, those created in it.
      ...(filter.queueSid
        ? { tasks_entered, wait_duration_in_queue_until_accepted }
        : { tasks_created, tasks_timed_out_in_workflow }),
    };
  }
  async function workerDurations(window: Window, workerSids: string[]) {
    const [events, activities] = await Promise.all([
      store.taskEvents.listActivity({
        since: new Date(window.since).toISOString(),
        until: new Date(window.until).toISOString(),
      }),
      routing.activities.list(),
    ]);
    return activityDurations(activities, activitySeconds(events, window), workerSids);
  }

  // Workspace
  router.get('/RealTimeStatistics', async (req, res) => {
    const form = Form.query(req);
    taskChannelOf(form);
    form.done();
    res.json(await workspaceRealTime(req));
  });
  router.get('/CumulativeStatistics', async (req, res) => {
    res.json({
      ...common(req),
      ...(await cumulative(cumulativeRequest(Form.query(req)))),
      url: `${workspaceUrl(req)}/CumulativeStatistics`,
    });
  });
  router.get('/Statistics', async (req, res) => {
    const request = cumulativeRequest(Form.query(req));
    const { account_sid, workspace_sid, url: _r, ...realtime } = await workspaceRealTime(req);
    res.json({
      account_sid,
      workspace_sid,
      realtime,
      cumulative: await cumulative(request),
      url: `${workspaceUrl(req)}/Statistics`,
    });
  });

  // TaskQueues: the list first, so "Statistics" is not read as a queue sid.
  router.get('/TaskQueues/Statistics', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    const request = cumulativeRequest(form);
    const queues = (await store.queues.list()).filter(
      (q) => !friendlyName || q.friendlyName === friendlyName,
    );
    // Only the page's queues are computed: each costs its open tasks' reads; the rest is shared.
    const shown = pageOf(req, 'task_queues_statistics', queues, page, (q) => q);
    const items = [];
    const shared = await workersAndActivities();
    const events = await eventsOf(request.window);
    for (const queue of shown.task_queues_statistics as TaskQueue[]) {
      const { account_sid, workspace_sid, url: _r, ...realtime } = await queueRealTime(req, queue, shared);
      const figures = await cumulative(request, { queueSid: queue.sid }, events);
      items.push({ account_sid, workspace_sid, task_queue_sid: queue.sid, realtime, cumulative: figures });
    }
    res.json({ ...shown, task_queues_statistics: items });
  });
  router.get('/TaskQueues/:sid/RealTimeStatistics', async (req, res) => {
    const form = Form.query(req);
    taskChannelOf(form);
    form.done();
    res.json(await queueRealTime(req, await getQueue(req.params.sid)));
  });
  router.get('/TaskQueues/:sid/CumulativeStatistics', async (req, res) => {
    const queue = await getQueue(req.params.sid);
    res.json({
      ...common(req),
      task_queue_sid: queue.sid,
      ...(await cumulative(cumulativeRequest(Form.query(req)), { queueSid: queue.sid })),
      url: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/CumulativeStatistics`,
    });
  });
  router.get('/TaskQueues/:sid/Statistics', async (req, res) => {
    const request = cumulativeRequest(Form.query(req));
    const queue = await getQueue(req.params.sid);
    const { account_sid, workspace_sid, url: _r, ...realtime } = await queueRealTime(req, queue);
    res.json({
      account_sid,
      workspace_sid,
      task_queue_sid: queue.sid,
      realtime,
      cumulative: await cumulative(request, { queueSid: queue.sid }),
      url: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/Statistics`,
    });
  });

  // Workers: the workspace-wide ones first, so "Statistics" is not read as a worker sid.
  async function workersRealTime(req: Request) {
    const [workers, activities] = await Promise.all([store.workers.list(), routing.activities.list()]);
    return {
      ...common(req),
      activity_statistics: activityStatistics(activities, workers.map(asActivity)),
      total_workers: workers.length,
      url: `${workspaceUrl(req)}/Workers/RealTimeStatistics`,
    };
  }
  async function workersCumulative(form: Form, workerSids: string[], workerSid?: string) {
    const request = cumulativeRequest(form, false);
    const figures = await cumulative(request, workerSid ? { workerSid } : {});
    return {
      start_time: figures.start_time,
      end_time: figures.end_time,
      activity_durations: await workerDurations(request.window, workerSids),
      reservations_created: figures.reservations_created,
      reservations_accepted: figures.reservations_accepted,
      reservations_rejected: figures.reservations_rejected,
      reservations_timed_out: figures.reservations_timed_out,
      reservations_canceled: figures.reservations_canceled,
      reservations_rescinded: figures.reservations_rescinded,
    };
  }
  router.get('/Workers/RealTimeStatistics', async (req, res) => {
    const form = Form.query(req);
    taskChannelOf(form);
    form.done();
    res.json(await workersRealTime(req));
  });
  router.get('/Workers/CumulativeStatistics', async (req, res) => {
    const sids = (await store.workers.list()).map((w) => w.sid);
    res.json({
      ...common(req),
      ...(await workersCumulative(Form.query(req), sids)),
      url: `${workspaceUrl(req)}/Workers/CumulativeStatistics`,
    });
  });
  router.get('/Workers/Statistics', async (req, res) => {
    const form = Form.query(req);
    // Twilio's filters of the workers counted: by queue or by name.
    const queueSid = form.string('TaskQueueSid');
    const queueName = form.string('TaskQueueName');
    const friendlyName = form.string('FriendlyName');
    let workers = await store.workers.list();
    if (queueSid || queueName) {
      const queue = (await store.queues.list()).find(
        (q) => q.sid === queueSid || q.friendlyName === queueName,
      );
      if (!queue) throw notFound('TaskQueue', queueSid ?? queueName ?? '');
      workers = eligible(queue, workers);
    }
    if (friendlyName) workers = workers.filter((w) => w.friendlyName === friendlyName);
    const activities = await routing.activities.list();
    const { account_sid, workspace_sid } = common(req);
    res.json({
      account_sid,
      workspace_sid,
      realtime: {
        activity_statistics: activityStatistics(activities, workers.map(asActivity)),
        total_workers: workers.length,
      },
      cumulative: await workersCumulative(
        form,
        workers.map((w) => w.sid),
      ),
      url: `${workspaceUrl(req)}/Workers/Statistics`,
    });
  });
  router.get('/Workers/:sid/Statistics', async (req, res) => {
    const worker = await store.workers.get(req.params.sid);
    if (!worker) throw notFound('Worker', req.params.sid);
    res.json({
      ...common(req),
      worker_sid: worker.sid,
      cumulative: await workersCumulative(Form.query(req), [worker.sid], worker.sid),
      url: `${workspaceUrl(req)}/Workers/${worker.sid}/Statistics`,
    });
  });
  return router;
}
