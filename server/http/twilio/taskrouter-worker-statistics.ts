/**
 * TaskRouter statistics of the workers, in Twilio's shape: how many are in each activity now,
 * and over a window their offers (reserved, accepted, rejected…) and time in each activity.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound } from '../../errors.ts';
import { activityStatistics } from './taskrouter-figures.ts';
import { cumulativeRequest, statisticsReads, taskChannelOf } from './taskrouter-statistics-reads.ts';
import { Form } from './wire.ts';

export function workerStatisticsRouter(core: Core): Router {
  const { store } = core;
  const { common, workspaceUrl, asActivity, eligible, workersAndActivities, cumulative, workerDurations } =
    statisticsReads(core);
  const router = Router();

  async function workersRealTime(req: Request) {
    const { workers, activities } = await workersAndActivities();
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
  // The workspace-wide ones first, so "Statistics" is not read as a worker sid.
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
    const { activities } = await workersAndActivities();
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
