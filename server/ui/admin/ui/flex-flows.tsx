/**
 * Flex Flows: one per channel a customer writes from (web, SMS, WhatsApp-style, email). For
 * web: allowed origins, the pre-engagement form, business hours, the offline and welcome
 * texts, and the widget's look, shown by the real widget in a preview beside the form, with
 * the embed snippet (script tag and npm) to copy.
 */
import { useState } from 'preact/hooks';
import type { FlexFlowDTO } from '../../../protocol.ts';
import type { AreaProps } from './console.tsx';
import { CHANNELS, explainConflict, freeContactIdentity } from './contact-identity.ts';
import { loadRoutes, type Named, type Routes, WorkflowField, withoutWorkflow } from './flex-flow-routing.tsx';
import { IdentitySecret } from './identity-secret.tsx';
import { PreEngagementBuilder, type PreEngagementField } from './pre-engagement.tsx';
import { Field, Outcome, splitList, useAction, useLoad } from './shared.tsx';
import { WidgetLookFields } from './widget-look.tsx';
import { type WidgetLook, WidgetPreview } from './widget-preview.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

type Day = (typeof DAYS)[number];

export function FlexFlowsArea({ api }: AreaProps) {
  const flexFlows = useLoad(() =>
    api.get<{ flexFlows: FlexFlowDTO[] }>('/v1/FlexFlows').then((r) => r.flexFlows),
  );
  const bots = useLoad(() =>
    api.get<{ flows: { sid: string; friendlyName: string }[] }>('/v1/Flows').then((r) => r.flows),
  );
  const routes = useLoad(() => loadRoutes(api));
  const [editing, setEditing] = useState<FlexFlowDTO | 'new' | null>(null);
  const action = useAction();

  async function remove(flow: FlexFlowDTO) {
    if (!confirm(`Delete the Flex Flow ${flow.friendlyName}?`)) return;
    await action.run(() => api.del(`/v1/FlexFlows/${flow.sid}`), `${flow.friendlyName} deleted`);
    flexFlows.reload();
  }

  return (
    <section>
      <Outcome error={flexFlows.error ?? action.error} done={action.done} />
      <ul class="rows">
        {(flexFlows.data ?? []).map((f) => (
          <li key={f.sid}>
            <span>
              {f.friendlyName}{' '}
              <small>
                {f.channelType} · {f.integrationType} · {f.enabled ? 'enabled' : 'disabled'}
              </small>
            </span>
            <span class="actions">
              <button type="button" onClick={() => setEditing(f)} aria-label={`Edit ${f.friendlyName}`}>
                Edit
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
        <FlexFlowForm
          key={editing === 'new' ? 'new' : editing.sid}
          api={api}
          flow={editing === 'new' ? null : editing}
          flexFlows={flexFlows.data ?? []}
          bots={bots.data ?? []}
          routes={routes.data ?? null}
          onDone={(saved) => {
            setEditing(saved);
            flexFlows.reload();
          }}
          onSaved={async () => {
            if (editing !== 'new') setEditing(await api.get<FlexFlowDTO>(`/v1/FlexFlows/${editing.sid}`));
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          Add Flex Flow
        </button>
      )}
    </section>
  );
}

function FlexFlowForm({
  api,
  flow,
  flexFlows,
  bots,
  routes,
  onDone,
  onSaved,
}: Pick<AreaProps, 'api'> & {
  flow: FlexFlowDTO | null;
  /** Every Flex Flow, for the contact identity a new one starts with. */
  flexFlows: FlexFlowDTO[];
  bots: Named[];
  routes: Routes | null;
  onDone(saved: FlexFlowDTO | null): void;
  /** A part saved on its own (the identity secret): the Flex Flow is read again. */
  onSaved(): void;
}) {
  const config = flow?.widgetConfig ?? {};
  const hours = config.businessHours;
  const [name, setName] = useState(flow?.friendlyName ?? '');
  const [channelType, setChannelType] = useState<string>(flow?.channelType ?? 'web');
  // Null until typed: a new Flex Flow proposes a free identity, once the list has loaded too.
  const [typedIdentity, setIdentity] = useState<string | null>(flow?.contactIdentity ?? null);
  const identity = typedIdentity ?? freeContactIdentity(flexFlows, channelType);
  const [integrationType, setIntegrationType] = useState<string>(flow?.integrationType ?? 'task');
  const [botSid, setBotSid] = useState(String(flow?.integration.flowSid ?? bots[0]?.sid ?? ''));
  // Empty: the first workflow, as routing reads a Flex Flow that names none.
  const [workflowSid, setWorkflowSid] = useState(String(flow?.integration.workflowSid ?? ''));
  const [enabled, setEnabled] = useState(flow?.enabled ?? true);
  const [origins, setOrigins] = useState((flow?.allowedOrigins ?? []).join('\n'));
  const [timezone, setTimezone] = useState(hours?.timezone ?? '');
  const [days, setDays] = useState<Day[]>(
    (hours?.schedule[0]?.days as Day[]) ?? ['mon', 'tue', 'wed', 'thu', 'fri'],
  );
  const [open, setOpen] = useState(hours?.schedule[0]?.open ?? '09:00');
  const [close, setClose] = useState(hours?.schedule[0]?.close ?? '17:00');
  const [offline, setOffline] = useState(config.offlineMessage ?? '');
  const [welcome, setWelcome] = useState(config.welcomeMessage ?? '');
  const [fields, setFields] = useState<PreEngagementField[]>(
    (config.preEngagementConfig?.fields as PreEngagementField[]) ?? [],
  );
  const [look, setLook] = useState<WidgetLook>({ primary: '#0263e0', position: 'right', title: '' });
  const action = useAction();
  const web = channelType === 'web';

  async function save(event: Event) {
    event.preventDefault();
    const body = {
      friendlyName: name.trim(),
      channelType,
      contactIdentity: identity.trim(),
      enabled,
      integrationType,
      integration: {
        ...withoutWorkflow(flow?.integration),
        ...(workflowSid && { workflowSid }),
        // The select shows the first bot flow until one is picked, also when the list came late.
        ...(integrationType === 'studio' && { flowSid: botSid || bots[0]?.sid }),
      },
      allowedOrigins: splitList(origins),
      widgetConfig: {
        ...config,
        ...(timezone.trim()
          ? { businessHours: { timezone: timezone.trim(), schedule: [{ days, open, close }] } }
          : { businessHours: undefined }),
        offlineMessage: offline || undefined,
        welcomeMessage: welcome || undefined,
        preEngagementConfig: fields.length ? { ...config.preEngagementConfig, fields } : undefined,
      },
    };
    let saved: FlexFlowDTO | null = null;
    const ok = await action.run(async () => {
      try {
        saved = flow
          ? await api.post<FlexFlowDTO>(`/v1/FlexFlows/${flow.sid}`, body)
          : await api.post<FlexFlowDTO>('/v1/FlexFlows', body);
      } catch (err) {
        throw await explainConflict(api, err, { ...body, sid: flow?.sid });
      }
    }, 'Flex Flow saved');
    if (ok) onDone(web ? saved : null);
  }

  const title = flow ? `Edit ${flow.friendlyName}` : 'New Flex Flow';
  return (
    <div class="flex-flow-editor">
      <form class="card" onSubmit={save} aria-label={title}>
        <h2>{title}</h2>
        <div class="grid">
          <Field label="Flex Flow name">
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label="Channel">
            <select
              value={channelType}
              onChange={(e) => {
                const next = e.currentTarget.value;
                setChannelType(next);
                if (!flow) setIdentity(null);
              }}
            >
              {CHANNELS.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Contact identity"
            hint="The phone number or address customers write to; for the widget, a name no other enabled web Flex Flow uses"
          >
            <input required value={identity} onInput={(e) => setIdentity(e.currentTarget.value)} />
          </Field>
          <Field label="First step">
            <select value={integrationType} onChange={(e) => setIntegrationType(e.currentTarget.value)}>
              <option value="task">Straight to an agent</option>
              <option value="studio">Bot flow first</option>
            </select>
          </Field>
          <WorkflowField routes={routes} value={workflowSid} onChange={setWorkflowSid} />
          {integrationType === 'studio' && (
            <Field label="Bot flow">
              <select value={botSid} onChange={(e) => setBotSid(e.currentTarget.value)}>
                {bots.map((b) => (
                  <option key={b.sid} value={b.sid}>
                    {b.friendlyName}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <label class="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            Enabled
          </label>
        </div>
        {web && (
          <>
            <Field
              label="Allowed origins"
              hint="One per line, e.g. https://shop.example.com; self for Parley's own pages"
            >
              <textarea rows={3} value={origins} onInput={(e) => setOrigins(e.currentTarget.value)} />
            </Field>
            <fieldset>
              <legend>Business hours</legend>
              <Field label="Time zone" hint="IANA name, e.g. Europe/Berlin; empty for always open">
                <input value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} />
              </Field>
              <div class="days">
                {DAYS.map((day) => (
                  <label key={day} class="check">
                    <input
                      type="checkbox"
                      checked={days.includes(day)}
                      onChange={(e) =>
                        setDays(e.currentTarget.checked ? [...days, day] : days.filter((d) => d !== day))
                      }
                    />
                    {day}
                  </label>
                ))}
              </div>
              <div class="grid">
                <Field label="Opens" hint="HH:MM">
                  <input value={open} onInput={(e) => setOpen(e.currentTarget.value)} />
                </Field>
                <Field label="Closes" hint="HH:MM; 24:00 for midnight">
                  <input value={close} onInput={(e) => setClose(e.currentTarget.value)} />
                </Field>
              </div>
            </fieldset>
            <Field label="Offline message">
              <textarea rows={2} value={offline} onInput={(e) => setOffline(e.currentTarget.value)} />
            </Field>
            <Field label="Welcome message">
              <textarea rows={2} value={welcome} onInput={(e) => setWelcome(e.currentTarget.value)} />
            </Field>
            <PreEngagementBuilder fields={fields} onChange={setFields} />
            {flow && <IdentitySecret api={api} flow={flow} onSaved={onSaved} />}
            <WidgetLookFields look={look} onChange={setLook} />
          </>
        )}
        <Outcome error={action.error} done={action.done} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={action.busy}>
            Save Flex Flow
          </button>
          <button type="button" onClick={() => onDone(null)}>
            Close
          </button>
        </div>
      </form>
      {web && flow && <WidgetPreview flexFlowSid={flow.sid} look={look} />}
    </div>
  );
}
