/**
 * Which states of a Studio definition a run can reach: from the trigger along transitions, and
 * which only an incoming call leads to (a part that never runs on Parley's chats).
 */
import type { Transition } from '../../studio-types.ts';

/** Names reachable from `from` along transitions, the `skip` ones left out. */
export function reach(
  byName: Map<string, Record<string, unknown>>,
  from: string,
  skip?: (t: Transition) => boolean,
) {
  const reached = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const state = byName.get(queue.shift() as string);
    for (const t of Array.isArray(state?.transitions) ? state.transitions : []) {
      // A definition is checked as it came: a transition may be anything.
      const transition = (typeof t === 'object' && t !== null ? t : {}) as Partial<Transition>;
      if (skip && state?.name === from && skip(transition as Transition)) continue;
      const next = typeof transition.next === 'string' ? transition.next : '';
      if (next && byName.has(next) && !reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}

/**
 * The states that only the trigger's `incomingCall` leads to, in a flow that also serves
 * messages. Studio flows often serve both; on Parley a chat never starts with a call, so that
 * part never runs. A flow for calls alone has none: it is a voice flow, refused as one.
 */
export function callOnlyStates(
  byName: Map<string, Record<string, unknown>>,
  initial: string,
  reachable: Set<string>,
): Set<string> {
  if (reachable.size === 0) return new Set();
  const chats = reach(byName, initial, (t) => t.event === 'incomingCall');
  if (chats.size === 1) return new Set();
  return new Set([...reachable].filter((name) => !chats.has(name)));
}
