/**
 * "New conversation": the agent texts a customer first on an SMS / WhatsApp-style channel.
 * The task is the agent's at once (immediate task creation) and the chat opens.
 */
import { useState } from 'preact/hooks';
import type { NewConversationRequest } from '../../../protocol.ts';
import { useDesk, useRunAction } from './desk-context.ts';

type Channel = NewConversationRequest['channelType'];

export function NewConversation() {
  const { client } = useDesk();
  const run = useRunAction();
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState('');
  const [channelType, setChannelType] = useState<Channel>('sms');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" class="new-conversation__open" onClick={() => setOpen(true)}>
        New conversation
      </button>
    );
  }
  async function submit(event: Event) {
    event.preventDefault();
    if (!to.trim() || !body.trim()) return;
    setBusy(true);
    await run(async () => {
      await client.startConversation({ channelType, to: to.trim(), body: body.trim() });
      setTo('');
      setBody('');
      setOpen(false);
    });
    setBusy(false);
  }
  return (
    <form class="new-conversation" aria-label="New conversation" onSubmit={submit}>
      <label>
        Address
        <input value={to} placeholder="+15557777" onInput={(e) => setTo(e.currentTarget.value)} />
      </label>
      <label>
        Channel
        <select value={channelType} onChange={(e) => setChannelType(e.currentTarget.value as Channel)}>
          <option value="sms">SMS</option>
          <option value="whatsapp">WhatsApp</option>
        </select>
      </label>
      <label>
        First message
        <textarea value={body} rows={3} onInput={(e) => setBody(e.currentTarget.value)} />
      </label>
      <div class="new-conversation__actions">
        <button type="submit" disabled={busy}>
          Start conversation
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
