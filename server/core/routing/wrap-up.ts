/**
 * An agent's wrap-up of a chat: a disposition from the chat's list and a free note, kept in the
 * task's `attributes.wrapUp` so REST (`GET /v1/Tasks/:sid`), webhooks and the task's history
 * carry it without a schema of their own. The list is the Flex Flow's
 * `integration.dispositions`, else the server's default, so each channel can code its chats.
 */
import { ParleyError } from '../../errors.ts';
import type { WrapUpInfo, WrapUpRequest } from '../../protocol.ts';
import type { Store, Task } from '../../store/types.ts';

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
