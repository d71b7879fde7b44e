/** The agent desktop's sign-in: the shared form with the desk's title and session. */
import { SignInForm } from '../../shared/sign-in-form.tsx';
import { type AgentSession, signIn } from '../client/session.ts';

interface SignInProps {
  /** Why the agent is here again (an ended session), if that is the case. */
  reason: string | null;
  onSignedIn(session: AgentSession): void;
}

export function SignIn({ reason, onSignedIn }: SignInProps) {
  return (
    <SignInForm
      title="Parley agent desktop"
      reason={reason}
      signIn={signIn}
      onSignedIn={onSignedIn}
      classes={{ error: 'sign-in__error' }}
    />
  );
}
