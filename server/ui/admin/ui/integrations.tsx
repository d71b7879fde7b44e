/**
 * Integrations: how Parley reaches other systems. Messaging connectors (where SMS and
 * WhatsApp-style Flex Flows send replies, and the token both sides sign with) are edited per
 * Flex Flow here; a new token is generated in the browser and shown once. Event webhooks
 * (webhooks.tsx) follow.
 */
import { useState } from 'preact/hooks';
import type { FlexFlowDTO } from '../../../protocol.ts';
import { ApiKeysSection } from './api-keys.tsx';
import type { AreaProps } from './console.tsx';
import { Field, Outcome, useAction, useLoad } from './shared.tsx';
import { WebhooksSection } from './webhooks.tsx';

const newToken = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('');

export function IntegrationsArea({ api }: AreaProps) {
  const flexFlows = useLoad(() =>
    api.get<{ flexFlows: FlexFlowDTO[] }>('/v1/FlexFlows').then((r) => r.flexFlows),
  );
  const messaging = (flexFlows.data ?? []).filter(
    (f) => f.channelType === 'sms' || f.channelType === 'whatsapp',
  );
  return (
    <section>
      <h2>Messaging connectors</h2>
      <Outcome error={flexFlows.error} />
      {messaging.length === 0 && (
        <p class="hint">No SMS or WhatsApp-style Flex Flow yet: add one under Flex Flows.</p>
      )}
      {messaging.map((f) => (
        <ConnectorForm key={f.sid} api={api} flow={f} onSaved={flexFlows.reload} />
      ))}
      <WebhooksSection api={api} />
      <ApiKeysSection api={api} />
    </section>
  );
}

function ConnectorForm({
  api,
  flow,
  onSaved,
}: Pick<AreaProps, 'api'> & { flow: FlexFlowDTO; onSaved(): void }) {
  const [url, setUrl] = useState(flow.messagingConnector?.url ?? '');
  const [shownToken, setShownToken] = useState<string | null>(null);
  const action = useAction();
  async function save(event: Event, rotate: boolean) {
    event.preventDefault();
    const authToken = rotate || !flow.messagingConnector ? newToken() : flow.messagingConnector.authToken;
    const ok = await action.run(
      () => api.post(`/v1/FlexFlows/${flow.sid}`, { messagingConnector: { url: url.trim(), authToken } }),
      rotate ? 'New token saved: give it to the provider now' : 'Connector saved',
    );
    if (ok) {
      if (rotate || !flow.messagingConnector) setShownToken(authToken);
      onSaved();
    }
  }
  return (
    <form class="card" onSubmit={(e) => save(e, false)} aria-label={`Connector of ${flow.friendlyName}`}>
      <h3>{flow.friendlyName}</h3>
      <Field label={`${flow.friendlyName} Messages URL`} hint="The provider's Messages endpoint">
        <input type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </Field>
      {shownToken && (
        <p class="secret">
          Token (shown once): <code>{shownToken}</code>
        </p>
      )}
      <Outcome error={action.error} done={action.done} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.busy}>
          Save connector
        </button>
        <button type="button" onClick={(e) => save(e, true)} disabled={action.busy}>
          Rotate token
        </button>
      </div>
    </form>
  );
}
