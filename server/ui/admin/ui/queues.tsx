/**
 * TaskQueues: where tasks wait and which agents a queue targets. The target expression is
 * checked as it is typed, by the same parser the server routes with, and evaluated against
 * the agents as they are now: "matches N agents now".
 */
import { useMemo, useState } from 'preact/hooks';
import { evaluate, parseExpression } from '../../../core/routing/expression.ts';
import type { TaskQueueDTO as TaskQueue, WorkerDTO } from '../../../protocol.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

/** Which workers an expression targets, or why it cannot be read. */
export function matchWorkers(
  expression: string,
  workers: WorkerDTO[],
): { matches: WorkerDTO[] } | { problem: string } {
  try {
    const tree = parseExpression(expression.trim() || '1==1');
    return {
      matches: workers.filter(
        (w) => !w.disabled && evaluate(tree, { root: w.attributes, worker: w.attributes }),
      ),
    };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

export function QueuesArea({ api }: AreaProps) {
  const queues = useLoad(() =>
    api.get<{ taskQueues: TaskQueue[] }>('/v1/TaskQueues').then((r) => r.taskQueues),
  );
  const workers = useLoad(() => api.get<{ workers: WorkerDTO[] }>('/v1/Workers').then((r) => r.workers));
  const [editing, setEditing] = useState<TaskQueue | 'new' | null>(null);
  const action = useAction();

  async function remove(queue: TaskQueue) {
    if (!confirm(`Delete the queue ${queue.friendlyName}?`)) return;
    await action.run(() => api.del(`/v1/TaskQueues/${queue.sid}`), `${queue.friendlyName} deleted`);
    queues.reload();
  }

  return (
    <section>
      <Outcome error={queues.error ?? action.error} done={action.done} />
      <table>
        <caption class="visually-hidden">Queues</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Target workers</th>
            <th scope="col">Agents now</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(queues.data ?? []).map((q) => {
            const match = matchWorkers(q.targetWorkers, workers.data ?? []);
            return (
              <tr key={q.sid}>
                <td>{q.friendlyName}</td>
                <td>
                  <code>{q.targetWorkers}</code>
                </td>
                <td>{'matches' in match ? match.matches.length : '—'}</td>
                <td class="actions">
                  <button type="button" onClick={() => setEditing(q)} aria-label={`Edit ${q.friendlyName}`}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => remove(q)}
                    aria-label={`Delete ${q.friendlyName}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editing ? (
        <QueueForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          queue={editing === 'new' ? null : editing}
          workers={workers.data ?? []}
          onDone={() => {
            setEditing(null);
            queues.reload();
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          Add queue
        </button>
      )}
    </section>
  );
}

function QueueForm({
  api,
  queue,
  workers,
  onDone,
}: Pick<AreaProps, 'api'> & { queue: TaskQueue | null; workers: WorkerDTO[]; onDone(): void }) {
  const [name, setName] = useState(queue?.friendlyName ?? '');
  const [target, setTarget] = useState(queue?.targetWorkers ?? '1==1');
  const action = useAction();
  const match = useMemo(() => matchWorkers(target, workers), [target, workers]);

  async function save(event: Event) {
    event.preventDefault();
    const body = { friendlyName: name.trim(), targetWorkers: target.trim() || '1==1' };
    const ok = await action.run(
      () => (queue ? api.post(`/v1/TaskQueues/${queue.sid}`, body) : api.post('/v1/TaskQueues', body)),
      'Queue saved',
    );
    if (ok) onDone();
  }

  const title = queue ? `Edit ${queue.friendlyName}` : 'New queue';
  return (
    <form class="card" onSubmit={save} aria-label={title}>
      <h2>{title}</h2>
      <Field label="Queue name">
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field
        label="Target workers"
        hint={`e.g. skills HAS "billing" AND languages HAS "de"; 1==1 for everyone`}
      >
        <input
          class="mono"
          value={target}
          aria-invalid={'problem' in match}
          aria-describedby="target-check"
          onInput={(e) => setTarget(e.currentTarget.value)}
        />
      </Field>
      <p id="target-check" class={'problem' in match ? 'error' : 'done'} aria-live="polite">
        {'problem' in match
          ? match.problem
          : `Matches ${match.matches.length} ${match.matches.length === 1 ? 'agent' : 'agents'} now${
              match.matches.length ? `: ${match.matches.map((w) => w.friendlyName).join(', ')}` : ''
            }`}
      </p>
      <Outcome error={action.error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy || 'problem' in match}>
          Save queue
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
