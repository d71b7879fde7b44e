/**
 * The shared library of canned responses: the replies every agent inserts in the desk by their
 * `/shortcut`. Listed, added, edited and deleted here; agents' own replies stay theirs and are
 * not shown.
 */
import { useState } from 'preact/hooks';
import type { CannedResponse } from '../../../store/types.ts';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';

type Api = AreaProps['api'];

export function CannedResponsesSection({ api }: Pick<AreaProps, 'api'>) {
  const list = useLoad(() =>
    api
      .get<{ cannedResponses: CannedResponse[] }>('/v1/CannedResponses')
      .then((r) => r.cannedResponses.filter((c) => c.workerSid === null)),
  );
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const action = useAction();
  async function remove(response: CannedResponse) {
    if (!confirm(`Delete the canned response /${response.shortcut}?`)) return;
    await action.run(() => api.del(`/v1/CannedResponses/${response.sid}`), `/${response.shortcut} deleted`);
    list.reload();
  }
  return (
    <section aria-labelledby="canned-title">
      <h2 id="canned-title">Canned responses</h2>
      <p class="hint">
        Shared with every agent: typing /shortcut in the desk's composer inserts the text.
        {' {{customer.name}} and {{agent.name}} are filled in.'}
      </p>
      <Outcome error={list.error ?? action.error} done={action.done} />
      <table>
        <caption class="visually-hidden">Canned responses</caption>
        <thead>
          <tr>
            <th scope="col">Shortcut</th>
            <th scope="col">Title</th>
            <th scope="col">Text</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((c) => (
            <tr key={c.sid}>
              <td class="mono">/{c.shortcut}</td>
              <td>{c.title}</td>
              <td>{c.body}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(c)}>
                  Edit /{c.shortcut}
                </button>
                <button type="button" class="danger" onClick={() => remove(c)}>
                  Delete /{c.shortcut}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <CannedResponseForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          response={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : (
        <div class="buttons">
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            Add canned response
          </button>
        </div>
      )}
    </section>
  );
}

function CannedResponseForm({
  api,
  response,
  onDone,
}: {
  api: Api;
  response: CannedResponse | null;
  onDone(): void;
}) {
  const [shortcut, setShortcut] = useState(response?.shortcut ?? '');
  const [title, setTitle] = useState(response?.title ?? '');
  const [body, setBody] = useState(response?.body ?? '');
  const action = useAction();
  async function save(event: Event) {
    event.preventDefault();
    const fields = { shortcut: shortcut.trim(), title: title.trim(), body };
    const ok = await action.run(
      () =>
        response
          ? api.post(`/v1/CannedResponses/${response.sid}`, fields)
          : api.post('/v1/CannedResponses', fields),
      'Canned response saved',
    );
    if (ok) onDone();
  }
  return (
    <form
      class="card"
      aria-label={response ? `Edit /${response.shortcut}` : 'New canned response'}
      onSubmit={save}
    >
      <Field label="Shortcut" hint="Lowercase letters, digits, - or _, e.g. refund-policy">
        <input class="mono" required value={shortcut} onInput={(e) => setShortcut(e.currentTarget.value)} />
      </Field>
      <Field label="Title">
        <input required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field label="Text">
        <textarea required rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </Field>
      <Outcome error={action.error} done={action.done} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          Save canned response
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
