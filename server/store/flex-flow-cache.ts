/**
 * Flex Flows served from memory. Every customer message, every bot or agent message on a
 * messaging channel and every visitor handshake reads its Flex Flow, and Flex Flows change
 * only when an administrator edits one, so each node keeps the ones it read.
 *
 * What this node writes it forgets at once. What other nodes write reaches it through
 * `changes` (PostgreSQL: a trigger on `flex_flows` notifies every listening node when a
 * change commits). While this node cannot hear changes (not yet listening, or its listening
 * connection lost), nothing is kept and every read goes to the database, so no node serves a
 * Flex Flow longer than its change takes to arrive, and none keeps a copy longer than KEEP_MS
 * whatever it heard. A read that was under way when a change arrived is answered but not kept:
 * it may have read the row from before the change.
 *
 * Cached Flex Flows are frozen: every caller shares the same object.
 */
import type { FlexFlow, FlexFlowRepository } from './types.ts';

/** How a node hears of changes other nodes commit. */
export interface FlexFlowChanges {
  /** Whether changes are heard now; while false, nothing is kept. */
  readonly listening: boolean;
  /**
   * `sid` changed (or `null`: anything may have changed, e.g. the connection that carries
   * changes was lost or came back).
   */
  onChange(listener: (sid: string | null) => void): void;
}

/** Past this many, the memory starts again (a miss costs one read). */
const MAX_CACHED = 10_000;
/**
 * However a change is missed (a notification lost with a connection nobody knew had died, a
 * pooler that does not pass notifications on), no copy is served longer than this.
 */
export const KEEP_MS = 30_000;

export type CachedFlexFlows = FlexFlowRepository & {
  /** Forgets `sid`, or every Flex Flow (`null`). */
  forget(sid: string | null): void;
};

export function cachedFlexFlows(
  repository: FlexFlowRepository,
  changes?: FlexFlowChanges,
  now: () => number = Date.now,
): CachedFlexFlows {
  const kept = new Map<string, { flexFlow: FlexFlow; until: number }>();
  // Bumped by every change: a read that began before one is not kept.
  let generation = 0;
  const listening = () => changes?.listening ?? true;

  function forget(sid: string | null) {
    generation++;
    if (sid === null) kept.clear();
    else kept.delete(sid);
  }
  changes?.onChange(forget);

  return {
    forget,
    async get(sid) {
      const hit = kept.get(sid);
      if (hit && hit.until > now()) return hit.flexFlow;
      const began = generation;
      const flexFlow = await repository.get(sid);
      if (!flexFlow) return null;
      const frozen = deepFreeze(flexFlow);
      if (generation === began && listening()) {
        if (kept.size >= MAX_CACHED) kept.clear();
        kept.set(sid, { flexFlow: frozen, until: now() + KEEP_MS });
      }
      return frozen;
    },
    list: () => repository.list(),
    create: (input) => repository.create(input),
    async update(sid, patch) {
      forget(sid);
      try {
        return await repository.update(sid, patch);
      } finally {
        forget(sid);
      }
    },
    async delete(sid) {
      forget(sid);
      try {
        return await repository.delete(sid);
      } finally {
        forget(sid);
      }
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
