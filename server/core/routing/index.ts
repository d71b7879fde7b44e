/**
 * Routing, TaskRouter-style: tasks for channels placed by workflows into queues, offered
 * (reservations) to eligible workers, accepted / rejected / timed out, wrapped, completed,
 * transferred; the janitor cleans up after them. Every state change is one conditional store
 * call, so a task is never assigned twice and a worker never exceeds capacity.
 */
import { conflict } from '../../errors.ts';
import type { TransferRequest, WrapUpRequest } from '../../protocol.ts';

type WrapUp = Omit<WrapUpRequest, 'taskSid'>;

import type { Channel, Reservation, Task } from '../../store/types.ts';
import {
  AGENT_GRACE_KIND,
  createContext,
  type RoutingDeps,
  TARGET_TIMEOUT_KIND,
  TASK_TTL_KIND,
} from './context.ts';
import { createDispatcher, RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';
import { createJanitor } from './janitor.ts';
import { createOffers } from './offers.ts';
import { createQueuePositions } from './queue-positions.ts';
import { createRoutingResources } from './resources.ts';
import { supervisorSnapshot } from './supervision.ts';
import { type CreateTaskOptions, createTaskLifecycle } from './tasks.ts';
import { createTransfer } from './transfer.ts';
import { taskView } from './views.ts';
import { createWorkerRouting } from './workers.ts';
import { WRAP_UP_LIMIT_KIND } from './wrap-up.ts';

export type { RoutingDeps, RoutingOptions } from './context.ts';
export { RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';

export type Routing = ReturnType<typeof createRouting>;

export function createRouting(deps: RoutingDeps) {
  const { dispatch } = createDispatcher(deps);
  const ctx = createContext(deps, dispatch);
  const janitor = createJanitor(ctx);
  const tasks = createTaskLifecycle(ctx, janitor);
  const offers = createOffers(ctx);
  const workers = createWorkerRouting(ctx);
  const { transfer } = createTransfer(ctx, tasks);
  const queuePositions = createQueuePositions(deps);

  /** The chat ends from the channel's side: the task is canceled or wraps, the channel closes. */
  async function endFromChannel(channel: Channel, reason: string, text: string) {
    await tasks.endOpenTask(channel, reason);
    await deps.conversations.postSystem(channel.sid, text, { event: 'chat.ended' });
    await janitor.closeChannel(channel);
  }

  return {
    dispatch,
    queuePositions,
    resources: createRoutingResources(ctx),
    ...workers,

    /** Creates the channel's task unless one is still open there, and offers it. */
    createTask(
      channel: Channel,
      attributes: Record<string, unknown>,
      priority?: number,
      options: Omit<CreateTaskOptions, 'priority'> = {},
    ): Promise<Task> {
      return tasks.createTask(channel, attributes, { ...options, priority });
    },
    updateTask: tasks.update,
    deleteTask: tasks.delete,

    accept: offers.accept,
    reject: offers.reject,
    /**
     * TaskRouter's reservation `wrapping` / `completed`: the task an accepted reservation holds
     * wraps up or completes; any other reservation holds no task (409).
     */
    finishReservation(reservation: Reservation, status: 'wrapping' | 'completed') {
      if (reservation.status !== 'accepted')
        throw conflict(
          `Reservation ${reservation.sid} is ${reservation.status}: only an accepted reservation's task can be ${status}`,
        );
      return tasks.update(reservation.taskSid, { status });
    },
    /** End chat; `wrapUp` (disposition, notes) lands in the task's `attributes.wrapUp`. */
    async wrap(workerSid: string, taskSid: string, wrapUp: WrapUp = {}) {
      return taskView(await tasks.wrapBy(workerSid, taskSid, wrapUp), deps.clock());
    },
    async complete(workerSid: string, taskSid: string, wrapUp: WrapUp = {}) {
      return taskView(await tasks.completeBy(workerSid, taskSid, wrapUp), deps.clock());
    },
    async transfer(workerSid: string, request: TransferRequest) {
      return taskView(await transfer(workerSid, request), deps.clock());
    },
    supervisorSnapshot: () => supervisorSnapshot(deps.store, deps.clock()),

    /** The customer ended the chat: an unanswered task is canceled, an assigned one wraps. */
    endByCustomer(channel: Channel) {
      return endFromChannel(
        channel,
        'the customer ended the chat',
        `${channel.attributes.from} ended the chat`,
      );
    },
    /** The bot ended the chat (its end-chat widget). */
    endByBot(channel: Channel) {
      return endFromChannel(channel, 'the bot ended the chat', 'The chat has ended');
    },
    /** A channel ended through the Channel API (`status: inactive`). */
    endByRequest(channel: Channel) {
      return endFromChannel(channel, 'the channel was closed', 'The chat has ended');
    },

    /** The timers routing owns, for the scheduler. */
    timerHandlers: {
      [RESERVATION_TIMEOUT_KIND]: (sid: string) => offers.expire(sid),
      [TASK_TTL_KIND]: (sid: string) => tasks.onTtl(sid),
      [WRAP_UP_LIMIT_KIND]: (sid: string) => tasks.onWrapUpLimit(sid),
      [TARGET_TIMEOUT_KIND]: (ref: string) => tasks.onTargetTimeout(ref),
      [AGENT_GRACE_KIND]: (sid: string) => workers.onGraceExpired(sid),
    },
  };
}
