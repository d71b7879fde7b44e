/**
 * TaskRouter in Twilio's shape, under `/v1/Workspaces`: the one workspace, its activities,
 * Workers, TaskQueues, Workflows, Tasks (taskrouter-tasks.ts) and their Reservations, over
 * Parley's routing core.
 */
import { Router } from 'express';
import type { Core } from '../../core/index.ts';
import { resolveActivity } from '../../core/routing/activities.ts';
import { workerView as coreWorkerView } from '../../core/routing/views.ts';
import { notFound } from '../../errors.ts';
import { parse } from '../../schemas.ts';
import { schemas } from '../schemas.ts';
import { channelsRouter } from './taskrouter-channels.ts';
import { reservationsRouter } from './taskrouter-reservations.ts';
import { statisticsRouter } from './taskrouter-statistics.ts';
import { tasksRouter } from './taskrouter-tasks.ts';
import {
  activityView,
  taskQueueView,
  WORKSPACE_SID,
  workerActivitySid,
  workerView,
  workflowView,
  workspaceDates,
  workspaceView,
} from './taskrouter-views.ts';
import { workerStatisticsRouter } from './taskrouter-worker-statistics.ts';
import { Form, given, pageOf, pageRequest } from './wire.ts';

/** An activity sid, built-in or custom; routing refuses one it does not know. */
function activityOf(form: Form): string | undefined {
  const sid = form.string('ActivitySid');
  if (sid !== undefined && !/^WA[0-9a-f]{32}$/.test(sid)) throw notFound('Activity', sid);
  return sid;
}

/** A worker's fields as Twilio's requests name them. */
const WORKER_FIELDS = { friendlyName: 'FriendlyName', attributes: 'Attributes', activity: 'ActivitySid' };

export function taskRouterRouter(core: Core): Router {
  const { store, routing, agents } = core;
  const router = Router();

  router.get('/', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    form.done();
    const all = friendlyName && friendlyName !== 'Parley' ? [] : [await workspaceDates(store)];
    res.json(pageOf(req, 'workspaces', all, page, (dates) => workspaceView(req, dates)));
  });
  router.use('/:workspaceSid', (req, _res, next) => {
    if (req.params.workspaceSid !== WORKSPACE_SID) throw notFound('Workspace', req.params.workspaceSid);
    next();
  });
  const ws = Router();
  router.use(`/${WORKSPACE_SID}`, ws);
  ws.get('/', async (req, res) => {
    res.json(workspaceView(req, await workspaceDates(store)));
  });
  // Before the routes with a sid: `/Workers/Statistics` is not a worker.
  ws.use(statisticsRouter(core));
  ws.use(workerStatisticsRouter(core));
  ws.use(channelsRouter(core));

  const { activities } = routing;
  ws.get('/Activities', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const available = form.boolean('Available');
    const page = pageRequest(form);
    form.done();
    const all = (await activities.list()).filter(
      (a) =>
        (!friendlyName || a.friendlyName === friendlyName) &&
        (available === undefined || a.available === available),
    );
    const dates = await workspaceDates(store);
    res.json(pageOf(req, 'activities', all, page, (a) => activityView(req, a, dates)));
  });
  ws.get('/Activities/:sid', async (req, res) => {
    res.json(activityView(req, await activities.get(req.params.sid), await workspaceDates(store)));
  });
  ws.post('/Activities', async (req, res) => {
    const form = Form.body(req);
    const friendlyName = form.required('FriendlyName');
    // Twilio's default: a new activity offers tasks unless it says otherwise.
    const available = form.boolean('Available') ?? true;
    form.done();
    const created = await activities.create({ friendlyName, available });
    res.status(201).json(activityView(req, created, await workspaceDates(store)));
  });
  ws.post('/Activities/:sid', async (req, res) => {
    const form = Form.body(req);
    const patch = { friendlyName: form.string('FriendlyName'), available: form.boolean('Available') };
    form.done();
    const updated = await activities.update(req.params.sid, patch);
    res.json(activityView(req, updated, await workspaceDates(store)));
  });
  ws.delete('/Activities/:sid', async (req, res) => {
    await activities.delete(req.params.sid);
    res.status(204).end();
  });

  ws.post('/Workers', async (req, res) => {
    const form = Form.body(req);
    const { activity: _none, ...input } = parse(
      schemas.worker,
      given({ friendlyName: form.required('FriendlyName'), attributes: form.object('Attributes') }),
      'body',
      WORKER_FIELDS,
    );
    const activity = activityOf(form);
    form.done();
    // An unknown activity is refused before the worker exists, so an error creates nothing.
    if (activity) await resolveActivity(store, activity);
    const worker = await agents.createWorker(input);
    res
      .status(201)
      .json(workerView(req, activity ? await agents.updateWorker(worker.sid, { activity }) : worker));
  });
  ws.get('/Workers', async (req, res) => {
    const form = Form.query(req);
    const byName = form.string('ActivityName');
    const bySid = activityOf(form);
    const available = form.boolean('Available');
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    form.done();
    const all = (await store.workers.list())
      .map(coreWorkerView)
      .filter(
        (w) =>
          (!byName || w.activityName === byName) &&
          (!bySid || workerActivitySid(w) === bySid) &&
          (available === undefined || (w.activity === 'Available') === available) &&
          (!friendlyName || w.friendlyName === friendlyName),
      );
    res.json(pageOf(req, 'workers', all, page, (w) => workerView(req, w)));
  });
  ws.get('/Workers/:sid', async (req, res) => {
    const worker = await store.workers.get(req.params.sid);
    if (!worker) throw notFound('Worker', req.params.sid);
    res.json(workerView(req, coreWorkerView(worker)));
  });
  ws.post('/Workers/:sid', async (req, res) => {
    const form = Form.body(req);
    const patch = parse(
      schemas.worker.partial(),
      given({
        friendlyName: form.string('FriendlyName'),
        attributes: form.object('Attributes'),
        activity: activityOf(form),
      }),
      'body',
      WORKER_FIELDS,
    );
    form.ignore('RejectPendingReservations').done();
    // Through the agents service, as /v1/Workers does: a disabled worker cannot be made Available.
    res.json(workerView(req, await agents.updateWorker(req.params.sid, patch)));
  });

  ws.delete('/Workers/:sid', async (req, res) => {
    await agents.deleteWorker(req.params.sid);
    res.status(204).end();
  });

  ws.post('/TaskQueues', async (req, res) => {
    const form = Form.body(req);
    const input = parse(
      schemas.taskQueue,
      given({ friendlyName: form.required('FriendlyName'), targetWorkers: form.string('TargetWorkers') }),
    );
    form.done();
    res.status(201).json(taskQueueView(req, await store.queues.create(input)));
  });
  ws.get('/TaskQueues', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    form.done();
    const all = (await store.queues.list()).filter((q) => !friendlyName || q.friendlyName === friendlyName);
    res.json(pageOf(req, 'task_queues', all, page, (q) => taskQueueView(req, q)));
  });
  ws.get('/TaskQueues/:sid', async (req, res) => {
    const queue = await store.queues.get(req.params.sid);
    if (!queue) throw notFound('TaskQueue', req.params.sid);
    res.json(taskQueueView(req, queue));
  });
  ws.post('/TaskQueues/:sid', async (req, res) => {
    const form = Form.body(req);
    const patch = parse(
      schemas.taskQueue.partial(),
      given({ friendlyName: form.string('FriendlyName'), targetWorkers: form.string('TargetWorkers') }),
    );
    form.done();
    res.json(taskQueueView(req, await routing.resources.updateQueue(req.params.sid, patch)));
  });
  ws.delete('/TaskQueues/:sid', async (req, res) => {
    await routing.resources.deleteQueue(req.params.sid);
    res.status(204).end();
  });

  const workflowFields = (form: Form) =>
    given({
      friendlyName: form.string('FriendlyName'),
      configuration: form.object('Configuration'),
      taskReservationTimeout: form.integer('TaskReservationTimeout'),
    });
  ws.post('/Workflows', async (req, res) => {
    const form = Form.body(req);
    form.required('FriendlyName');
    form.required('Configuration');
    const input = parse(schemas.workflow, workflowFields(form));
    form.done();
    res.status(201).json(workflowView(req, await routing.resources.createWorkflow(input)));
  });
  ws.get('/Workflows', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    form.done();
    const all = (await store.workflows.list()).filter(
      (w) => !friendlyName || w.friendlyName === friendlyName,
    );
    res.json(pageOf(req, 'workflows', all, page, (w) => workflowView(req, w)));
  });
  ws.get('/Workflows/:sid', async (req, res) => {
    const workflow = await store.workflows.get(req.params.sid);
    if (!workflow) throw notFound('Workflow', req.params.sid);
    res.json(workflowView(req, workflow));
  });
  ws.post('/Workflows/:sid', async (req, res) => {
    const form = Form.body(req);
    const patch = parse(schemas.workflow.partial(), workflowFields(form));
    form.ignore('ReEvaluateTasks').done();
    res.json(workflowView(req, await routing.resources.updateWorkflow(req.params.sid, patch)));
  });
  ws.delete('/Workflows/:sid', async (req, res) => {
    await routing.resources.deleteWorkflow(req.params.sid);
    res.status(204).end();
  });

  ws.use(tasksRouter(core));
  ws.use(reservationsRouter(core));
  return router;
}
