/** The sign-in form. Errors are announced (role="alert") so a screen reader hears them too. */
import { useState } from 'preact/hooks';
import { type AdminSession, signIn } from '../client/session.ts';

interface SignInProps {
  /** Why the admin is here again (an ended session), if that is the case. */
  reason: string | null;
  onSignedIn(session: AdminSession): void;
}

export function SignIn({ reason, onSignedIn }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(username.trim(), password));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form class="sign-in__card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Parley admin console</h1>
        {reason && !error && <p class="sign-in__reason">{reason}</p>}
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
