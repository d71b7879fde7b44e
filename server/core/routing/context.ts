/** What the parts of routing share: the store, the event bus, the options, and a few helpers. */

import type { Clock } from '../../ids.ts';
import type { Activity } from '../../protocol.ts';
import type { Store, Task } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EventBus } from '../events.ts';
import { createTaskEventRecorder, type TaskEventRecorder } from './task-events.ts';
import { buildChat } from './views.ts';

export const TASK_TTL_KIND = 'task.ttl';
export const TARGET_TIMEOUT_KIND = 'task.target-timeout';
export const AGENT_GRACE_KIND = 'worker.disconnected';

export interface RoutingOptions {
  /** Offer timeout when the task's workflow sets none (default 30 s). */
  reservationTimeoutSeconds: number;
  /** Activity a worker whose offer timed out is given, when the workflow sets none; null keeps it. */
  reservationTimeoutActivity: Activity | null;
  /** A task's TTL when its Flex Flow sets no `integration.timeout` (default 86400 s). */
  taskTimeoutSeconds: number;
  /** How long an agent desktop may stay disconnected before its worker goes Offline (default 60 s). */
  agentDisconnectGraceSeconds: number;
}

export interface RoutingDeps extends RoutingOptions {
  store: Store;
  events: EventBus;
  clock: Clock;
  conversations: Conversations;
  onError: (err: unknown) => void;
  /** Runs work in the background where shutdown (and tests) can wait for it. */
  track: (work: Promise<unknown>) => void;
  /** Ends the channel's bot execution; bound late, as the bot runner itself needs routing. */
  endBot: (channelSid: string, reason: string) => Promise<void>;
}

export interface RoutingContext extends RoutingDeps {
  dispatch: () => Promise<void>;
  dispatchSoon: () => void;
  /** Tells everyone who follows tasks (agents holding it, supervisors, webhooks). */
  announce: (task: Task) => Promise<void>;
  dueIn: (seconds: number) => string;
  /** Task and worker events for supervisors' figures. */
  record: TaskEventRecorder;
}

export function createContext(deps: RoutingDeps, dispatch: () => Promise<void>): RoutingContext {
  const { store, events, clock, track } = deps;
  return {
    ...deps,
    dispatch,
    dispatchSoon: () => track(dispatch()),
    async announce(task) {
      events.emit('task.updated', task);
      if (task.workerSid && task.status !== 'reserved' && task.status !== 'pending') {
        events.emit('chat.updated', task.workerSid, await buildChat(store, task, clock()));
      }
    },
    dueIn: (seconds) => new Date(clock().getTime() + seconds * 1000).toISOString(),
    record: createTaskEventRecorder(store, deps.onError),
  };
}
