/**
 * Reservations, the offers of a task to one worker: accepted (the worker joins the channel and
 * the customer is told), rejected (offered to someone else, never back), timed out (the worker
 * is made Unavailable, as configured, so an absent agent is not offered chat after chat).
 */
import { conflict, forbidden, notFound } from '../../errors.ts';
import type { Activity, AgentChatDTO, ReservationDTO } from '../../protocol.ts';
import type { Reservation } from '../../store/types.ts';
import type { RoutingContext } from './context.ts';
import { RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';
import { buildChat, workerView } from './views.ts';

export function createOffers(ctx: RoutingContext) {
  const { store, events, conversations } = ctx;

  async function endOffer(reservation: ReservationDTO) {
    await store.timers.cancel(RESERVATION_TIMEOUT_KIND, reservation.sid);
    events.emit('offer.ended', reservation);
  }

  async function reservationOf(workerSid: string | null, sid: string): Promise<Reservation> {
    const reservation = await store.reservations.get(sid);
    if (!reservation) throw notFound('Reservation', sid);
    if (workerSid && reservation.workerSid !== workerSid) throw forbidden(`Reservation ${sid} is not yours`);
    return reservation;
  }

  /** The task of an offer that ended unanswered is pending again: a transfer to its worker falls back to the queue. */
  async function requeue(released: Reservation) {
    const task = await store.tasks.get(released.taskSid);
    if (!task) return;
    await ctx.record.task(task, released.status === 'timeout' ? 'timeout' : 'rejected', {
      workerSid: released.workerSid,
      details: { reservationSid: released.sid },
    });
    const requeued =
      task.targetWorkerSid === released.workerSid
        ? ((await store.tasks.update(task.sid, { targetWorkerSid: null })) ?? task)
        : task;
    await ctx.announce(requeued);
    ctx.dispatchSoon();
  }

  return {
    /** Accepts for `workerSid` (the agent's own offer), or for anyone when null (the admin API). */
    async accept(workerSid: string | null, reservationSid: string): Promise<AgentChatDTO> {
      const reservation = await reservationOf(workerSid, reservationSid);
      const accepted = await store.reservations.accept(reservationSid);
      if (!accepted)
        throw conflict(
          `Reservation ${reservationSid} is ${reservation.status} and can no longer be accepted`,
        );
      await ctx.record.task(accepted.task, 'accepted', { details: { reservationSid } });
      await endOffer(accepted.reservation);
      const worker = await store.workers.get(reservation.workerSid);
      const name = worker?.friendlyName ?? 'An agent';
      await conversations.addMember(accepted.task.channelSid, reservation.workerSid, 'agent', name);
      await conversations.postSystem(accepted.task.channelSid, `${name} joined the chat`, {
        event: 'member.joined',
        identity: reservation.workerSid,
      });
      events.emit('reservation.accepted', accepted.reservation, accepted.task);
      await ctx.announce(accepted.task);
      return buildChat(store, accepted.task, ctx.clock());
    },

    async reject(workerSid: string | null, reservationSid: string) {
      const reservation = await reservationOf(workerSid, reservationSid);
      const released = await store.reservations.release(reservationSid, 'rejected');
      if (!released)
        throw conflict(
          `Reservation ${reservationSid} is ${reservation.status} and can no longer be rejected`,
        );
      await endOffer(released);
      await requeue(released);
      return released;
    },

    /** The reservation timer fired: the worker is set aside and the offer goes to the next one. */
    async expire(reservationSid: string) {
      const released = await store.reservations.release(reservationSid, 'timeout');
      if (!released) return;
      events.emit('offer.ended', released);
      const task = await store.tasks.get(released.taskSid);
      const workflow = task?.workflowSid ? await store.workflows.get(task.workflowSid) : null;
      const activity: Activity | null = workflow
        ? workflow.reservationTimeoutActivity
        : ctx.reservationTimeoutActivity;
      const worker = await store.workers.get(released.workerSid);
      if (activity && worker?.activity === 'Available') {
        await ctx.record.activity(worker.sid, activity, worker.activity);
        events.emit('worker.updated', workerView(await store.workers.update(worker.sid, { activity })));
      }
      await requeue(released);
      await ctx.dispatch();
    },
  };
}
