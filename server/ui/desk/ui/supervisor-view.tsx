/**
 * The supervisor view: every queue with its waiting chats and longest wait, every agent with
 * activity and load, kept live by the server's `supervisor:updated`; below them, the figures
 * over the last hours. The figures and their charting library are a chunk of their own, loaded
 * when a supervisor first opens the view, so agents never download them.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';
import { WatchView } from './watch-view.tsx';

function LazyFigures() {
  const [Figures, setFigures] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./supervisor-figures.tsx').then(
      (loaded) => setFigures(() => loaded.SupervisorFigures),
      () => setFailed(true),
    );
  }, []);
  if (failed)
    return <p class="figures__error">The figures could not be loaded: reload the page to try again.</p>;
  return Figures ? <Figures /> : <p class="empty">Loading figures…</p>;
}

const duration = (seconds: number) =>
  seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;

export function SupervisorView() {
  const { client } = useDesk();
  const { supervision, watching } = useDeskState();
  const run = useRunAction();
  if (watching) return <WatchView watched={watching} />;
  if (!supervision) return <p class="empty empty--center">Loading queues…</p>;
  return (
    <section class="supervisor" aria-label="Supervisor view">
      <header class="conversation__header">
        <h2>Queues and agents</h2>
        <span class="conversation__spacer" />
        <button type="button" class="button" onClick={() => client.showChats()}>
          Back to chats
        </button>
      </header>
      <table aria-label="Queues">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Longest wait</th>
            <th scope="col">Customers</th>
          </tr>
        </thead>
        <tbody>
          {supervision.queues.map((q) => (
            <tr key={q.sid}>
              <th scope="row">{q.friendlyName}</th>
              <td>{q.waiting}</td>
              <td>{q.waiting > 0 ? duration(q.longestWaitSeconds) : '–'}</td>
              <td>{q.tasks.map((t) => t.name).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label="Live chats">
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {supervision.chats.length === 0 && (
            <tr>
              <td colSpan={5}>No chats in progress.</td>
            </tr>
          )}
          {supervision.chats.map((c) => (
            <tr key={c.taskSid}>
              <th scope="row">{c.customerName}</th>
              <td>{c.workerName}</td>
              <td>{c.status === 'wrapping' ? 'Wrapping up' : 'Active'}</td>
              <td>{duration(c.age)}</td>
              <td>
                <button
                  type="button"
                  class="button"
                  aria-label={`Watch the chat with ${c.customerName}`}
                  onClick={() =>
                    run(() =>
                      client.watch({
                        channelSid: c.channelSid,
                        customerName: c.customerName,
                        agentName: c.workerName,
                      }),
                    )
                  }
                >
                  Watch
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label="Agents">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Activity</th>
            <th scope="col">Load</th>
          </tr>
        </thead>
        <tbody>
          {supervision.workers.map((w) => (
            <tr key={w.sid}>
              <th scope="row">{w.friendlyName}</th>
              <td>{w.activity}</td>
              <td>
                {w.load} / {w.capacity}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LazyFigures />
    </section>
  );
}
