/** `/v1/Workers`, `/v1/TaskQueues`, `/v1/Tasks` (+ `/Reservations`): what routing works with. */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { workerView } from '../core/routing/views.ts';
import { notFound } from '../errors.ts';
import { parse, schemas } from '../schemas.ts';

export function routingRouter(core: Core): Router {
  const { store, agents, routing } = core;
  const router = Router();

  router.post('/Workers', async (req, res) => {
    const { activity, ...input } = parse(schemas.worker, req.body);
    const worker = await agents.createWorker(input);
    res.status(201).json(activity ? await routing.updateWorker(worker.sid, { activity }) : worker);
  });
  router.get('/Workers', async (_req, res) => {
    const workers = (await store.workers.list()).map(workerView);
    res.json({ workers, meta: { pageSize: workers.length } });
  });
  router.get('/Workers/:sid', async (req, res) => {
    const worker = await store.workers.get(req.params.sid);
    if (!worker) throw notFound('Worker', req.params.sid);
    res.json(workerView(worker));
  });
  const updateWorker = async (
    req: import('express').Request<{ sid: string }>,
    res: import('express').Response,
  ) => {
    const { password: _password, username: _username, ...patch } = parse(schemas.worker.partial(), req.body);
    res.json(await routing.updateWorker(req.params.sid, patch));
  };
  router.post('/Workers/:sid', updateWorker);
  router.patch('/Workers/:sid', updateWorker);

  router.post('/TaskQueues', async (req, res) => {
    res.status(201).json(await store.queues.create(parse(schemas.taskQueue, req.body)));
  });
  router.get('/TaskQueues', async (_req, res) => {
    const taskQueues = await store.queues.list();
    res.json({ taskQueues, meta: { pageSize: taskQueues.length } });
  });

  router.get('/Tasks', async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : undefined;
    const tasks = await store.tasks.list({ status: status as never });
    res.json({ tasks, meta: { pageSize: tasks.length } });
  });
  router.get('/Tasks/:sid', async (req, res) => {
    const task = await store.tasks.get(req.params.sid);
    if (!task) throw notFound('Task', req.params.sid);
    res.json(task);
  });
  router.get('/Tasks/:sid/Reservations', async (req, res) => {
    const reservations = await store.reservations.list({ taskSid: req.params.sid });
    res.json({ reservations, meta: { pageSize: reservations.length } });
  });
  return router;
}
