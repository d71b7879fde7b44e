/**
 * The sign-in form of the agent desktop and the admin console: "Username", "Password",
 * "Sign in". Errors are announced (role="alert") so a screen reader hears them too. Each app
 * passes its own title, its own sign-in call and the class names its stylesheet gives.
 */
import { useState } from 'preact/hooks';

export interface SignInFormProps<S> {
  title: string;
  /** Why the person is here again (an ended session), if that is the case. */
  reason: string | null;
  signIn(username: string, password: string): Promise<S>;
  onSignedIn(session: S): void;
  classes?: { error?: string; submit?: string };
}

export function SignInForm<S>({ title, reason, signIn, onSignedIn, classes = {} }: SignInFormProps<S>) {
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
        <h1 id="sign-in-title">{title}</h1>
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
          <p class={classes.error} role="alert">
            {error}
          </p>
        )}
        <button type="submit" class={classes.submit} disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
