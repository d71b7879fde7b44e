/**
 * Activities: what an agent can be in, whether routing offers chats in it, and how many agents
 * are in each now. The three built-ins (Available, Unavailable, Offline) stay as they are; the
 * workspace's own (Break, Training…) are added, renamed, switched and deleted here.
 */
import { useState } from 'preact/hooks';
import type { ActivityView } from '../../../http/activities.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

type Api = AreaProps['api'];

export function ActivitiesArea({ api }: AreaProps) {
  const list = useLoad(
    () => api.get<{ activities: ActivityView[] }>('/v1/Activities').then((r) => r.activities),
    10_000,
  );
  const [editing, setEditing] = useState<ActivityView | 'new' | null>(null);
  const action = useAction();
  async function remove(activity: ActivityView) {
    if (!confirm(`Delete the activity ${activity.friendlyName}?`)) return;
    await action.run(() => api.del(`/v1/Activities/${activity.sid}`), `${activity.friendlyName} deleted`);
    list.reload();
  }
  return (
    <section>
      <p class="hint">
        Agents choose their activity in the desk. Routing offers chats only to agents in an activity that
        offers chats. Available, Unavailable and Offline are built in and cannot be renamed or deleted; add
        your own, such as Break or Training. An activity with agents in it cannot be deleted.
      </p>
      <Outcome error={list.error ?? action.error} done={action.done} />
      <table>
        <caption class="visually-hidden">Activities</caption>
        <thead>
          <tr>
            <th scope="col">Activity</th>
            <th scope="col">Offered chats</th>
            <th scope="col">Agents now</th>
            <th scope="col">Sid</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((a) => (
            <tr key={a.sid}>
              <td>
                <span class={`dot dot--${a.available ? 'available' : 'unavailable'}`} aria-hidden="true" />
                {a.friendlyName}
              </td>
              <td>{a.available ? 'Yes' : 'No'}</td>
              <td>{a.workers}</td>
              <td class="mono">{a.sid}</td>
              <td class="actions">
                {a.builtIn ? (
                  'Built in'
                ) : (
                  <>
                    <button type="button" onClick={() => setEditing(a)}>
                      Edit {a.friendlyName}
                    </button>
                    <button type="button" class="danger" onClick={() => remove(a)}>
                      Delete {a.friendlyName}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <ActivityForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          activity={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : (
        <div class="buttons">
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            Add activity
          </button>
        </div>
      )}
    </section>
  );
}

function ActivityForm({
  api,
  activity,
  onDone,
}: {
  api: Api;
  activity: ActivityView | null;
  onDone(): void;
}) {
  const [friendlyName, setFriendlyName] = useState(activity?.friendlyName ?? '');
  const [available, setAvailable] = useState(activity?.available ?? false);
  const action = useAction();
  async function save(event: Event) {
    event.preventDefault();
    const fields = { friendlyName: friendlyName.trim(), available };
    const ok = await action.run(
      () =>
        activity ? api.post(`/v1/Activities/${activity.sid}`, fields) : api.post('/v1/Activities', fields),
      'Activity saved',
    );
    if (ok) onDone();
  }
  return (
    <form
      class="card"
      aria-label={activity ? `Edit ${activity.friendlyName}` : 'New activity'}
      onSubmit={save}
    >
      <Field label="Name" hint="1 to 64 characters, e.g. Break, Lunch, Training">
        <input
          required
          maxLength={64}
          value={friendlyName}
          onInput={(e) => setFriendlyName(e.currentTarget.value)}
        />
      </Field>
      <label class="check">
        <input type="checkbox" checked={available} onChange={(e) => setAvailable(e.currentTarget.checked)} />
        Offers chats
      </label>
      <Outcome error={action.error} done={action.done} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          Save activity
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
