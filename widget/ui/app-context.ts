/**
 * What every component may use, provided once by the root: the store, the strings, and the
 * visitor's actions. Components read state through `useChatState` and act through `actions`.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Strings } from '../i18n';
import type { ChatState } from '../state/chat-state';
import type { Store } from '../state/store';

export interface Actions {
  open(): void;
  close(): void;
  send(body: string): void;
  typing(): void;
  end(): void;
  startNew(): void;
  retry(): void;
}

export interface AppServices {
  store: Store<ChatState>;
  strings: Strings;
  actions: Actions;
}

export const AppContext = createContext<AppServices>(null as unknown as AppServices);

export const useApp = (): AppServices => useContext(AppContext);

/** The current ChatState, re-rendering the component whenever it changes. */
export function useChatState(): ChatState {
  const { store } = useApp();
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return state;
}
