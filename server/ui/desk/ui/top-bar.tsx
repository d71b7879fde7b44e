/** The bar across the desk: who is signed in, their activity, the connection, sign out. */
import type { Activity } from '../../../protocol.ts';
import { isSupervisor } from '../state/selectors.ts';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';

const ACTIVITIES: Activity[] = ['Available', 'Unavailable', 'Offline'];

const CONNECTION_LABEL = { connecting: 'Connecting…', online: 'Connected', offline: 'Reconnecting…' };

export function TopBar({ onSignOut }: { onSignOut(): void }) {
  const { client } = useDesk();
  const { worker, connection, view } = useDeskState();
  const run = useRunAction();
  const activity = worker?.activity ?? 'Offline';

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
          value={activity}
          disabled={connection !== 'online'}
          onChange={(e) => {
            const select = e.currentTarget;
            const next = select.value as Activity;
            // Show the server's answer, not the wish: a refused change snaps back.
            select.value = activity;
            run(() => client.setActivity(next));
          }}
        >
          {ACTIVITIES.map((a) => (
            <option key={a} value={a}>
              {a}
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
