/**
 * The forms that may stand before a conversation (a lazily loaded chunk): the pre-engagement
 * form the Flex Flow (or the site) configures, and the offline form shown when nobody answers
 * now, whose message becomes a task for later. Validation is inline: each invalid field says
 * why, next to it, and the first one takes the focus.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PreEngagementField } from '../../server/protocol';
import type { Strings } from '../i18n';
import { useApp, useChatState } from './app-context';
import { css } from './sheet';
import { color } from './theme';

const formCss = css`
  flex: 1;
  overflow-y: auto;
  padding: 16px;
  display: flex;
  flex-direction: column;
  gap: 12px;
  h3 {
    margin: 0;
    font-size: 16px;
  }
  p {
    margin: 0;
    color: ${color.muted};
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 14px;
    font-weight: 600;
  }
  input,
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    color: inherit;
    background: ${color.surface};
    border: 1px solid ${color.muted};
    border-radius: 8px;
    padding: 8px 10px;
  }
  textarea {
    min-height: 80px;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: ${color.danger};
  }
  small {
    color: ${color.danger};
    font-weight: 400;
  }
  button {
    border: 0;
    border-radius: 8px;
    padding: 10px 16px;
    background: ${color.primary};
    color: ${color.onPrimary};
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  input:focus,
  select:focus,
  textarea:focus,
  button:focus-visible {
    outline: 2px solid ${color.primary};
    outline-offset: 1px;
  }
`;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Why a value is not acceptable for a field, or null. */
export function fieldError(field: PreEngagementField, value: string, strings: Strings): string | null {
  if (!value.trim()) return field.required ? strings.required : null;
  if (field.type === 'email' && !EMAIL.test(value)) return strings.invalidEmail;
  if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(value)) return strings.invalid;
  if (field.type === 'select' && field.options && !field.options.includes(value)) return strings.invalid;
  return null;
}

function Field({ field, error }: { field: PreEngagementField; error?: string | null }) {
  const id = `parley-field-${field.name}`;
  const common = {
    id,
    name: field.name,
    'aria-invalid': error ? 'true' : 'false',
    'aria-describedby': error ? `${id}-error` : undefined,
    'aria-required': field.required ? 'true' : undefined,
  } as const;
  return (
    <label htmlFor={id}>
      {field.label}
      {field.type === 'select' ? (
        <select {...common}>
          <option value="">{field.placeholder ?? '—'}</option>
          {field.options?.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      ) : field.type === 'textarea' ? (
        <textarea {...common} placeholder={field.placeholder} />
      ) : (
        <input
          {...common}
          type={(field.type === 'email' ? 'email' : 'text') as 'text'}
          placeholder={field.placeholder}
          autoComplete={field.type === 'email' ? 'email' : field.name === 'name' ? 'name' : undefined}
        />
      )}
      {error && <small id={`${id}-error`}>{error}</small>}
    </label>
  );
}

/** A form of fields validated inline; calls `onValid` with every answer when all pass. */
function FieldsForm(props: {
  fields: PreEngagementField[];
  title?: string;
  description?: string;
  submitLabel: string;
  onValid(answers: Record<string, string>): void | Promise<void>;
}) {
  const { strings } = useApp();
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => (ref.current?.querySelector('input, select, textarea') as HTMLElement | null)?.focus(), []);
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(ref.current ?? undefined);
    const answers: Record<string, string> = {};
    const found: Record<string, string | null> = {};
    for (const field of props.fields) {
      const value = String(data.get(field.name) ?? '').trim();
      found[field.name] = fieldError(field, value, strings);
      if (value) answers[field.name] = value;
    }
    setErrors(found);
    const invalid = props.fields.find((field) => found[field.name]);
    if (invalid) return ref.current?.querySelector<HTMLElement>(`[name="${invalid.name}"]`)?.focus();
    void props.onValid(answers);
  };
  return (
    <form ref={ref} class={formCss} onSubmit={submit} noValidate>
      {props.title && <h3>{props.title}</h3>}
      {props.description && <p>{props.description}</p>}
      {props.fields.map((field) => (
        <Field key={field.name} field={field} error={errors[field.name]} />
      ))}
      <button type="submit">{props.submitLabel}</button>
    </form>
  );
}

export function PreEngagementForm() {
  const { settings } = useChatState();
  const { strings, actions } = useApp();
  const config = settings?.preEngagementConfig;
  if (!config) return null;
  return (
    <FieldsForm
      fields={config.fields}
      description={config.description}
      submitLabel={config.submitLabel ?? strings.startChat}
      onValid={actions.submitForm}
    />
  );
}

export function OfflineForm() {
  const { settings, offlineSent } = useChatState();
  const { strings, actions } = useApp();
  const [failure, setFailure] = useState<string | null>(null);
  if (offlineSent) {
    return (
      <div class={formCss}>
        <p role="status">{strings.offlineSent}</p>
      </div>
    );
  }
  const reason = settings?.reason === 'outside_business_hours' ? strings.outsideHours : strings.noAgents;
  const fields: PreEngagementField[] = [
    { name: 'name', label: strings.name, type: 'text', required: true },
    { name: 'email', label: strings.email, type: 'email', required: true },
    { name: 'body', label: strings.message, type: 'textarea', required: true },
  ];
  return (
    <>
      {failure && (
        <p role="alert" class={formCss} style={{ flex: 'none', paddingBottom: 0 }}>
          <small>{failure}</small>
        </p>
      )}
      <FieldsForm
        fields={fields}
        title={strings.awayTitle}
        description={`${settings?.offlineMessage ?? reason} ${strings.leaveMessage}`}
        submitLabel={strings.sendMessage}
        onValid={(answers) =>
          actions
            .sendOffline({ name: answers.name ?? '', email: answers.email ?? '', body: answers.body ?? '' })
            .catch((error: Error) => setFailure(error.message))
        }
      />
    </>
  );
}
