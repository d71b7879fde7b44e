/**
 * The bar across the desk: who is signed in, their activity, the connection, sign out. The
 * Activity menu offers the three built-ins and the workspace's own activities (Break, Training…),
 * read from `/v1/Activities` when the desk opens and again whenever the menu is focused.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActivityView } from '../../../http/activities.ts';
import type { Activity, Sid } from '../../../protocol.ts';
import { isSupervisor } from '../state/selectors.ts';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';

const BUILT_IN: Activity[] = ['Available', 'Unavailable', 'Offline'];

interface Choice {
  /** What `activity:set` is sent: a built-in name or a custom activity's sid. */
  value: Activity | Sid;
  label: string;
}

async function loadChoices(token: string): Promise<Choice[] | null> {
  const response = await fetch('/v1/Activities', { headers: { authorization: `Bearer ${token}` } }).catch(
    () => null,
  );
  if (!response?.ok) return null;
  const { activities } = (await response.json()) as { activities: ActivityView[] };
  return activities.map((a) => ({
    value: a.builtIn ? (a.friendlyName as Activity) : a.sid,
    label: a.friendlyName,
  }));
}

const CONNECTION_LABEL = { connecting: 'Connecting…', online: 'Connected', offline: 'Reconnecting…' };

export function TopBar({ onSignOut }: { onSignOut(): void }) {
  const { client, token } = useDesk();
  const { worker, connection, view } = useDeskState();
  const run = useRunAction();
  const activity = worker?.activity ?? 'Offline';
  const current = worker?.activitySid ?? activity;
  // The built-ins until the list arrives (or if it cannot be read): the desk works without it.
  const [listed, setListed] = useState<Choice[]>(BUILT_IN.map((a) => ({ value: a, label: a })));
  const refresh = () => {
    loadChoices(token).then((choices) => choices && setListed(choices));
  };
  useEffect(refresh, [token]);
  // An activity the list does not have yet (created since it was read) still shows by its name.
  const choices =
    worker?.activitySid && !listed.some((c) => c.value === worker.activitySid)
      ? [...listed, { value: worker.activitySid, label: worker.activityName }]
      : listed;

  return (
    <header class="top-bar">
      <span class="top-bar__brand">Parley</span>
      <span class={`top-bar__connection top-bar__connection--${connection}`} role="status">
        {CONNECTION_LABEL[connection]}
      </span>
      <span class="top-bar__spacer" />
      <span class="top-bar__worker">
        <span class={`top-bar__dot top-bar__dot--${activity.toLowerCase()}`} aria-hidden="true" />
        {worker?.friendlyName ?? ''}
      </span>
      <label class="top-bar__activity">
        <span class="visually-hidden">Activity</span>
        <select
          value={current}
          disabled={connection !== 'online'}
          onFocus={refresh}
          onChange={(e) => {
            const select = e.currentTarget;
            const next = select.value;
            // Show the server's answer, not the wish: a refused change snaps back.
            select.value = current;
            run(() => client.setActivity(next));
          }}
        >
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="top-bar__sign-out"
        aria-pressed={view === 'search'}
        onClick={() => (view === 'search' ? client.showChats() : client.showSearch())}
      >
        Search conversations
      </button>
      {isSupervisor(worker) && (
        <button
          type="button"
          class="top-bar__sign-out"
          aria-pressed={view === 'supervisor'}
          disabled={connection !== 'online'}
          onClick={() => (view === 'supervisor' ? client.showChats() : run(() => client.supervise()))}
        >
          Supervisor view
        </button>
      )}
      <button type="button" class="top-bar__sign-out" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
