/**
 * TaskRouter Reservations in Twilio's shape, both ways Twilio reaches them: a task's offers
 * (`/Tasks/WT…/Reservations`) and a worker's (`/Workers/WK…/Reservations`). Either answers
 * with the same resource and, through routing as the agent desktop does, accepts or rejects it,
 * or wraps up or completes the task an accepted one holds; `WorkerActivitySid` then moves the
 * worker to that activity, as in Twilio.
 */
import { type Request, type Response, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { resolveActivity } from '../../core/routing/activities.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { ReservationStatus, TaskStatus } from '../../protocol.ts';
import { parse } from '../../schemas.ts';
import type { Reservation } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { reservationView } from './taskrouter-views.ts';
import { Form, pageOf, pageRequest } from './wire.ts';

type Owner = 'taskSid' | 'workerSid';

const UPDATES = ['accepted', 'rejected', 'wrapping', 'completed'];

export function reservationsRouter(core: Core): Router {
  const { store, routing, agents } = core;
  const router = Router();

  /** Reservations as Twilio shows them: each worker's name and task's status read once. */
  async function views(req: Request, reservations: Reservation[]) {
    const names = new Map<string, string | null>();
    const statuses = new Map<string, TaskStatus | undefined>();
    for (const { workerSid, taskSid } of reservations) {
      if (!names.has(workerSid))
        names.set(workerSid, (await store.workers.get(workerSid))?.friendlyName ?? null);
      if (!statuses.has(taskSid)) statuses.set(taskSid, (await store.tasks.get(taskSid))?.status);
    }
    return (r: Reservation) =>
      reservationView(req, r, names.get(r.workerSid) ?? null, statuses.get(r.taskSid));
  }
  const respond = async (req: Request, res: Response, reservation: Reservation) => {
    res.json((await views(req, [reservation]))(reservation));
  };

  /** The reservation, if it belongs to the task or worker of the path. */
  async function reservationOf(owner: Owner, ownerSid: string, sid: string) {
    const reservation = await store.reservations.get(sid);
    if (!reservation || reservation[owner] !== ownerSid) throw notFound('Reservation', sid);
    return reservation;
  }
  async function ownerExists(owner: Owner, sid: string) {
    const found = owner === 'taskSid' ? await store.tasks.get(sid) : await store.workers.get(sid);
    if (!found) throw notFound(owner === 'taskSid' ? 'Task' : 'Worker', sid);
  }

  for (const [path, owner, filter] of [
    ['/Tasks/:owner/Reservations', 'taskSid', 'WorkerSid'],
    ['/Workers/:owner/Reservations', 'workerSid', null],
  ] as const) {
    router.get(path, async (req, res) => {
      const form = Form.query(req);
      const status = form.string('ReservationStatus') as ReservationStatus | undefined;
      const other = filter ? form.string(filter) : undefined;
      const page = pageRequest(form);
      form.done();
      await ownerExists(owner, req.params.owner);
      const all = await store.reservations.list({
        [owner]: req.params.owner,
        ...(status && { status }),
        ...(other && { workerSid: other }),
      });
      res.json(pageOf(req, 'reservations', all, page, await views(req, all)));
    });
    router.get(`${path}/:sid`, async (req, res) => {
      await respond(req, res, await reservationOf(owner, req.params.owner, req.params.sid));
    });
    router.post(`${path}/:sid`, async (req, res) => {
      const form = Form.body(req);
      // Call instructions (Instruction=dequeue, conference…) are voice's: refused, naming the
      // field, before the status a chat's reservation needs instead.
      if (form.has('Instruction'))
        throw new ParleyError(
          'invalid_request',
          `body.Instruction: call instructions (${form.string('Instruction')}) are for voice tasks; a chat's reservation is accepted or rejected with ReservationStatus=accepted|rejected`,
          400,
        );
      const status = form.required('ReservationStatus');
      const activity = form.string('WorkerActivitySid');
      form.done();
      if (!UPDATES.includes(status))
        throw new ParleyError(
          'invalid_request',
          `body.ReservationStatus: expected accepted, rejected, wrapping or completed (got ${JSON.stringify(status)})`,
          400,
        );
      if (activity !== undefined)
        await resolveActivity(store, activity).catch((err: Error) => {
          throw new ParleyError('invalid_request', `body.WorkerActivitySid: ${err.message}`, 400);
        });
      const reservation = await reservationOf(owner, req.params.owner, req.params.sid);
      if (status === 'accepted') await routing.accept(null, reservation.sid);
      else if (status === 'rejected') await routing.reject(null, reservation.sid);
      else await routing.finishReservation(reservation, status as 'wrapping' | 'completed');
      if (activity !== undefined)
        await agents.updateWorker(reservation.workerSid, parse(schemas.worker.partial(), { activity }));
      await respond(req, res, await reservationOf(owner, req.params.owner, reservation.sid));
    });
  }
  return router;
}
