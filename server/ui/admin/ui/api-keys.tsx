/**
 * API keys: named credentials for automation, each revocable alone. A new key's secret is
 * shown once, with a copy button (Parley keeps only its digest); the list shows when each key
 * was last used, and revoking asks first, since whatever uses the key stops at once.
 */
import { useState } from 'preact/hooks';
import type { ApiKey } from '../../../store/types.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');

export function ApiKeysSection({ api }: Pick<AreaProps, 'api'>) {
  const keys = useLoad(() => api.get<{ apiKeys: ApiKey[] }>('/v1/ApiKeys').then((r) => r.apiKeys));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<(ApiKey & { secret: string }) | null>(null);
  const action = useAction();

  async function create(event: Event) {
    event.preventDefault();
    let key: (ApiKey & { secret: string }) | null = null;
    const ok = await action.run(async () => {
      key = await api.post<ApiKey & { secret: string }>('/v1/ApiKeys', { friendlyName: name.trim() });
    }, 'API key created: copy its secret now, it is not shown again');
    if (ok && key) {
      setCreated(key);
      setName('');
      keys.reload();
    }
  }
  async function revoke(key: ApiKey) {
    if (!confirm(`Revoke the API key ${key.friendlyName}? Whatever uses it is refused from now on.`)) return;
    const ok = await action.run(() => api.del(`/v1/ApiKeys/${key.sid}`), `${key.friendlyName} revoked`);
    if (ok && created?.sid === key.sid) setCreated(null);
    keys.reload();
  }

  return (
    <section aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p class="hint">
        A key works wherever the admin key does: send <code>Authorization: Bearer &lt;secret&gt;</code>, or
        HTTP Basic with the key's SID as username and its secret as password (as Twilio's libraries do).
      </p>
      <form class="card" onSubmit={create} aria-label="Create an API key">
        <Field label="API key name" hint="What uses it, e.g. billing sync">
          <input required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <div class="buttons">
          <button type="submit" class="primary" disabled={action.busy}>
            Create API key
          </button>
        </div>
      </form>
      {created && <NewKey apiKey={created} />}
      <Outcome error={keys.error ?? action.error} done={action.done} />
      <table>
        <caption class="visually-hidden">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">SID</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((key) => (
            <tr key={key.sid}>
              <td>{key.friendlyName}</td>
              <td class="mono">{key.sid}</td>
              <td>{when(key.dateCreated)}</td>
              <td>{when(key.dateLastUsed)}</td>
              <td class="actions">
                <button type="button" class="danger" onClick={() => revoke(key)}>
                  Revoke {key.friendlyName}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {keys.data?.length === 0 && <p class="hint">No API keys yet.</p>}
    </section>
  );
}

/** The key just created: its SID and, this once, its secret. */
function NewKey({ apiKey }: { apiKey: ApiKey & { secret: string } }) {
  const [copied, setCopied] = useState(false);
  return (
    <fieldset class="card secret api-key-secret">
      <legend>New API key {apiKey.friendlyName}</legend>
      <p>
        SID: <code>{apiKey.sid}</code>
      </p>
      <p>
        Secret (shown once): <code>{apiKey.secret}</code>
      </p>
      <div class="buttons">
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(apiKey.secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy secret'}
        </button>
      </div>
    </fieldset>
  );
}
