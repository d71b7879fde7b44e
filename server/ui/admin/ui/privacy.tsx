/**
 * Privacy requests: find a contact by email, phone or identity (the server normalises each:
 * case, spaces, a country code's `+`), then download everything stored about them as JSON or
 * erase them once the admin confirms. Each match says where it was found: an email or phone
 * typed into a pre-engagement form is unverified, so it may be someone else's, and erasing on
 * it is confirmed with that said plainly.
 */
import { useState } from 'preact/hooks';
import type { ContactMatchDTO } from '../../../protocol.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction } from './shared.tsx';

type Match = ContactMatchDTO;
const UNVERIFIED = 'pre-engagement form (unverified)';
const MATCHED_BY: Record<Match['matchedBy'], string> = {
  'verified identity': 'Verified identity',
  'messaging address': 'Messaging address',
  [UNVERIFIED]: 'Pre-engagement form (unverified)',
};
const KEYS = { email: 'Email', phone: 'Phone', identity: 'Identity' } as const;
type Key = keyof typeof KEYS;

/** Saves JSON as a file the browser downloads. */
function download(filename: string, value: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function PrivacySection({ api }: Pick<AreaProps, 'api'>) {
  const [key, setKey] = useState<Key>('email');
  const [value, setValue] = useState('');
  const [matches, setMatches] = useState<Match[] | null>(null);
  const lookup = useAction();
  const action = useAction();
  async function find(event?: Event) {
    event?.preventDefault();
    await lookup.run(async () => {
      const query = new URLSearchParams({ [key]: value.trim() });
      const found = await api.get<{ contacts: Match[] }>(`/v1/Contacts?${query}`);
      setMatches(found.contacts);
    }, '');
  }
  async function erase(contact: Match) {
    const what = `${contact.friendlyName} (${contact.identity}) and their ${contact.conversations} conversation(s)`;
    const warning =
      contact.matchedBy === UNVERIFIED
        ? 'Unverified match: this contact was found only by what someone typed into a pre-engagement form, so it may be another person. Check before erasing.\n\n'
        : '';
    if (
      !confirm(`${warning}Erase ${what}? Messages, files and details are deleted. This cannot be undone.`)
    ) {
      return;
    }
    if (await action.run(() => api.del(`/v1/Contacts/${contact.sid}`), `${contact.friendlyName} erased`)) {
      await find();
    }
  }
  return (
    <section aria-labelledby="privacy-title">
      <form class="card" aria-label="Find a contact" onSubmit={find}>
        <h2 id="privacy-title">Privacy</h2>
        <p class="hint">Find a contact to export their data or erase them.</p>
        <Field label="Find by">
          <select value={key} onChange={(e) => setKey(e.currentTarget.value as Key)}>
            {Object.entries(KEYS).map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={`Contact ${KEYS[key].toLowerCase()}`}
          hint={key === 'phone' ? 'With its country code, e.g. +15550102030' : undefined}
        >
          <input
            inputMode={key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text'}
            required
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </Field>
        <Outcome error={lookup.error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={lookup.busy}>
            Find contact
          </button>
        </div>
      </form>
      <Outcome error={action.error} done={action.done} />
      {matches && matches.length === 0 && <p role="status">No contact matches.</p>}
      {matches && matches.length > 0 && (
        <table>
          <caption>Contacts found</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Identity</th>
              <th scope="col">Matched by</th>
              <th scope="col">Conversations</th>
              <th scope="col">Since</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((c) => (
              <tr key={c.sid}>
                <td>{c.friendlyName}</td>
                <td class="mono">{c.identity}</td>
                <td>
                  {c.matchedBy === UNVERIFIED ? (
                    <strong>{MATCHED_BY[c.matchedBy]}</strong>
                  ) : (
                    MATCHED_BY[c.matchedBy]
                  )}
                </td>
                <td>{c.conversations}</td>
                <td>{new Date(c.dateCreated).toLocaleDateString()}</td>
                <td class="actions">
                  <button
                    type="button"
                    onClick={() =>
                      action.run(async () => {
                        download(`contact-${c.sid}.json`, await api.get(`/v1/Contacts/${c.sid}/Export`));
                      }, `${c.friendlyName}'s data downloaded`)
                    }
                  >
                    Export {c.friendlyName}
                  </button>
                  <button type="button" class="danger" onClick={() => erase(c)}>
                    Erase {c.friendlyName}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
