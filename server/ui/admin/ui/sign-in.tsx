/** The admin console's sign-in: the shared form with the console's title and session. */
import { SignInForm } from '../../shared/sign-in-form.tsx';
import { type AdminSession, signIn } from '../client/session.ts';

interface SignInProps {
  /** Why the admin is here again (an ended session), if that is the case. */
  reason: string | null;
  onSignedIn(session: AdminSession): void;
}

export function SignIn({ reason, onSignedIn }: SignInProps) {
  return (
    <SignInForm
      title="Parley admin console"
      reason={reason}
      signIn={signIn}
      onSignedIn={onSignedIn}
      classes={{ error: 'error', submit: 'primary' }}
    />
  );
}
