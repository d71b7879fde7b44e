/**
 * The signed-in console: a navigation entry per area, the area beside it. The area is kept in
 * the URL's hash, so a reload or a shared link opens the same screen.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../client/api.ts';
import type { AdminSession } from '../client/session.ts';
import { ActivitiesArea } from './activities.tsx';
import { AgentsArea } from './agents.tsx';
import { BotFlowsArea } from './bot-flows.tsx';
import { FlexFlowsArea } from './flex-flows.tsx';
import { IntegrationsArea } from './integrations.tsx';
import { QueuesArea } from './queues.tsx';
import { SettingsArea } from './settings.tsx';
import { WorkflowsArea } from './workflows.tsx';

export interface AreaProps {
  api: Api;
  session: AdminSession;
}

const AREAS = [
  { id: 'agents', name: 'Agents', view: AgentsArea },
  { id: 'queues', name: 'Queues', view: QueuesArea },
  { id: 'workflows', name: 'Workflows', view: WorkflowsArea },
  { id: 'activities', name: 'Activities', view: ActivitiesArea },
  { id: 'flex-flows', name: 'Flex Flows', view: FlexFlowsArea },
  { id: 'bot-flows', name: 'Bot flows', view: BotFlowsArea },
  { id: 'integrations', name: 'Integrations', view: IntegrationsArea },
  { id: 'settings', name: 'Settings', view: SettingsArea },
] as const;

const areaOfHash = () => AREAS.find((a) => `#${a.id}` === location.hash) ?? AREAS[0];

export function Console({ api, session, onSignOut }: AreaProps & { onSignOut(): void }) {
  const [area, setArea] = useState(areaOfHash);
  useEffect(() => {
    const follow = () => setArea(areaOfHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const View = area.view;
  return (
    <div class="console">
      <header class="top-bar">
        <span class="top-bar__title">Parley admin</span>
        <span class="top-bar__who">
          Signed in as {session.worker.friendlyName}
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <nav class="side-nav" aria-label="Areas">
        <ul>
          {AREAS.map((a) => (
            <li key={a.id}>
              <a href={`#${a.id}`} aria-current={a.id === area.id ? 'page' : undefined}>
                {a.name}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="area" aria-labelledby="area-title">
        <h1 id="area-title">{area.name}</h1>
        <View key={area.id} api={api} session={session} />
      </main>
    </div>
  );
}
