/**
 * A minimal typed store: one state value, replaced (never mutated) by pure update functions,
 * with subscribers notified after each change. Deliberately tiny: it ships to every visitor.
 */

export type Update<S> = (state: S) => S;

export interface Store<S> {
  get(): S;
  /** Applies a pure update; subscribers run only when the state object actually changed. */
  update(fn: Update<S>): void;
  subscribe(listener: (state: S) => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    update(fn) {
      const next = fn(state);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
