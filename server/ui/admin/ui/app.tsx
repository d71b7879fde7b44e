/** The console's root: the sign-in form, or the console once an admin is signed in. */
import { useMemo, useState } from 'preact/hooks';
import { createApi } from '../client/api.ts';
import { type AdminSession, clearSession, loadSession, saveSession } from '../client/session.ts';
import { Console } from './console.tsx';
import { SignIn } from './sign-in.tsx';

export function App() {
  const [session, setSession] = useState<AdminSession | null>(() => loadSession());
  const [reason, setReason] = useState<string | null>(null);
  const signOut = (why: string | null) => {
    clearSession();
    setReason(why);
    setSession(null);
  };
  const api = useMemo(() => session && createApi(session.token, signOut), [session]);
  if (!session || !api) {
    return (
      <SignIn
        reason={reason}
        onSignedIn={(next) => {
          saveSession(next);
          setSession(next);
        }}
      />
    );
  }
  return <Console api={api} session={session} onSignOut={() => signOut(null)} />;
}
