/**
 * Settings and data: the audit log (every change made through the admin API, who and when,
 * before and after) and privacy requests for one contact (export its data, erase it).
 */
import { useState } from 'preact/hooks';
import type { AuditEvent } from '../../../store/types.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

export function SettingsArea({ api }: AreaProps) {
  const log = useLoad(() =>
    api.get<{ auditEvents: AuditEvent[] }>('/v1/AuditEvents?limit=100').then((r) => r.auditEvents),
  );
  return (
    <section>
      <PrivacyForm api={api} />
      <h2>Audit log</h2>
      <Outcome error={log.error} />
      <table>
        <caption class="visually-hidden">Audit log</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {(log.data ?? []).map((e) => (
            <tr key={e.sid}>
              <td>{new Date(e.dateCreated).toLocaleString()}</td>
              <td>{e.actor.name}</td>
              <td>
                {e.action} {e.resourceType} <code>{e.resourceSid ?? ''}</code>
              </td>
              <td>
                <details>
                  <summary>Before and after</summary>
                  <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PrivacyForm({ api }: Pick<AreaProps, 'api'>) {
  const [contactSid, setContactSid] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const action = useAction();
  const sid = contactSid.trim();
  return (
    <form class="card" aria-label="Privacy" onSubmit={(e) => e.preventDefault()}>
      <h2>Privacy</h2>
      <Field label="Contact sid" hint="US… — from a conversation's details in the agent desktop">
        <input class="mono" value={contactSid} onInput={(e) => setContactSid(e.currentTarget.value)} />
      </Field>
      <Outcome error={action.error} done={action.done} />
      <div class="buttons">
        <button
          type="button"
          disabled={!sid}
          onClick={() =>
            action.run(async () => {
              setExported(JSON.stringify(await api.get(`/v1/Contacts/${sid}/Export`), null, 2));
            }, 'Exported')
          }
        >
          Export contact data
        </button>
        <button
          type="button"
          class="danger"
          disabled={!sid}
          onClick={() =>
            confirm('Erase this contact and all their conversations? This cannot be undone.') &&
            action.run(() => api.del(`/v1/Contacts/${sid}`), 'Contact erased')
          }
        >
          Erase contact
        </button>
      </div>
      {exported && <pre class="export">{exported}</pre>}
    </form>
  );
}
