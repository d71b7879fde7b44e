/**
 * The desk's state lives in the widget's small store (one immutable value, changed only by
 * pure update functions, see desk-updates.ts and chat-updates.ts); this adds the Preact hook
 * that re-renders a component when it changes.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Store } from '../../../../widget/state/store.ts';

export { createStore, type Store, type Update } from '../../../../widget/state/store.ts';

/** Re-renders the calling component whenever the store changes. */
export function useStoreState<S>(store: Store<S>): S {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return state;
}
