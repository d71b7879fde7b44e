/**
 * A supervisor on a live chat: the whole conversation so far and every new message as it is
 * written, with the chat's whispers among them. Watching is read-only; "Join" makes the
 * supervisor a second agent in the chat (the customer sees them join, the agent keeps the
 * chat) with a message box, and "Leave" takes them out again. Whispers can be written either way.
 */
import { useState } from 'preact/hooks';
import type { WatchedChat } from '../state/desk-state.ts';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';
import { MessageItem } from './message-item.tsx';
import { mergeByTime, WhisperBox, WhisperItem } from './whispers.tsx';

export function WatchView({ watched }: { watched: WatchedChat }) {
  const { client } = useDesk();
  const { connection } = useDeskState();
  const run = useRunAction();
  const [busy, setBusy] = useState(false);
  const { channelSid, customerName, agentName, messages, whispers, joined, ended = false } = watched;
  const status = ended
    ? 'The chat has ended'
    : joined
      ? 'Joined · the customer sees your messages'
      : 'Watching · read-only';
  const act = (action: () => Promise<void>) => {
    setBusy(true);
    run(action).finally(() => setBusy(false));
  };
  return (
    <section class="search watch" aria-label={`Watching the chat with ${customerName}`}>
      <header class="conversation__header">
        <h2>
          {customerName} <span class="watch__with">with {agentName}</span>
        </h2>
        <span class="status">{status}</span>
        <span class="conversation__spacer" />
        {joined ? (
          <button type="button" class="button" disabled={busy} onClick={() => act(client.leaveWatched)}>
            Leave
          </button>
        ) : ended ? null : (
          <button
            type="button"
            class="button button--primary"
            disabled={busy || connection !== 'online'}
            onClick={() => act(client.joinWatched)}
          >
            Join
          </button>
        )}
        <button type="button" class="button" onClick={() => client.stopWatching()}>
          Stop watching
        </button>
      </header>
      <div class="conversation__log" role="log" aria-label="Live chat" aria-live="polite">
        {mergeByTime(messages, whispers).map((entry) =>
          entry.kind === 'whisper' ? (
            <WhisperItem key={entry.whisper.sid} whisper={entry.whisper} />
          ) : (
            <MessageItem key={entry.message.index} message={entry.message} seen={false} />
          ),
        )}
      </div>
      <WhisperBox channelSid={channelSid} disabled={connection !== 'online'} />
      {joined && !ended && <JoinedComposer />}
    </section>
  );
}

/** A joined supervisor's message box: Enter sends, Shift+Enter starts a new line. */
function JoinedComposer() {
  const { client } = useDesk();
  const run = useRunAction();
  const [body, setBody] = useState('');
  const send = () => {
    const text = body.trim();
    if (!text) return;
    run(async () => {
      await client.sendToWatched(text);
      setBody('');
    });
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Type a message"
        rows={2}
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="button button--primary" disabled={!body.trim()}>
        Send
      </button>
    </form>
  );
}
