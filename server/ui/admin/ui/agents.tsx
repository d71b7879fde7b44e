/**
 * Agents: who they are, who is online (refreshed every few seconds), and the changes an
 * administrator makes — create, edit, reset a password, roles, disable, delete. A new
 * password, disabling or deleting ends the agent's sessions at once (the server does it).
 */
import { useState } from 'preact/hooks';
import type { WorkerDTO } from '../../../protocol.ts';
import type { AdminSession } from '../client/session.ts';
import type { AreaProps } from './console.tsx';
import { countOf, Field, Outcome, splitList, useAction, useLoad } from './shared.tsx';

const ROLES: readonly string[] = ['agent', 'supervisor', 'admin'];

const listOf = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

/**
 * The roles a worker holds, as the table and the form show them. The `roles` attribute says
 * most of it, but not all: every worker takes chats, so one without roles is an agent; and the
 * signed-in worker holds admin whatever the attribute says, since only an admin has a console
 * session (in `parley demo` the demo's agent is an admin without the attribute).
 */
function rolesHeld(worker: WorkerDTO, session: AdminSession): string[] {
  const stored = listOf(worker.attributes.roles);
  const roles = stored.length > 0 ? stored : ['agent'];
  return isSignedIn(worker, session) && !roles.includes('admin') ? [...roles, 'admin'] : roles;
}

const isSignedIn = (worker: WorkerDTO, session: AdminSession) => worker.sid === session.worker.sid;

const sameRoles = (a: string[], b: string[]) => a.length === b.length && a.every((role) => b.includes(role));

/** The known roles first, in their usual order, then any other the worker holds. */
const inOrder = (roles: string[]) => [
  ...ROLES.filter((role) => roles.includes(role)),
  ...roles.filter((role) => !ROLES.includes(role)),
];

export function AgentsArea({ api, session }: AreaProps) {
  const { data, error, reload } = useLoad(
    () => api.get<{ workers: WorkerDTO[] }>('/v1/Workers').then((r) => r.workers),
    5_000,
  );
  const [editing, setEditing] = useState<WorkerDTO | 'new' | null>(null);
  const action = useAction();
  const workers = data ?? [];

  async function remove(worker: WorkerDTO) {
    if (!confirm(`Delete ${worker.friendlyName}? Their sessions end now.`)) return;
    await action.run(() => api.del(`/v1/Workers/${worker.sid}`), `${worker.friendlyName} deleted`);
    reload();
  }
  async function setDisabled(worker: WorkerDTO, disabled: boolean) {
    await action.run(
      () => api.post(`/v1/Workers/${worker.sid}`, { disabled }),
      `${worker.friendlyName} ${disabled ? 'disabled' : 'enabled'}`,
    );
    reload();
  }

  return (
    <section>
      <p class="lead">
        {workers.filter((w) => w.activity !== 'Offline').length} of {countOf(workers.length, 'agent')} online.
      </p>
      <Outcome error={error ?? action.error} done={action.done} />
      <table>
        <caption class="visually-hidden">Agents</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Roles</th>
            <th scope="col">Activity</th>
            <th scope="col">Capacity</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.sid}>
              <td>
                {w.friendlyName} {w.sid === session.worker.sid && <small>(you)</small>}{' '}
                {w.disabled && <span class="tag">disabled</span>}
              </td>
              <td>{w.username ?? '—'}</td>
              <td>{inOrder(rolesHeld(w, session)).join(', ')}</td>
              <td>
                <span class={`dot dot--${w.activity.toLowerCase()}`} aria-hidden="true" /> {w.activity}
              </td>
              <td>{w.capacity}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.friendlyName}`}>
                  Edit
                </button>
                <button
                  type="button"
                  // Disabling or deleting one's own account would end this session mid-change.
                  disabled={w.sid === session.worker.sid}
                  onClick={() => setDisabled(w, !w.disabled)}
                  aria-label={`${w.disabled ? 'Enable' : 'Disable'} ${w.friendlyName}`}
                >
                  {w.disabled ? 'Enable' : 'Disable'}
                </button>
                <button
                  type="button"
                  class="danger"
                  disabled={w.sid === session.worker.sid}
                  onClick={() => remove(w)}
                  aria-label={`Delete ${w.friendlyName}`}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <AgentForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          session={session}
          worker={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            reload();
            if (saved) action.announce(saved);
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          Add agent
        </button>
      )}
    </section>
  );
}

function AgentForm({
  api,
  session,
  worker,
  onDone,
}: AreaProps & {
  worker: WorkerDTO | null;
  /** Closes the form, with what was saved when it was. */
  onDone(saved?: string): void;
}) {
  const attrs = worker?.attributes ?? {};
  const [name, setName] = useState(worker?.friendlyName ?? '');
  const [username, setUsername] = useState(worker?.username ?? '');
  const [password, setPassword] = useState('');
  const [capacity, setCapacity] = useState(String(worker?.capacity ?? 3));
  const [skills, setSkills] = useState(listOf(attrs.skills).join(', '));
  const [languages, setLanguages] = useState(listOf(attrs.languages).join(', '));
  const held = worker ? rolesHeld(worker, session) : ['agent'];
  const [roles, setRoles] = useState(held);
  const self = worker !== null && isSignedIn(worker, session);
  const action = useAction();

  async function save(event: Event) {
    event.preventDefault();
    const body = {
      friendlyName: name.trim(),
      username: username.trim(),
      capacity: Number(capacity),
      attributes: {
        ...attrs,
        skills: splitList(skills),
        languages: splitList(languages),
        // Roles untouched stay as stored: what the form shows may be more than the attribute.
        ...((!worker || !sameRoles(roles, held)) && { roles: inOrder(roles) }),
      },
      ...(password && { password }),
    };
    const ok = await action.run(
      () => (worker ? api.post(`/v1/Workers/${worker.sid}`, body) : api.post('/v1/Workers', body)),
      worker ? 'Agent saved' : 'Agent created',
    );
    if (ok) onDone(`${body.friendlyName} ${worker ? 'saved' : 'created'}`);
  }

  const title = worker ? `Edit ${worker.friendlyName}` : 'New agent';
  return (
    <form class="card" onSubmit={save} aria-label={title}>
      <h2>{title}</h2>
      <div class="grid">
        <Field label="Name">
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Agent username">
          <input required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </Field>
        <Field
          label={worker ? 'New password' : 'Agent password'}
          hint={
            worker ? 'Leave empty to keep the password; a new one signs the agent out everywhere.' : undefined
          }
        >
          <input
            type="password"
            autocomplete="new-password"
            required={!worker}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <Field label="Capacity" hint="Chats at once">
          <input
            type="number"
            min={1}
            max={100}
            value={capacity}
            onInput={(e) => setCapacity(e.currentTarget.value)}
          />
        </Field>
        <Field label="Skills" hint="Comma separated, e.g. sales, support">
          <input value={skills} onInput={(e) => setSkills(e.currentTarget.value)} />
        </Field>
        <Field label="Languages" hint="Comma separated, e.g. en, de">
          <input value={languages} onInput={(e) => setLanguages(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset>
        <legend>Roles</legend>
        {self && (
          <p class="hint">
            Your own admin role stays: without it this session would end. Another admin can take it away.
          </p>
        )}
        {ROLES.map((role) => (
          <label key={role} class="check">
            <input
              type="checkbox"
              // Taking one's own admin role away would end this session mid-change.
              disabled={self && role === 'admin'}
              checked={roles.includes(role)}
              onChange={(e) =>
                setRoles(e.currentTarget.checked ? [...roles, role] : roles.filter((r) => r !== role))
              }
            />
            {role}
          </label>
        ))}
      </fieldset>
      <Outcome error={action.error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          {worker ? 'Save agent' : 'Create agent'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
