/**
 * Hands the store and the server client to every component of the desk without threading
 * them through props; both are created per signed-in session, never as module singletons.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { DeskClient } from '../client/desk-client.ts';
import type { DeskState } from '../state/desk-state.ts';
import { addNotice } from '../state/desk-updates.ts';
import { type Store, useStoreState } from '../state/store.ts';

export interface DeskContextValue {
  store: Store<DeskState>;
  client: DeskClient;
  /** The agent's session token, for the authorised file route. */
  token: string;
}

export const DeskContext = createContext<DeskContextValue | null>(null);

export function useDesk(): DeskContextValue {
  const value = useContext(DeskContext);
  if (!value) throw new Error('useDesk() must be used inside <DeskContext.Provider>');
  return value;
}

/** The current desk state; the calling component re-renders when it changes. */
export function useDeskState(): DeskState {
  return useStoreState(useDesk().store);
}

/** Runs an agent action and shows its failure as a notice rather than losing it. */
export function useRunAction(): (action: () => Promise<unknown>) => Promise<void> {
  const { store } = useDesk();
  return async (action) => {
    try {
      await action();
    } catch (error) {
      store.update(addNotice(error instanceof Error ? error.message : String(error), 'error'));
    }
  };
}
