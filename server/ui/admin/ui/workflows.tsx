/**
 * Workflows: which queue a task goes to. The routing is edited as a form (filters, each with
 * a task expression and a target queue) and as Twilio's JSON beside it; each follows the
 * other as it is edited, and the server validates both on save.
 */
import { useState } from 'preact/hooks';
import type { TaskQueueDTO, WorkflowConfiguration, WorkflowDTO } from '../../../protocol.ts';
import type { AreaProps } from './console.tsx';
import { countOf, Field, Outcome, useAction, useLoad } from './shared.tsx';

type Filter = WorkflowConfiguration['task_routing']['filters'][number];

export function WorkflowsArea({ api }: AreaProps) {
  const workflows = useLoad(() =>
    api.get<{ workflows: WorkflowDTO[] }>('/v1/Workflows').then((r) => r.workflows),
  );
  const queues = useLoad(() =>
    api.get<{ taskQueues: TaskQueueDTO[] }>('/v1/TaskQueues').then((r) => r.taskQueues),
  );
  const [editing, setEditing] = useState<WorkflowDTO | 'new' | null>(null);
  const action = useAction();

  async function remove(workflow: WorkflowDTO) {
    if (!confirm(`Delete the workflow ${workflow.friendlyName}?`)) return;
    await action.run(() => api.del(`/v1/Workflows/${workflow.sid}`), `${workflow.friendlyName} deleted`);
    workflows.reload();
  }

  return (
    <section>
      <Outcome error={workflows.error ?? action.error} done={action.done} />
      <ul class="rows">
        {(workflows.data ?? []).map((w) => (
          <li key={w.sid}>
            <span>
              {w.friendlyName}{' '}
              <small>({countOf(w.configuration.task_routing.filters.length, 'filter')})</small>
            </span>
            <span class="actions">
              <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.friendlyName}`}>
                Edit
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => remove(w)}
                aria-label={`Delete ${w.friendlyName}`}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {editing ? (
        <WorkflowForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          workflow={editing === 'new' ? null : editing}
          queues={queues.data ?? []}
          onDone={() => {
            setEditing(null);
            workflows.reload();
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          Add workflow
        </button>
      )}
    </section>
  );
}

function WorkflowForm({
  api,
  workflow,
  queues,
  onDone,
}: Pick<AreaProps, 'api'> & { workflow: WorkflowDTO | null; queues: TaskQueueDTO[]; onDone(): void }) {
  const firstQueue = queues[0]?.sid ?? '';
  const [name, setName] = useState(workflow?.friendlyName ?? '');
  const [timeout, setTimeoutSeconds] = useState(String(workflow?.taskReservationTimeout ?? 120));
  const [config, setConfig] = useState<WorkflowConfiguration>(
    workflow?.configuration ?? {
      task_routing: { filters: [], ...(firstQueue && { default_filter: { queue: firstQueue } }) },
    },
  );
  const [json, setJson] = useState(() => JSON.stringify(config, null, 2));
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const action = useAction();

  /** The form changed: the JSON follows. */
  const change = (next: WorkflowConfiguration) => {
    setConfig(next);
    setJson(JSON.stringify(next, null, 2));
    setJsonProblem(null);
  };
  /** The JSON changed: the form follows, once it reads as a workflow. */
  const editJson = (text: string) => {
    setJson(text);
    try {
      const parsed = JSON.parse(text) as WorkflowConfiguration;
      if (!Array.isArray(parsed?.task_routing?.filters))
        throw new Error('expected { "task_routing": { "filters": [...] } }');
      setConfig(parsed);
      setJsonProblem(null);
    } catch (err) {
      setJsonProblem(`Twilio JSON: ${(err as Error).message}`);
    }
  };
  const filters = config.task_routing.filters;
  const setFilter = (i: number, patch: Partial<Filter>) =>
    change({
      ...config,
      task_routing: {
        ...config.task_routing,
        filters: filters.map((f, j) => (i === j ? { ...f, ...patch } : f)),
      },
    });

  async function save(event: Event) {
    event.preventDefault();
    const body = {
      friendlyName: name.trim(),
      configuration: config,
      taskReservationTimeout: Number(timeout),
    };
    const ok = await action.run(
      () => (workflow ? api.post(`/v1/Workflows/${workflow.sid}`, body) : api.post('/v1/Workflows', body)),
      'Workflow saved',
    );
    if (ok) onDone();
  }

  const queueSelect = (value: string, label: string, onChange: (sid: string) => void) => (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {queues.map((q) => (
        <option key={q.sid} value={q.sid}>
          {q.friendlyName}
        </option>
      ))}
    </select>
  );

  const title = workflow ? `Edit ${workflow.friendlyName}` : 'New workflow';
  return (
    <form class="card" onSubmit={save} aria-label={title}>
      <h2>{title}</h2>
      <div class="grid">
        <Field label="Workflow name">
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Reservation timeout" hint="Seconds an offer waits for Accept">
          <input
            type="number"
            min={1}
            value={timeout}
            onInput={(e) => setTimeoutSeconds(e.currentTarget.value)}
          />
        </Field>
      </div>
      <div class="side-by-side">
        <div>
          <h3>Filters</h3>
          {filters.map((f, i) => (
            <fieldset key={i}>
              <legend>Filter {i + 1}</legend>
              <Field label={`Filter ${i + 1} name`}>
                <input
                  value={f.filter_friendly_name}
                  onInput={(e) => setFilter(i, { filter_friendly_name: e.currentTarget.value })}
                />
              </Field>
              <Field label={`Filter ${i + 1} task expression`} hint='e.g. channelType == "web"'>
                <input
                  class="mono"
                  value={f.expression}
                  onInput={(e) => setFilter(i, { expression: e.currentTarget.value })}
                />
              </Field>
              {queueSelect(f.targets[0]?.queue ?? firstQueue, `Filter ${i + 1} queue`, (queue) =>
                setFilter(i, { targets: [{ ...f.targets[0], queue }] }),
              )}
              <button
                type="button"
                class="link"
                onClick={() =>
                  change({
                    ...config,
                    task_routing: { ...config.task_routing, filters: filters.filter((_, j) => j !== i) },
                  })
                }
              >
                Remove filter {i + 1}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            onClick={() =>
              change({
                ...config,
                task_routing: {
                  ...config.task_routing,
                  filters: [
                    ...filters,
                    {
                      filter_friendly_name: `Filter ${filters.length + 1}`,
                      expression: '1==1',
                      targets: [{ queue: firstQueue }],
                    },
                  ],
                },
              })
            }
          >
            Add filter
          </button>
          <Field label="Default queue" hint="Where a task no filter matches goes">
            {queueSelect(config.task_routing.default_filter?.queue ?? '', 'Default queue', (queue) =>
              change({ ...config, task_routing: { ...config.task_routing, default_filter: { queue } } }),
            )}
          </Field>
        </div>
        <Field label="Twilio JSON">
          <textarea
            class="mono"
            rows={18}
            value={json}
            aria-invalid={jsonProblem !== null}
            onInput={(e) => editJson(e.currentTarget.value)}
          />
        </Field>
      </div>
      <Outcome error={jsonProblem ?? action.error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy || jsonProblem !== null}>
          Save workflow
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
