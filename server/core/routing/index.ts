/**
 * Routing v1: tasks for channels, offers (reservations) to workers, accept / reject / timeout,
 * and the end of a chat (wrapping, completed). Every state change goes through a conditional
 * update in the store, so a task is never assigned twice and a worker never exceeds capacity.
 */
import { conflict, forbidden, notFound, ParleyError } from '../../errors.ts';
import type { Activity, AgentSyncReply, ReservationDTO } from '../../protocol.ts';
import type { Channel, Store, Task } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EventBus } from '../events.ts';
import type { Clock } from '../ids.ts';
import { createDispatcher, RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';
import { buildChat, buildOffer, workerView } from './views.ts';

export { RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';

export interface RoutingDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  conversations: Conversations;
  reservationTimeoutSeconds: number;
  onError: (err: unknown) => void;
  /** Runs work in the background where shutdown (and tests) can wait for it. */
  track: (work: Promise<unknown>) => void;
}

export type Routing = ReturnType<typeof createRouting>;

export function createRouting(deps: RoutingDeps) {
  const { store, events, conversations } = deps;
  const { dispatch } = createDispatcher(deps);
  const dispatchSoon = () => deps.track(dispatch());

  async function announceChat(task: Task) {
    if (task.workerSid) events.emit('chat.updated', task.workerSid, await buildChat(store, task));
  }

  async function taskOf(workerSid: string, taskSid: string): Promise<Task> {
    const task = await store.tasks.get(taskSid);
    if (!task) throw notFound('Task', taskSid);
    if (task.workerSid !== workerSid) throw forbidden(`Task ${taskSid} is not assigned to you`);
    return task;
  }

  async function endOffer(reservation: ReservationDTO) {
    await store.timers.cancel(RESERVATION_TIMEOUT_KIND, reservation.sid);
    events.emit('offer.ended', reservation);
  }

  /** Ends a chat on the channel's side: inactive unless the Flex Flow keeps channels long-lived. */
  async function closeChannel(channel: Channel) {
    const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
    if (flexFlow?.longLived || channel.status === 'inactive') return;
    await conversations.setStatus(channel.sid, 'inactive');
  }

  /** An unanswered task is canceled (its offers withdrawn); an assigned one goes to wrapping. */
  async function cancelOpenTask(channel: Channel) {
    const taskSid = channel.attributes.taskSid;
    const task = taskSid ? await store.tasks.get(taskSid) : null;
    if (!task) return;
    if (task.status === 'reserved') {
      for (const r of await store.reservations.list({ taskSid: task.sid, status: 'pending' })) {
        const released = await store.reservations.release(r.sid, 'canceled');
        if (released) await endOffer(released);
      }
    }
    const canceled = await store.tasks.transition(task.sid, ['pending'], 'canceled');
    const wrapped = canceled ? null : await store.tasks.transition(task.sid, ['assigned'], 'wrapping');
    if (wrapped) await announceChat(wrapped);
  }

  return {
    dispatch,

    /** Creates the channel's task unless one is still open there, and offers it. */
    async createTask(channel: Channel, attributes: Record<string, unknown>, priority = 0): Promise<Task> {
      const [queue] = await store.queues.list();
      if (!queue)
        throw new ParleyError(
          'no_task_queue',
          'No TaskQueue exists: create one with POST /v1/TaskQueues',
          409,
        );
      const { task, created } = await store.tasks.createUnlessOpen({
        channelSid: channel.sid,
        queueSid: queue.sid,
        priority,
        attributes,
      });
      if (created) {
        events.emit('channel.updated', (await store.channels.get(channel.sid)) ?? channel);
        dispatchSoon();
      }
      return task;
    },

    async accept(workerSid: string, reservationSid: string) {
      const reservation = await store.reservations.get(reservationSid);
      if (!reservation) throw notFound('Reservation', reservationSid);
      if (reservation.workerSid !== workerSid) throw forbidden(`Reservation ${reservationSid} is not yours`);
      const accepted = await store.reservations.accept(reservationSid);
      if (!accepted)
        throw conflict(
          `Reservation ${reservationSid} is ${reservation.status} and can no longer be accepted`,
        );
      await endOffer(accepted.reservation);
      const worker = await store.workers.get(workerSid);
      const name = worker?.friendlyName ?? 'An agent';
      await conversations.addMember(accepted.task.channelSid, workerSid, 'agent', name);
      await conversations.postSystem(accepted.task.channelSid, `${name} joined the chat`, {
        event: 'member.joined',
        identity: workerSid,
      });
      const chat = await buildChat(store, accepted.task);
      events.emit('chat.updated', workerSid, chat);
      return chat;
    },

    async reject(workerSid: string, reservationSid: string) {
      const reservation = await store.reservations.get(reservationSid);
      if (!reservation) throw notFound('Reservation', reservationSid);
      if (reservation.workerSid !== workerSid) throw forbidden(`Reservation ${reservationSid} is not yours`);
      const released = await store.reservations.release(reservationSid, 'rejected');
      if (!released)
        throw conflict(
          `Reservation ${reservationSid} is ${reservation.status} and can no longer be rejected`,
        );
      await endOffer(released);
      dispatchSoon();
    },

    /** The reservation timer fired: the offer goes to the next worker. */
    async expire(reservationSid: string) {
      const released = await store.reservations.release(reservationSid, 'timeout');
      if (!released) return;
      events.emit('offer.ended', released);
      await dispatch();
    },

    /** The agent's End chat: the task goes to wrapping, the channel inactive. */
    async wrap(workerSid: string, taskSid: string) {
      const task = await taskOf(workerSid, taskSid);
      const wrapped = await store.tasks.transition(task.sid, ['assigned'], 'wrapping');
      if (!wrapped) throw conflict(`Task ${taskSid} is ${task.status}; only an assigned task can be wrapped`);
      const worker = await store.workers.get(workerSid);
      await conversations.postSystem(
        task.channelSid,
        `${worker?.friendlyName ?? 'The agent'} ended the chat`,
        {
          event: 'chat.ended',
        },
      );
      const channel = await store.channels.get(task.channelSid);
      if (channel) await closeChannel(channel);
      await announceChat(wrapped);
      return wrapped;
    },

    async complete(workerSid: string, taskSid: string) {
      const task = await taskOf(workerSid, taskSid);
      const completed = await store.tasks.transition(task.sid, ['assigned', 'wrapping'], 'completed');
      if (!completed) throw conflict(`Task ${taskSid} is ${task.status}; it cannot be completed`);
      const channel = await store.channels.get(task.channelSid);
      if (channel) await closeChannel(channel);
      await announceChat(completed);
      dispatchSoon();
      return completed;
    },

    /** The customer ended the chat: an unanswered task is canceled, an assigned one wraps. */
    async endByCustomer(channel: Channel) {
      await cancelOpenTask(channel);
      await conversations.postSystem(channel.sid, `${channel.attributes.from} ended the chat`, {
        event: 'chat.ended',
      });
      await closeChannel(channel);
    },

    /** The bot ended the chat (its end-chat widget). */
    async endByBot(channel: Channel) {
      await cancelOpenTask(channel);
      await conversations.postSystem(channel.sid, 'The chat has ended', { event: 'chat.ended' });
      await closeChannel(channel);
    },

    /** Changes a worker; one who is (still) Available may take a pending task now. */
    async updateWorker(
      workerSid: string,
      patch: {
        activity?: Activity;
        capacity?: number;
        friendlyName?: string;
        attributes?: Record<string, unknown>;
      },
    ) {
      if (!(await store.workers.get(workerSid))) throw notFound('Worker', workerSid);
      const worker = workerView(await store.workers.update(workerSid, patch));
      events.emit('worker.updated', worker);
      if (worker.activity === 'Available') dispatchSoon();
      return worker;
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
      const held = [
        ...(await store.tasks.list({ workerSid, status: 'assigned' })),
        ...(await store.tasks.list({ workerSid, status: 'wrapping' })),
      ];
      const pending = await store.reservations.list({ workerSid, status: 'pending' });
      const offers = [];
      for (const reservation of pending) {
        const task = await store.tasks.get(reservation.taskSid);
        if (task) offers.push(await buildOffer(store, reservation, task));
      }
      return {
        worker: workerView(worker),
        chats: await Promise.all(held.map((t) => buildChat(store, t))),
        offers,
      };
    },
  };
}
