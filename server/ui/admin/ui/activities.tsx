/**
 * Activities: what an agent can be in (Available, Unavailable, Offline), whether routing offers
 * chats in it, and how many agents are in each now. They are fixed, so this screen reads them
 * and says why they cannot be added, renamed or deleted.
 */
import type { ActivityView } from '../../../http/activities.ts';
import type { AreaProps } from './console.tsx';
import { Outcome, useLoad } from './shared.tsx';

export function ActivitiesArea({ api }: AreaProps) {
  const list = useLoad(
    () => api.get<{ activities: ActivityView[] }>('/v1/Activities').then((r) => r.activities),
    10_000,
  );
  return (
    <section>
      <p class="hint">
        Agents choose their activity in the desk. Routing offers chats only to agents who are Available. These
        three are built in (the desk and the Twilio-shaped API use their names), so they cannot be added,
        renamed or deleted.
      </p>
      <Outcome error={list.error} />
      <table>
        <caption class="visually-hidden">Activities</caption>
        <thead>
          <tr>
            <th scope="col">Activity</th>
            <th scope="col">Offered chats</th>
            <th scope="col">Agents now</th>
            <th scope="col">Sid</th>
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
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
