/**
 * Bot flows: the Studio-format state machines run before an agent takes over. Listed,
 * imported (pasted or from a file), edited as JSON with its diagram drawn beside, validated by
 * the server with the problems shown per state (and on the diagram), tried against visitor
 * lines on the server ("Try it"), and exported as a file.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../client/api.ts';
import type { AreaProps } from './console.tsx';
import { FlowDiagram } from './flow-diagram.tsx';
import { FlowTrial } from './flow-trial.tsx';
import { Field, messageOf, Outcome, useAction, useLoad } from './shared.tsx';

interface Flow {
  sid: string;
  friendlyName: string;
  definition: unknown;
}
interface Problem {
  state?: string | null;
  field?: string | null;
  message: string;
}

export function BotFlowsArea({ api }: AreaProps) {
  const flows = useLoad(() => api.get<{ flows: Flow[] }>('/v1/Flows').then((r) => r.flows));
  const [editing, setEditing] = useState<Flow | 'new' | null>(null);
  const action = useAction();

  function exportFlow(flow: Flow) {
    const blob = new Blob([JSON.stringify(flow.definition, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${flow.friendlyName.replace(/[^\w-]+/g, '-')}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  }
  async function remove(flow: Flow) {
    if (!confirm(`Delete the bot flow ${flow.friendlyName}?`)) return;
    await action.run(() => api.del(`/v1/Flows/${flow.sid}`), `${flow.friendlyName} deleted`);
    flows.reload();
  }

  return (
    <section>
      <Outcome error={flows.error ?? action.error} done={action.done} />
      <ul class="rows">
        {(flows.data ?? []).map((f) => (
          <li key={f.sid}>
            <span>{f.friendlyName}</span>
            <span class="actions">
              <button type="button" onClick={() => setEditing(f)} aria-label={`Edit ${f.friendlyName}`}>
                Edit
              </button>
              <button type="button" onClick={() => exportFlow(f)} aria-label={`Export ${f.friendlyName}`}>
                Export
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => remove(f)}
                aria-label={`Delete ${f.friendlyName}`}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {editing ? (
        <FlowEditor
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          flow={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            flows.reload();
            if (saved) action.announce(saved);
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          Import bot flow
        </button>
      )}
    </section>
  );
}

function FlowEditor({
  api,
  flow,
  onDone,
}: Pick<AreaProps, 'api'> & {
  flow: Flow | null;
  /** Closes the editor, with what was saved when it was. */
  onDone(saved?: string): void;
}) {
  const [name, setName] = useState(flow?.friendlyName ?? '');
  const [json, setJson] = useState(flow ? JSON.stringify(flow.definition, null, 2) : '');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checked, setChecked] = useState<string | null>(null);
  const action = useAction();
  const parsed = useMemo(() => {
    try {
      const value = JSON.parse(json);
      // Studio's export wraps the definition: { "definition": { "states": … } }.
      return value?.definition?.states ? value.definition : value;
    } catch {
      return null;
    }
  }, [json]);
  const problemStates = useMemo(
    () => new Set(problems.map((p) => p.state).filter((state): state is string => Boolean(state))),
    [problems],
  );

  const definition = () => json; // the server reads JSON text and reports broken JSON by line
  async function validate() {
    setProblems([]);
    setChecked(null);
    try {
      const result = await api.post<{ warnings: Problem[] }>('/v1/Flows/validate', {
        definition: definition(),
      });
      setProblems(result.warnings);
      setChecked(result.warnings.length ? 'Valid, with warnings' : 'Valid: no problems found');
    } catch (err) {
      setProblems(
        err instanceof ApiError && err.problems.length ? err.problems : [{ message: messageOf(err) }],
      );
      setChecked('Not valid');
    }
  }
  async function save(event: Event) {
    event.preventDefault();
    setProblems([]);
    const body = { friendlyName: name.trim(), definition: definition() };
    const ok = await action.run(
      () => (flow ? api.post(`/v1/Flows/${flow.sid}`, body) : api.post('/v1/Flows', body)),
      'Bot flow saved',
    );
    if (ok) onDone(`${body.friendlyName} saved`);
    else await validate();
  }
  async function readFile(file: File | undefined) {
    if (!file) return;
    const text = await file.text();
    setJson(text);
    if (!name) setName(file.name.replace(/\.json$/i, ''));
  }

  const title = flow ? `Edit ${flow.friendlyName}` : 'Import a bot flow';
  return (
    <form class="card" onSubmit={save} aria-label={title}>
      <h2>{title}</h2>
      <Field label="Bot flow name">
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Studio JSON file">
        <input
          type="file"
          accept="application/json,.json"
          onChange={(e) => readFile(e.currentTarget.files?.[0])}
        />
      </Field>
      <Field label="Flow definition" hint="Studio's JSON: initial_state and states">
        <textarea
          class="mono"
          rows={16}
          required
          value={json}
          onInput={(e) => setJson(e.currentTarget.value)}
        />
      </Field>
      {parsed && <FlowDiagram definition={parsed} problemStates={problemStates} />}
      <FlowTrial api={api} definition={definition} />
      {checked && (
        <div role="status" class={problems.length && checked === 'Not valid' ? 'error' : 'done'}>
          <p>{checked}</p>
          {problems.length > 0 && (
            <ul class="problems" aria-label="Problems">
              {problems.map((p, i) => (
                <li key={i}>
                  {p.state && <strong>{p.state}: </strong>}
                  {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Outcome error={action.error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          Save bot flow
        </button>
        <button type="button" onClick={validate}>
          Validate
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
