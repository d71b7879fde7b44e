/**
 * TaskRouter Reservations in Twilio's shape, both ways Twilio reaches them: a task's offers
 * (`/Tasks/WT…/Reservations`) and a worker's (`/Workers/WK…/Reservations`). Either answers
 * with the same resource and accepts or rejects through routing, as the agent desktop does.
 */
import { type Request, type Response, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { ReservationStatus } from '../../protocol.ts';
import { parse } from '../../schemas.ts';
import type { Reservation } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { reservationView } from './taskrouter-views.ts';
import { Form, pageOf, pageRequest } from './wire.ts';

type Owner = 'taskSid' | 'workerSid';

export function reservationsRouter(core: Core): Router {
  const { store, routing } = core;
  const router = Router();

  /** Worker names for a page of reservations, each worker read once. */
  async function workerNames(reservations: Reservation[]) {
    const names = new Map<string, string | null>();
    for (const { workerSid } of reservations)
      if (!names.has(workerSid))
        names.set(workerSid, (await store.workers.get(workerSid))?.friendlyName ?? null);
    return names;
  }
  const respond = async (req: Request, res: Response, reservation: Reservation) => {
    const names = await workerNames([reservation]);
    res.json(reservationView(req, reservation, names.get(reservation.workerSid) ?? null));
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
      const names = await workerNames(all);
      res.json(
        pageOf(req, 'reservations', all, page, (r) =>
          reservationView(req, r, names.get(r.workerSid) ?? null),
        ),
      );
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
      const { status } = parse(schemas.updateReservation, { status: form.required('ReservationStatus') });
      form.done();
      const { sid } = await reservationOf(owner, req.params.owner, req.params.sid);
      if (status === 'accepted') await routing.accept(null, sid);
      else await routing.reject(null, sid);
      await respond(req, res, await reservationOf(owner, req.params.owner, sid));
    });
  }
  return router;
}
