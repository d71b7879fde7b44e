/**
 * Settings and data: how long conversations are kept (retention, for every node), privacy
 * requests (privacy.tsx), the shared canned responses (canned-responses.tsx) and the audit log
 * (every change made through the admin API, who and when, before and after).
 */
import { useState } from 'preact/hooks';
import type { RetentionPolicy } from '../../../core/retention.ts';
import type { AuditEvent } from '../../../store/types.ts';
import { CannedResponsesSection } from './canned-responses.tsx';
import type { AreaProps } from './console.tsx';
import { PrivacySection } from './privacy.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

export function SettingsArea({ api }: AreaProps) {
  const log = useLoad(() =>
    api.get<{ auditEvents: AuditEvent[] }>('/v1/AuditEvents?limit=100').then((r) => r.auditEvents),
  );
  return (
    <section>
      <RetentionForm api={api} />
      <PrivacySection api={api} />
      <CannedResponsesSection api={api} />
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

function RetentionForm({ api }: Pick<AreaProps, 'api'>) {
  const policy = useLoad(() => api.get<RetentionPolicy>('/v1/Settings/Retention'));
  return policy.data ? (
    <RetentionEditor api={api} policy={policy.data} onSaved={policy.reload} />
  ) : (
    <Outcome error={policy.error} />
  );
}

function RetentionEditor({
  api,
  policy,
  onSaved,
}: Pick<AreaProps, 'api'> & { policy: RetentionPolicy; onSaved(): void }) {
  const [keep, setKeep] = useState(policy.days === null);
  const [days, setDays] = useState(String(policy.days ?? 365));
  const action = useAction();
  const source =
    policy.source === 'settings'
      ? 'set in this console'
      : policy.source === 'environment'
        ? 'from PARLEY_RETENTION_DAYS'
        : 'the default';
  async function save(event: Event) {
    event.preventDefault();
    const ok = await action.run(
      () => api.post('/v1/Settings/Retention', { days: keep ? null : Number(days) }),
      'Retention saved',
    );
    if (ok) onSaved();
  }
  return (
    <form class="card" aria-label="Retention" onSubmit={save}>
      <h2>Retention</h2>
      <p>
        <strong>{policy.description}</strong> ({source}).
        {policy.days !== null &&
          ` ${policy.expiredNow} conversation${policy.expiredNow === 1 ? ' is' : 's are'} older than that now.`}
      </p>
      <label class="check">
        <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} />
        Keep conversations until erased by hand
      </label>
      {!keep && (
        <Field label="Delete conversations idle for more than (days)" hint="1 to 3650 days">
          <input
            type="number"
            min={1}
            max={3650}
            step={1}
            required
            value={days}
            onInput={(e) => setDays(e.currentTarget.value)}
          />
        </Field>
      )}
      {!keep && Number(days) >= 1 && (
        <p class="hint">
          Messages, files and tasks of conversations older than {days} days will be deleted every hour.
        </p>
      )}
      <Outcome error={action.error} done={action.done} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          Save retention
        </button>
      </div>
    </form>
  );
}
