/**
 * The signed-in desk: a store and a server connection for this session, and the three-column
 * layout of a contact-center desk (chats, conversation, customer context).
 */
import { useEffect, useMemo } from 'preact/hooks';
import { watchAttention } from '../client/attention.ts';
import { connectDesk } from '../client/desk-client.ts';
import { loadOutbox, saveOutbox } from '../client/outbox-storage.ts';
import type { AgentSession } from '../client/session.ts';
import { createDeskState } from '../state/desk-state.ts';
import { createStore } from '../state/store.ts';
import { ChatList } from './chat-list.tsx';
import { ContextPanel } from './context-panel.tsx';
import { Conversation } from './conversation.tsx';
import { DeskContext, type DeskContextValue, useDeskState } from './desk-context.ts';
import { Notices } from './notices.tsx';
import { OfferList } from './offer-list.tsx';
import { SearchView } from './search-view.tsx';
import { SupervisorView } from './supervisor-view.tsx';
import { TopBar } from './top-bar.tsx';

/** The selected chat, the supervisor view when a supervisor opened it, or the search. */
function MainView() {
  const { view } = useDeskState();
  if (view === 'supervisor') return <SupervisorView />;
  if (view === 'search') return <SearchView />;
  return <Conversation />;
}

interface DeskProps {
  session: AgentSession;
  /** Leaves the desk; `reason` is shown on the sign-in form. */
  onSignedOut(reason: string | null): void;
}

export function Desk({ session, onSignedOut }: DeskProps) {
  const desk = useMemo<DeskContextValue>(() => {
    const store = createStore(createDeskState(session.worker, loadOutbox()));
    const client = connectDesk({
      token: session.token,
      store,
      onUnauthorized: () => onSignedOut('Your session has ended. Sign in again.'),
    });
    return { store, client, token: session.token };
  }, [session.token]);

  useEffect(() => {
    let saved = desk.store.get().outbox;
    const unsubscribe = desk.store.subscribe((state) => {
      if (state.outbox === saved) return;
      saved = state.outbox;
      saveOutbox(saved);
    });
    const stopAttention = watchAttention({ store: desk.store });
    return () => {
      unsubscribe();
      stopAttention();
      desk.client.close();
    };
  }, [desk]);

  function signOut() {
    // Unsent messages belong to this agent's session, not to whoever signs in next.
    saveOutbox([]);
    onSignedOut(null);
  }

  return (
    <DeskContext.Provider value={desk}>
      <div class="desk">
        <TopBar onSignOut={signOut} />
        <Notices />
        <aside class="desk__chats" aria-label="Chats">
          <OfferList />
          <ChatList />
        </aside>
        <main class="desk__conversation">
          <MainView />
        </main>
        <aside class="desk__context" aria-label="Customer context">
          <ContextPanel />
        </aside>
      </div>
    </DeskContext.Provider>
  );
}
