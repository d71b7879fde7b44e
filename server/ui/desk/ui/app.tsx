/**
 * The page's top level: the sign-in form until there is a session, then the desk. A session
 * the server refuses (expired, revoked) brings the agent back here with a reason.
 */
import { useState } from 'preact/hooks';
import { type AgentSession, clearSession, loadSession, saveSession } from '../client/session.ts';
import { Desk } from './desk.tsx';
import { SignIn } from './sign-in.tsx';

export function App() {
  const [session, setSession] = useState<AgentSession | null>(() => loadSession());
  const [reason, setReason] = useState<string | null>(null);

  if (!session) {
    return (
      <SignIn
        reason={reason}
        onSignedIn={(next) => {
          saveSession(next);
          setReason(null);
          setSession(next);
        }}
      />
    );
  }
  return (
    <Desk
      session={session}
      onSignedOut={(why) => {
        clearSession();
        setReason(why);
        setSession(null);
      }}
    />
  );
}
