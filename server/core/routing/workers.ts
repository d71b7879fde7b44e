/**
 * Workers as routing sees them: activity (Available workers are offered tasks, connected or
 * not, as in TaskRouter), an agent desktop's presence (one disconnected past the grace period
 * goes Offline), what an agent holds, and who a chat could be transferred to.
 */
import { forbidden, notFound } from '../../errors.ts';
import type { Activity, AgentSyncReply, Sid, TransferTargets } from '../../protocol.ts';
import { createActivities, resolveActivity } from './activities.ts';
import { AGENT_GRACE_KIND, type RoutingContext } from './context.ts';
import { buildChat, buildOffer, workerView } from './views.ts';

export interface WorkerPatch {
  /** A built-in activity's name or sid, or a custom activity's sid. */
  activity?: Activity | Sid;
  capacity?: number;
  friendlyName?: string;
  attributes?: Record<string, unknown>;
}

export function createWorkerRouting(ctx: RoutingContext) {
  const { store, events } = ctx;

  async function updateWorker(workerSid: string, patch: WorkerPatch) {
    const before = await store.workers.get(workerSid);
    if (!before) throw notFound('Worker', workerSid);
    const { activity, ...rest } = patch;
    const choice = activity === undefined ? {} : await resolveActivity(store, activity);
    const worker = workerView(await store.workers.update(workerSid, { ...rest, ...choice }));
    await ctx.record.activity(workerSid, worker.activity, before.activity);
    events.emit('worker.updated', worker);
    if (worker.activity === 'Available') ctx.dispatchSoon();
    return worker;
  }

  return {
    /** Changes a worker; one who is (still) Available may take a pending task now. */
    updateWorker,

    /** The built-in and custom activities; changing a custom one moves the agents in it. */
    activities: createActivities(store, (workerSid, activity) => updateWorker(workerSid, { activity })),

    /** An agent desktop connected: a pending disconnect no longer counts. */
    async agentConnected(workerSid: string) {
      await store.timers.cancel(AGENT_GRACE_KIND, workerSid);
    },

    /** The worker's last agent desktop disconnected: Offline unless one is back within the grace period. */
    async agentDisconnected(workerSid: string) {
      await store.timers.schedule(AGENT_GRACE_KIND, workerSid, ctx.dueIn(ctx.agentDisconnectGraceSeconds));
    },

    async onGraceExpired(workerSid: string) {
      const worker = await store.workers.get(workerSid);
      if (worker && worker.activity !== 'Offline') await updateWorker(workerSid, { activity: 'Offline' });
    },

    /** Throws unless the worker holds (assigned or wrapping) a task on the channel. */
    async assertHolds(workerSid: string, channelSid: string) {
      const tasks = await store.tasks.list({ workerSid, channelSid });
      if (!tasks.some((t) => t.status === 'assigned' || t.status === 'wrapping')) {
        throw forbidden(`Channel ${channelSid} is not one of your chats`);
      }
    },

    /** Everything an agent desktop needs after (re)connecting. */
    async agentState(workerSid: string): Promise<AgentSyncReply> {
      const worker = await store.workers.get(workerSid);
      if (!worker) throw notFound('Worker', workerSid);
      const now = ctx.clock();
      const held = [
        ...(await store.tasks.list({ workerSid, status: 'assigned' })),
        ...(await store.tasks.list({ workerSid, status: 'wrapping' })),
      ];
      const pending = await store.reservations.list({ workerSid, status: 'pending' });
      const offers = [];
      for (const reservation of pending) {
        const task = await store.tasks.get(reservation.taskSid);
        if (task) offers.push(await buildOffer(store, reservation, task, now));
      }
      return {
        worker: workerView(worker),
        chats: await Promise.all(held.map((t) => buildChat(store, t, now))),
        offers,
      };
    },

    /** Every queue, and the other agents who are Available with room for one more chat. */
    async transferTargets(workerSid: string): Promise<TransferTargets> {
      const [queues, available] = await Promise.all([
        store.queues.list(),
        store.workers.listAvailable([workerSid]),
      ]);
      const workers = [];
      for (const w of available) {
        const load = (await store.tasks.list({ workerSid: w.sid })).filter((t) =>
          ['reserved', 'assigned', 'wrapping'].includes(t.status),
        ).length;
        workers.push({
          sid: w.sid,
          friendlyName: w.friendlyName,
          activity: w.activity,
          load,
          capacity: w.capacity,
        });
      }
      return {
        queues: queues.map((q) => ({ sid: q.sid, friendlyName: q.friendlyName })),
        workers: workers.sort((a, b) => a.friendlyName.localeCompare(b.friendlyName)),
      };
    },
  };
}
