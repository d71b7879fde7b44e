/** `/v1/Tasks` (+ `/Reservations`): tasks and their offers, with TaskRouter's updates. */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { taskView } from '../core/routing/views.ts';
import { notFound } from '../errors.ts';
import { parse } from '../schemas.ts';
import { postOrPatch } from './routing.ts';
import { schemas } from './schemas.ts';

export function tasksRouter(core: Core): Router {
  const { store, routing } = core;
  const router = Router();
  const view = (task: Parameters<typeof taskView>[0]) => taskView(task, new Date());

  const reservationOf = async (taskSid: string, sid: string) => {
    const reservation = await store.reservations.get(sid);
    if (!reservation || reservation.taskSid !== taskSid) throw notFound('Reservation', sid);
    return reservation;
  };

  router.get('/', async (req, res) => {
    const filter = parse(schemas.listTasks, req.query, 'query');
    const tasks = (await store.tasks.list(filter)).map(view);
    res.json({ tasks, meta: { pageSize: tasks.length } });
  });
  router.get('/:sid', async (req, res) => {
    const task = await store.tasks.get(req.params.sid);
    if (!task) throw notFound('Task', req.params.sid);
    res.json(view(task));
  });
  postOrPatch(router, '/:sid', async (req, res) => {
    res.json(view(await routing.updateTask(req.params.sid, parse(schemas.updateTask, req.body))));
  });
  router.delete('/:sid', async (req, res) => {
    await routing.deleteTask(req.params.sid);
    res.status(204).end();
  });

  router.get('/:sid/Reservations', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    if (!(await store.tasks.get(req.params.sid))) throw notFound('Task', req.params.sid);
    const reservations = await store.reservations.list({ taskSid: req.params.sid });
    res.json({ reservations, meta: { pageSize: reservations.length } });
  });
  router.get('/:sid/Reservations/:reservationSid', async (req, res) => {
    res.json(await reservationOf(req.params.sid, req.params.reservationSid));
  });
  const updateReservation = async (
    req: import('express').Request<{ sid: string; reservationSid: string }>,
    res: import('express').Response,
  ) => {
    const { status } = parse(schemas.updateReservation, req.body);
    const { sid } = await reservationOf(req.params.sid, req.params.reservationSid);
    if (status === 'accepted') await routing.accept(null, sid);
    else await routing.reject(null, sid);
    res.json(await store.reservations.get(sid));
  };
  router.post('/:sid/Reservations/:reservationSid', updateReservation);
  router.patch('/:sid/Reservations/:reservationSid', updateReservation);
  return router;
}
