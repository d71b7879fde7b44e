/**
 * A minimal observable store: the desk's whole state is one immutable value, changed only by
 * pure update functions (see updates.ts), so every change can be read and tested in isolation.
 */
import { useEffect, useState } from 'preact/hooks';

export type Update<S> = (state: S) => S;

export interface Store<S> {
  get(): S;
  /** Applies a pure update and notifies subscribers when the value changed. */
  apply(update: Update<S>): void;
  subscribe(listener: (state: S) => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    apply(update) {
      const next = update(state);
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

/** Re-renders the calling component whenever the store changes. */
export function useStoreState<S>(store: Store<S>): S {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return state;
}
