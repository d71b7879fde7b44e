/**
 * Each agent's status over the supervisor's window: one bar per agent, coloured by activity,
 * with the time spent in each activity written beside it for anyone who cannot see colour.
 */
import type { Activity, FiguresDTO } from '../../../protocol.ts';
import { bucketLabel } from './figure-chart.tsx';
import { spoken } from './figures-format.ts';

const ACTIVITIES: Activity[] = ['Available', 'Unavailable', 'Offline'];

export function AgentTimeline({ figures }: { figures: FiguresDTO }) {
  const from = Date.parse(figures.from);
  const span = Math.max(1, Date.parse(figures.to) - from);
  const share = (iso: string) => ((Date.parse(iso) - from) / span) * 100;
  return (
    <section class="figures__agents" aria-labelledby="figures-agents-title">
      <h3 id="figures-agents-title">Agent status</h3>
      <ul class="figures__legend">
        {ACTIVITIES.map((activity) => (
          <li key={activity}>
            <span class={`figures__swatch timeline__${activity.toLowerCase()}`} />
            {activity}
          </li>
        ))}
      </ul>
      {figures.agents.length === 0 && <p>No agents yet.</p>}
      <ul class="timeline">
        {figures.agents.map((agent) => (
          <li key={agent.workerSid} class="timeline__agent">
            <span class="timeline__name">{agent.friendlyName}</span>
            <span class="timeline__bar" aria-hidden="true">
              {agent.intervals.map((interval) => (
                <span
                  key={interval.from}
                  class={`timeline__stretch timeline__${interval.activity.toLowerCase()}`}
                  style={{
                    left: `${share(interval.from)}%`,
                    width: `${share(interval.to) - share(interval.from)}%`,
                  }}
                  title={`${interval.activity} ${bucketLabel({ start: interval.from, end: interval.to })}`}
                />
              ))}
            </span>
            <span class="timeline__totals">
              {ACTIVITIES.filter((a) => agent.seconds[a] > 0)
                .map((a) => `${a} ${spoken(agent.seconds[a])}`)
                .join(', ') || 'No status recorded'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
