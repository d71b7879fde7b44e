/**
 * `/v1/Workers` and `/v1/TaskQueues`: who routing offers tasks to, and where tasks wait. A
 * worker's password, username and `disabled` flag change through the same update; a new
 * password, disabling or deleting ends the worker's sessions at once.
 */
import { type Request, type Response, Router } from 'express';
import type { Core } from '../core/index.ts';
import { resolveActivity } from '../core/routing/activities.ts';
import { workerView } from '../core/routing/views.ts';
import { notFound } from '../errors.ts';
import { parse } from '../schemas.ts';
import { schemas } from './schemas.ts';

type Handler = (req: Request<{ sid: string }>, res: Response) => Promise<void>;

/** Twilio updates with POST; PATCH is accepted too. */
export function postOrPatch(router: Router, path: string, handler: Handler) {
  router.post(path, handler);
  router.patch(path, handler);
}

export function routingRouter(core: Core): Router {
  const { store, agents, routing } = core;
  const router = Router();

  router.post('/Workers', async (req, res) => {
    const { activity, ...input } = parse(schemas.worker, req.body);
    // An unknown activity is refused before the worker exists, so a 400 creates nothing.
    if (activity) await resolveActivity(store, activity);
    const worker = await agents.createWorker(input);
    res.status(201).json(activity ? await agents.updateWorker(worker.sid, { activity }) : worker);
  });
  router.get('/Workers', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const workers = (await store.workers.list()).map(workerView);
    res.json({ workers, meta: { pageSize: workers.length } });
  });
  router.get('/Workers/:sid', async (req, res) => {
    const worker = await store.workers.get(req.params.sid);
    if (!worker) throw notFound('Worker', req.params.sid);
    res.json(workerView(worker));
  });
  postOrPatch(router, '/Workers/:sid', async (req, res) => {
    res.json(await agents.updateWorker(req.params.sid, parse(schemas.worker.partial(), req.body)));
  });
  router.delete('/Workers/:sid', async (req, res) => {
    await agents.deleteWorker(req.params.sid);
    res.status(204).end();
  });

  router.post('/TaskQueues', async (req, res) => {
    res.status(201).json(await store.queues.create(parse(schemas.taskQueue, req.body)));
  });
  router.get('/TaskQueues', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const taskQueues = await store.queues.list();
    res.json({ taskQueues, meta: { pageSize: taskQueues.length } });
  });
  router.get('/TaskQueues/:sid', async (req, res) => {
    const queue = await store.queues.get(req.params.sid);
    if (!queue) throw notFound('TaskQueue', req.params.sid);
    res.json(queue);
  });
  postOrPatch(router, '/TaskQueues/:sid', async (req, res) => {
    res.json(
      await routing.resources.updateQueue(req.params.sid, parse(schemas.taskQueue.partial(), req.body)),
    );
  });
  router.delete('/TaskQueues/:sid', async (req, res) => {
    await routing.resources.deleteQueue(req.params.sid);
    res.status(204).end();
  });
  return router;
}
