/**
 * An agent's wrap-up of a chat: a disposition from the chat's list and a free note, kept in the
 * task's `attributes.wrapUp` so REST (`GET /v1/Tasks/:sid`), webhooks and the task's history
 * carry it without a schema of their own. The list is the Flex Flow's
 * `integration.dispositions`, else the server's default, so each channel can code its chats.
 *
 * The same `integration` may set `wrapUpSeconds`: a wrap-up time limit. When a task starts
 * wrapping, its end is stored (`attributes.wrapUpEndsAt`, the desk counts down to it) and a
 * timer row is scheduled; if the task is still wrapping then, it completes by itself with
 * `attributes.wrapUp.autoCompleted`, freeing the agent's capacity. Being a store timer, the
 * limit survives a restart and, on several nodes, is acted on once.
 */
import { ParleyError } from '../../errors.ts';
import type { WrapUpInfo, WrapUpRequest } from '../../protocol.ts';
import type { Store, Task } from '../../store/types.ts';
import type { RoutingContext } from './context.ts';

/** The timer kind of a wrap-up time limit; its ref is the task sid. */
export const WRAP_UP_LIMIT_KIND = 'task.wrap-up-limit';
/** Bounds of `integration.wrapUpSeconds` (also checked where Flex Flows are written). */
export const WRAP_UP_SECONDS = { min: 1, max: 86_400 } as const;

/** Disposition codes of a Flex Flow that names none. */
export const DEFAULT_DISPOSITIONS = ['Resolved', 'Follow-up needed', 'Escalated', 'No answer needed'];

/** The disposition codes an agent may choose for chats of this Flex Flow `integration`. */
export function dispositionsOf(integration: Record<string, unknown> | undefined): string[] {
  const named = integration?.dispositions;
  if (Array.isArray(named)) {
    const codes = named.filter((d): d is string => typeof d === 'string' && d.trim() !== '');
    if (codes.length) return codes;
  }
  return DEFAULT_DISPOSITIONS;
}

/** The wrap-up time limit in seconds a Flex Flow `integration` sets, or null for none. */
export function wrapUpSecondsOf(integration: Record<string, unknown> | undefined): number | null {
  const seconds = integration?.wrapUpSeconds;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= WRAP_UP_SECONDS.min
    ? Math.min(seconds, WRAP_UP_SECONDS.max)
    : null;
}

/**
 * Starts the wrap-up time limit of a task that has just started wrapping, when its Flex Flow
 * sets one: the end goes into its attributes, the timer into the store. Returns the task as
 * stored now.
 */
export async function startWrapUpLimit({ store, clock }: RoutingContext, task: Task): Promise<Task> {
  const channel = await store.channels.get(task.channelSid);
  const flexFlow = channel ? await store.flexFlows.get(channel.flexFlowSid) : null;
  const seconds = wrapUpSecondsOf(flexFlow?.integration);
  if (seconds === null) return task;
  const endsAt = new Date(clock().getTime() + seconds * 1000).toISOString();
  await store.timers.schedule(WRAP_UP_LIMIT_KIND, task.sid, endsAt);
  return (
    (await store.tasks.update(task.sid, { attributes: { ...task.attributes, wrapUpEndsAt: endsAt } })) ?? task
  );
}

/** When the wrap-up of a wrapping task must end, or null when it has no limit. */
export function wrapUpEndsAtOf(task: Task): string | null {
  const endsAt = task.attributes.wrapUpEndsAt;
  return task.status === 'wrapping' && typeof endsAt === 'string' ? endsAt : null;
}

/** A task's attributes once its wrap-up time ran out: what the agent gave is kept. */
export function autoCompletedWrapUp(task: Task, now: Date): Record<string, unknown> {
  const earlier = (task.attributes.wrapUp ?? {}) as Partial<WrapUpInfo>;
  const wrapUp: WrapUpInfo = {
    disposition: earlier.disposition ?? null,
    notes: earlier.notes ?? null,
    workerSid: earlier.workerSid ?? task.workerSid ?? '',
    dateWrapped: earlier.dateWrapped ?? now.toISOString(),
    autoCompleted: true,
  };
  return { ...task.attributes, wrapUp };
}

/** The disposition codes of the Flex Flow the channel of `task` came through. */
export async function dispositionsFor(store: Store, task: Task): Promise<string[]> {
  const channel = await store.channels.get(task.channelSid);
  const flexFlow = channel ? await store.flexFlows.get(channel.flexFlowSid) : null;
  return dispositionsOf(flexFlow?.integration);
}

/**
 * The task's attributes with the wrap-up recorded, or null when the request carries none
 * (a plain End chat / Complete leaves the attributes alone). A disposition outside the list
 * is refused naming the list, so a desk with a stale list learns why.
 */
export async function withWrapUp(
  store: Store,
  task: Task,
  workerSid: string,
  { disposition, notes }: Omit<WrapUpRequest, 'taskSid'>,
  now: Date,
): Promise<Record<string, unknown> | null> {
  if (disposition === undefined && notes === undefined) return null;
  if (disposition !== undefined) {
    const codes = await dispositionsFor(store, task);
    if (!codes.includes(disposition)) {
      throw new ParleyError(
        'invalid_disposition',
        `disposition must be one of ${codes.map((c) => JSON.stringify(c)).join(', ')} (the Flex Flow's integration.dispositions); got ${JSON.stringify(disposition)}`,
        400,
      );
    }
  }
  // A second wrap-up (End chat with one, Complete with another) keeps what it does not replace.
  const earlier = (task.attributes.wrapUp ?? {}) as Partial<WrapUpInfo>;
  const wrapUp: WrapUpInfo = {
    disposition: disposition ?? earlier.disposition ?? null,
    notes: notes?.trim() || (notes === undefined ? (earlier.notes ?? null) : null),
    workerSid,
    dateWrapped: now.toISOString(),
  };
  return { ...task.attributes, wrapUp };
}
