/**
 * The life of a task: created for a channel and placed by its workflow, moved on when a
 * target times out, canceled by its TTL or by request, wrapped and completed by its agent or
 * the API, deleted. Each state change is one conditional store call; the janitor runs after.
 */
import { changedSince, conflict, forbidden, notFound, ParleyError } from '../../errors.ts';
import type { TaskStatus, WrapUpRequest } from '../../protocol.ts';
import type { Channel, NewTask, Task } from '../../store/types.ts';
import { type RoutingContext, TARGET_TIMEOUT_KIND, TASK_TTL_KIND } from './context.ts';
import { RESERVATION_TIMEOUT_KIND } from './dispatcher.ts';
import type { Janitor } from './janitor.ts';
import { nextPlacement, type Placement, placeTask } from './workflows.ts';
import { autoCompletedWrapUp, startWrapUpLimit, withWrapUp } from './wrap-up.ts';

export interface CreateTaskOptions {
  priority?: number;
  /** The workflow to route by; else the Flex Flow's `integration.workflowSid`, else the first one that exists. */
  workflowSid?: string;
  /** TTL in seconds; else the Flex Flow's `integration.timeout`, else the server's default. */
  timeout?: number;
  /** Offer the task to this worker only (an agent's own outbound conversation). */
  targetWorkerSid?: string;
}

export function createTaskLifecycle(ctx: RoutingContext, janitor: Janitor) {
  const { store, events, conversations } = ctx;

  /**
   * The first of the named workflows that exists, else the first workflow: a flow imported from
   * Twilio names workflow sids this server does not have, and its chats must still reach agents.
   */
  async function workflowFor(named: (string | undefined)[]) {
    for (const sid of named) {
      const workflow = sid ? await store.workflows.get(sid) : null;
      if (workflow) return workflow;
    }
    return (await store.workflows.list())[0] ?? null;
  }

  async function placementFor(attributes: Record<string, unknown>, named: (string | undefined)[]) {
    const workflow = await workflowFor(named);
    const placed = workflow ? placeTask(workflow, attributes) : null;
    if (placed) return { workflow, placement: placed };
    const [queue] = await store.queues.list();
    if (!queue)
      throw new ParleyError('no_task_queue', 'No TaskQueue exists: create one with POST /v1/TaskQueues', 409);
    const placement: Placement = {
      queueSid: queue.sid,
      filterName: null,
      targetIndex: 0,
      targetExpression: null,
      priority: undefined,
      timeout: undefined,
    };
    return { workflow, placement };
  }

  /** Stores the task unless the channel has an open one; a new one starts its timers and is offered. */
  async function enqueue(input: NewTask, targetTimeout: number | undefined) {
    const { task, created } = await store.tasks.createUnlessOpen(input);
    if (!created) return task;
    await ctx.record.task(task, 'created', {
      at: task.dateCreated,
      details: task.attributes.transfer ? { transfer: true } : {},
    });
    const channel = await store.channels.get(task.channelSid);
    if (channel) events.emit('channel.updated', channel);
    events.emit('task.created', task);
    await store.timers.schedule(TASK_TTL_KIND, task.sid, ctx.dueIn(task.timeout));
    if (targetTimeout)
      await store.timers.schedule(TARGET_TIMEOUT_KIND, targetRef(task), ctx.dueIn(targetTimeout));
    ctx.dispatchSoon();
    return task;
  }

  async function endOffers(reservations: { sid: string }[]) {
    for (const reservation of reservations) {
      await store.timers.cancel(RESERVATION_TIMEOUT_KIND, reservation.sid);
      const ended = await store.reservations.get(reservation.sid);
      if (ended) events.emit('offer.ended', ended);
    }
  }

  async function cancel(taskSid: string, reason: string | null): Promise<Task | null> {
    const result = await store.tasks.cancel(taskSid, reason);
    if (!result) return null;
    await ctx.record.task(result.task, 'canceled', { details: { reason } });
    await endOffers(result.reservations);
    await ctx.announce(result.task);
    await janitor.onTaskEnded(result.task.channelSid, 'task canceled');
    // A reserved task held a place in someone's capacity.
    ctx.dispatchSoon();
    return result.task;
  }

  async function wrap(task: Task, reason?: string): Promise<Task> {
    const started = await store.tasks.transition(task.sid, ['assigned'], 'wrapping', reason);
    if (!started) throw conflict(`Task ${task.sid} is ${task.status}; only an assigned task can be wrapped`);
    const wrapped = await startWrapUpLimit(ctx, started);
    await ctx.record.task(wrapped, 'wrapping');
    const worker = wrapped.workerSid ? await store.workers.get(wrapped.workerSid) : null;
    await conversations.postSystem(task.channelSid, `${worker?.friendlyName ?? 'The agent'} ended the chat`, {
      event: 'chat.ended',
    });
    await janitor.onTaskEnded(task.channelSid, 'task wrapping');
    await ctx.announce(wrapped);
    return wrapped;
  }

  async function complete(task: Task, reason?: string): Promise<Task> {
    const completed = await store.tasks.transition(task.sid, ['assigned', 'wrapping'], 'completed', reason);
    if (!completed) throw conflict(`Task ${task.sid} is ${task.status}; it cannot be completed`);
    await ctx.record.task(completed, 'completed');
    await janitor.onTaskEnded(task.channelSid, 'task completed');
    await ctx.announce(completed);
    ctx.dispatchSoon();
    return completed;
  }

  async function recordWrapUp(workerSid: string, task: Task, wrapUp: Omit<WrapUpRequest, 'taskSid'>) {
    if (task.status !== 'assigned' && task.status !== 'wrapping') return task;
    const attributes = await withWrapUp(store, task, workerSid, wrapUp, ctx.clock());
    return attributes ? ((await store.tasks.update(task.sid, { attributes })) ?? task) : task;
  }

  async function getTask(sid: string): Promise<Task> {
    const task = await store.tasks.get(sid);
    if (!task) throw notFound('Task', sid);
    return task;
  }

  /**
   * A request sent with If-Match: the task moves on from `ifRevision` in one conditional write
   * (with the patch's attributes and priority, if any), or nothing is done because it has
   * changed since. A second request with the same ETag then finds it changed too.
   */
  async function claim(
    sid: string,
    ifRevision: number,
    patch: { attributes?: Record<string, unknown>; priority?: number } = {},
  ) {
    const claimed = await store.tasks.update(sid, patch, ifRevision);
    if (claimed) return claimed;
    throw changedSince(await getTask(sid));
  }

  return {
    enqueue,
    cancel,
    getTask,

    /** Creates the channel's task unless one is still open there, routed by its workflow. */
    async createTask(channel: Channel, attributes: Record<string, unknown>, options: CreateTaskOptions = {}) {
      const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
      const integration = (flexFlow?.integration ?? {}) as { workflowSid?: unknown; timeout?: unknown };
      const fromFlexFlow = typeof integration.workflowSid === 'string' ? integration.workflowSid : undefined;
      const { workflow, placement } = await placementFor(attributes, [options.workflowSid, fromFlexFlow]);
      const ttl =
        options.timeout ?? (typeof integration.timeout === 'number' ? integration.timeout : undefined);
      return enqueue(
        {
          channelSid: channel.sid,
          queueSid: placement.queueSid,
          workflowSid: workflow?.sid ?? null,
          priority: placement.priority ?? options.priority ?? 0,
          attributes,
          timeout: ttl ?? ctx.taskTimeoutSeconds,
          filterName: placement.filterName,
          targetIndex: placement.targetIndex,
          targetExpression: placement.targetExpression,
          targetWorkerSid: options.targetWorkerSid ?? null,
        },
        placement.timeout,
      );
    },

    /** The agent's End chat, with a wrap-up when the agent already gave one. */
    async wrapBy(workerSid: string, taskSid: string, wrapUp: Omit<WrapUpRequest, 'taskSid'> = {}) {
      return wrap(await recordWrapUp(workerSid, await heldBy(workerSid, taskSid), wrapUp));
    },
    /** The agent's Complete: the wrap-up (disposition, notes) is stored before the task completes. */
    async completeBy(workerSid: string, taskSid: string, wrapUp: Omit<WrapUpRequest, 'taskSid'> = {}) {
      return complete(await recordWrapUp(workerSid, await heldBy(workerSid, taskSid), wrapUp));
    },

    /**
     * `POST /v1/Tasks/:sid`: attributes, priority, and the status changes TaskRouter allows; with
     * `ifRevision` (If-Match), only while the task is still at that revision.
     */
    async update(
      sid: string,
      patch: {
        attributes?: Record<string, unknown>;
        priority?: number;
        status?: TaskStatus;
        reason?: string;
      },
      ifRevision?: number,
    ): Promise<Task> {
      const changes = { attributes: patch.attributes, priority: patch.priority };
      const changing = patch.attributes !== undefined || patch.priority !== undefined;
      let task = ifRevision === undefined ? await getTask(sid) : await claim(sid, ifRevision, changes);
      if (ifRevision === undefined && changing) task = (await store.tasks.update(sid, changes)) ?? task;
      if (changing) {
        await ctx.announce(task);
        if (task.status === 'pending') ctx.dispatchSoon();
      }
      if (patch.status === 'canceled') {
        const canceled = await cancel(sid, patch.reason ?? null);
        if (!canceled)
          throw conflict(`Task ${sid} is ${task.status}; only a pending or reserved task can be canceled`);
        return canceled;
      }
      if (patch.status === 'wrapping') return wrap(task, patch.reason);
      if (patch.status === 'completed') return complete(task, patch.reason);
      return task;
    },

    /** Deletes the task; with `ifRevision` (If-Match), only while it is still at that revision. */
    async delete(sid: string, ifRevision?: number) {
      const task = ifRevision === undefined ? await getTask(sid) : await claim(sid, ifRevision);
      const pending = await store.reservations.list({ taskSid: sid, status: 'pending' });
      await store.tasks.delete(sid);
      for (const reservation of pending) {
        await store.timers.cancel(RESERVATION_TIMEOUT_KIND, reservation.sid);
        ctx.events.emit('offer.ended', { ...reservation, status: 'canceled' });
      }
      await store.timers.cancel(TASK_TTL_KIND, sid);
      if (task.status !== 'completed' && task.status !== 'canceled') {
        await ctx.record.task(task, 'canceled', { details: { reason: 'deleted' } });
        await ctx.announce({ ...task, status: 'canceled', reason: 'deleted' });
        await janitor.onTaskEnded(task.channelSid, 'task deleted');
      }
      ctx.dispatchSoon();
    },

    /** The TTL timer fired: a task nobody took is canceled. */
    async onTtl(taskSid: string) {
      await cancel(taskSid, 'Task TTL Exceeded');
    },

    /** A target's timeout fired: the task moves to the filter's next target (or the default filter). */
    async onTargetTimeout(ref: string) {
      const [taskSid, index] = ref.split('|');
      const task = taskSid ? await store.tasks.get(taskSid) : null;
      if (!task?.workflowSid || task.targetIndex !== Number(index)) return;
      if (task.status !== 'pending' && task.status !== 'reserved') return;
      const workflow = await store.workflows.get(task.workflowSid);
      const next = workflow && nextPlacement(workflow, task);
      if (!next) return;
      const moved = await store.tasks.retarget(task.sid, task.targetIndex, {
        queueSid: next.queueSid,
        priority: next.priority ?? task.priority,
        filterName: next.filterName,
        targetIndex: next.targetIndex,
        targetExpression: next.targetExpression,
      });
      if (!moved) return;
      await ctx.record.task(moved.task, 'retargeted', { workerSid: null });
      await endOffers(moved.rescinded);
      if (next.timeout)
        await store.timers.schedule(TARGET_TIMEOUT_KIND, targetRef(moved.task), ctx.dueIn(next.timeout));
      await ctx.announce(moved.task);
      ctx.dispatchSoon();
    },

    /** The customer or the bot ended the chat: a waiting task is canceled, an assigned one wraps. */
    async endOpenTask(channel: Channel, reason: string) {
      const task = channel.attributes.taskSid ? await store.tasks.get(channel.attributes.taskSid) : null;
      if (!task) return;
      if (await cancel(task.sid, reason)) return;
      const started = await store.tasks.transition(task.sid, ['assigned'], 'wrapping', reason);
      if (!started) return;
      const wrapped = await startWrapUpLimit(ctx, started);
      await ctx.record.task(wrapped, 'wrapping');
      await ctx.announce(wrapped);
    },

    /** The wrap-up time limit ran out: a task still wrapping completes by itself, marked so. */
    async onWrapUpLimit(taskSid: string) {
      // Conditional: when the agent completed it first, there is nothing left to do.
      const ended = await store.tasks.transition(
        taskSid,
        ['wrapping'],
        'completed',
        'Wrap-up time limit reached',
      );
      if (!ended) return;
      const completed =
        (await store.tasks.update(taskSid, { attributes: autoCompletedWrapUp(ended, ctx.clock()) })) ?? ended;
      await ctx.record.task(completed, 'completed');
      await janitor.onTaskEnded(completed.channelSid, 'task completed');
      await ctx.announce(completed);
      ctx.dispatchSoon();
    },
  };

  async function heldBy(workerSid: string, taskSid: string): Promise<Task> {
    const task = await getTask(taskSid);
    if (task.workerSid !== workerSid) throw forbidden(`Task ${taskSid} is not assigned to you`);
    return task;
  }
}

const targetRef = (task: Task) => `${task.sid}|${task.targetIndex}`;

export type TaskLifecycle = ReturnType<typeof createTaskLifecycle>;
