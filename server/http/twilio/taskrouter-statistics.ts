/**
 * TaskRouter statistics of the workspace and its TaskQueues (one, or all as a list), in
 * Twilio's shape: real-time from the open tasks and the workers now, cumulative from the task
 * events of a window (taskrouter-statistics-reads.ts). The workers' are in
 * taskrouter-worker-statistics.ts.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound } from '../../errors.ts';
import type { TaskQueue } from '../../store/types.ts';
import { activityStatistics, realTimeTasks } from './taskrouter-figures.ts';
import { cumulativeRequest, statisticsReads, taskChannelOf } from './taskrouter-statistics-reads.ts';
import { Form, pageOf, pageRequest } from './wire.ts';

export function statisticsRouter(core: Core): Router {
  const { store } = core;
  const reads = statisticsReads(core);
  const { common, workspaceUrl, openTasks, asActivity, eligible, workersAndActivities, cumulative } = reads;
  const router = Router();
  const getQueue = async (sid: string) => {
    const queue = await store.queues.get(sid);
    if (!queue) throw notFound('TaskQueue', sid);
    return queue;
  };

  async function workspaceRealTime(req: Request) {
    const [tasks, { workers, activities }] = await Promise.all([openTasks(), workersAndActivities()]);
    return {
      ...common(req),
      ...realTimeTasks(tasks, new Date()),
      activity_statistics: activityStatistics(activities, workers.map(asActivity)),
      total_workers: workers.length,
      url: `${workspaceUrl(req)}/RealTimeStatistics`,
    };
  }
  async function queueRealTime(
    req: Request,
    queue: TaskQueue,
    shared?: Awaited<ReturnType<typeof workersAndActivities>>,
  ) {
    const { workers, activities } = shared ?? (await workersAndActivities());
    const tasks = await openTasks(queue.sid);
    const targeted = eligible(queue, workers).map(asActivity);
    const { longest_task_waiting_age, longest_task_waiting_sid, ...figures } = realTimeTasks(
      tasks,
      new Date(),
    );
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
    const events = await reads.eventsOf(request.window);
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
  return router;
}
