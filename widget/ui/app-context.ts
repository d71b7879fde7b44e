/**
 * What every component may use, provided once by the root: the store, the strings, the
 * visitor's actions and where the server is. Components read state through `useChatState`
 * and act through `actions`.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { StoredSession } from '../client/session-store';
import type { Strings } from '../i18n';
import type { ChatState } from '../state/chat-state';
import type { Store } from '../state/store';

export interface Actions {
  open(): void;
  close(): void;
  send(body: string, attributes?: Record<string, unknown>): void;
  resend(clientId: string): void;
  discard(clientId: string): void;
  /** Nobody can come to the queue: show the offline form instead. */
  leaveEmail(): void;
  typing(): void;
  end(): void;
  startNew(): void;
  retry(): void;
  submitForm(answers: Record<string, string>): void;
  sendOffline(message: { name: string; email: string; body: string }): Promise<void>;
  session(): StoredSession | null;
}

export interface AppServices {
  store: Store<ChatState>;
  strings: Strings;
  actions: Actions;
  serverUrl: string;
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
