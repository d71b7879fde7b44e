/**
 * Identity verification of a web Flex Flow: whether the widget must prove who a signed-in user
 * is, and the secret the site's server signs with. A new secret is made in the browser, saved,
 * and shown once here; after that the console never shows it again.
 */
import { useState } from 'preact/hooks';
import type { FlexFlowDTO } from '../../../protocol.ts';
import type { Api } from '../client/api.ts';
import { Outcome, useAction } from './shared.tsx';

const newSecret = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

interface Verification {
  required?: boolean;
  secret?: string;
}

export function IdentitySecret({ api, flow, onSaved }: { api: Api; flow: FlexFlowDTO; onSaved(): void }) {
  const current = (flow.integration.identityVerification ?? {}) as Verification;
  const [required, setRequired] = useState(current.required ?? false);
  const [shown, setShown] = useState<string | null>(null);
  const action = useAction();

  async function save(verification: Verification, success: string) {
    const integration = { ...flow.integration, identityVerification: verification };
    return action.run(() => api.post(`/v1/FlexFlows/${flow.sid}`, { integration }), success);
  }
  async function rotate() {
    const secret = newSecret();
    if (await save({ required, secret }, 'New secret saved: put it on your site’s server now')) {
      setShown(secret);
      onSaved();
    }
  }

  return (
    <fieldset>
      <legend>Identity verification</legend>
      <p class="hint">
        {current.secret ? 'A secret is set.' : 'No secret yet.'} Your site's server signs each signed-in
        user's id with it (userHash or a JWT), so a user is the same contact on every device.
      </p>
      <label class="check">
        <input
          type="checkbox"
          checked={required}
          onChange={async (e) => {
            const next = e.currentTarget.checked;
            setRequired(next);
            if (
              await save(
                { ...current, required: next },
                next ? 'Verification required' : 'Verification optional',
              )
            )
              onSaved();
          }}
        />
        Require verified users
      </label>
      {shown && (
        <p class="secret" role="status">
          Identity secret (shown once): <code>{shown}</code>
        </p>
      )}
      <Outcome error={action.error} done={shown ? null : action.done} />
      <div class="buttons">
        <button type="button" onClick={rotate} disabled={action.busy}>
          {current.secret ? 'Rotate identity secret' : 'Create identity secret'}
        </button>
      </div>
    </fieldset>
  );
}
