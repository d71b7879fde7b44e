/** The pre-engagement form builder: the fields a visitor fills in before the chat starts. */
import { Field } from './shared.tsx';

export interface PreEngagementField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'select' | 'textarea';
  required?: boolean;
}

export function PreEngagementBuilder({
  fields,
  onChange,
}: {
  fields: PreEngagementField[];
  onChange(fields: PreEngagementField[]): void;
}) {
  const set = (i: number, patch: Partial<PreEngagementField>) =>
    onChange(fields.map((f, j) => (i === j ? { ...f, ...patch } : f)));
  return (
    <fieldset>
      <legend>Pre-engagement form</legend>
      {fields.length === 0 && <p class="hint">No form: the chat starts at once.</p>}
      {fields.map((f, i) => (
        <div class="grid" key={i}>
          <Field label={`Field ${i + 1} label`}>
            <input value={f.label} onInput={(e) => set(i, { label: e.currentTarget.value })} />
          </Field>
          <Field label={`Field ${i + 1} name`} hint="name or email name the visitor">
            <input value={f.name} onInput={(e) => set(i, { name: e.currentTarget.value })} />
          </Field>
          <Field label={`Field ${i + 1} type`}>
            <select
              value={f.type}
              onChange={(e) => set(i, { type: e.currentTarget.value as PreEngagementField['type'] })}
            >
              <option value="text">Text</option>
              <option value="email">Email</option>
              <option value="textarea">Long text</option>
            </select>
          </Field>
          <label class="check">
            <input
              type="checkbox"
              checked={f.required ?? false}
              onChange={(e) => set(i, { required: e.currentTarget.checked })}
            />
            Field {i + 1} required
          </label>
          <button type="button" class="link" onClick={() => onChange(fields.filter((_, j) => j !== i))}>
            Remove field {i + 1}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...fields,
            {
              name: fields.length ? `field${fields.length + 1}` : 'name',
              label: fields.length ? '' : 'Name',
              type: 'text',
              required: true,
            },
          ])
        }
      >
        Add field
      </button>
    </fieldset>
  );
}
