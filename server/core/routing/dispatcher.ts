/**
 * Offers pending tasks to workers: each task, in priority then age order, is reserved for the
 * longest-idle eligible worker (Available, with free capacity, matched by the queue's
 * targetWorkers and the target's expression, and who has not declined it). The reservation is
 * atomic in the store, so concurrent dispatchers (other nodes) never double-book; runs
 * requested while one is going coalesce into one more pass.
 */

import type { Clock } from '../../ids.ts';
import type { Store, Task, TaskQueue, Worker, Workflow } from '../../store/types.ts';
import type { EventBus } from '../events.ts';
import { compileExpression, type Scope } from './expression.ts';
import { createTaskEventRecorder } from './task-events.ts';
import { buildOffer, transferOf } from './views.ts';

export const RESERVATION_TIMEOUT_KIND = 'reservation.timeout';
/** Pending tasks read at a time by a dispatch pass. */
const PAGE = 200;

export interface DispatcherDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  reservationTimeoutSeconds: number;
  onError: (err: unknown) => void;
}

export function createDispatcher({
  store,
  events,
  clock,
  reservationTimeoutSeconds,
  onError,
}: DispatcherDeps) {
  let running: Promise<void> | null = null;
  let again = false;
  const compiled = new Map<string, (scope: Scope) => boolean>();
  const record = createTaskEventRecorder(store, onError);

  /** A stored expression that no longer parses matches nobody (and is reported once). */
  function matcher(expression: string): (scope: Scope) => boolean {
    let match = compiled.get(expression);
    if (!match) {
      try {
        match = compileExpression(expression);
      } catch (err) {
        onError(err);
        match = () => false;
      }
      compiled.set(expression, match);
    }
    return match;
  }

  function eligible(task: Task, queue: TaskQueue | undefined, worker: Worker): boolean {
    if (task.targetWorkerSid) return worker.sid === task.targetWorkerSid;
    if (!queue || !matcher(queue.targetWorkers)({ root: worker.attributes, worker: worker.attributes }))
      return false;
    if (!task.targetExpression) return true;
    return matcher(task.targetExpression)({
      root: worker.attributes,
      worker: worker.attributes,
      task: task.attributes,
    });
  }

  /**
   * Offers the task to its first eligible worker that can still take it: `reserved`, `skipped`
   * when none could, `nobody` when no worker at all can take a chat now.
   */
  async function offer(
    task: Task,
    queues: Map<string, TaskQueue>,
    workflows: Map<string, Workflow | null>,
  ): Promise<'reserved' | 'skipped' | 'nobody'> {
    const declined = (await store.reservations.list({ taskSid: task.sid, status: 'rejected' })).map(
      (r) => r.workerSid,
    );
    // A transferred chat does not go back to the agent who handed it on.
    const from = transferOf(task)?.fromWorkerSid;
    if (from) declined.push(from);
    const available = await store.workers.listAvailable(declined);
    if (available.length === 0 && declined.length === 0) return 'nobody';
    const candidates = available.filter((w) => eligible(task, queues.get(task.queueSid), w));
    if (candidates.length === 0) return 'skipped';
    const workflowSid = task.workflowSid;
    if (workflowSid && !workflows.has(workflowSid))
      workflows.set(workflowSid, await store.workflows.get(workflowSid));
    const seconds =
      (workflowSid && workflows.get(workflowSid)?.taskReservationTimeout) || reservationTimeoutSeconds;
    for (const worker of candidates) {
      const expiresAt = new Date(clock().getTime() + seconds * 1000).toISOString();
      const reservation = await store.reservations.reserve(task.sid, worker.sid, expiresAt);
      if (!reservation) continue;
      await store.timers.schedule(RESERVATION_TIMEOUT_KIND, reservation.sid, expiresAt);
      const reserved = await store.tasks.get(task.sid);
      if (reserved) {
        await record.task(reserved, 'reserved', {
          workerSid: worker.sid,
          details: { reservationSid: reservation.sid },
        });
        events.emit('task.updated', reserved);
        events.emit('offer.created', await buildOffer(store, reservation, reserved, clock()));
      }
      return 'reserved';
    }
    return 'skipped';
  }

  /**
   * Every pending task, a page at a time, until none is left to try: a pass that stopped at its
   * first page would leave the rest waiting until something else happens (a new chat, an agent
   * becoming free), however many agents are free. Tasks already tried in this pass (no worker
   * could take them) are read again at the front of the next page and passed over; the pass
   * ends as soon as no worker at all can take a chat.
   */
  async function pass() {
    let queues: Map<string, TaskQueue> | null = null;
    const workflows = new Map<string, Workflow | null>();
    const tried = new Set<string>();
    let skipped = 0;
    for (;;) {
      const limit = skipped + PAGE;
      const pending = await store.tasks.listPending(limit);
      const page = pending.filter((task) => !tried.has(task.sid));
      if (page.length === 0) return;
      queues ??= new Map((await store.queues.list()).map((q) => [q.sid, q]));
      for (const task of page) {
        tried.add(task.sid);
        const outcome = await offer(task, queues, workflows);
        if (outcome === 'nobody') return;
        if (outcome === 'skipped') skipped++;
      }
      // Fewer than asked for: every pending task has been seen.
      if (pending.length < limit) return;
    }
  }

  /** Runs a dispatch pass now, or once more after the one in progress. */
  function dispatch(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } catch (err) {
        onError(err);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return { dispatch, eligible };
}
