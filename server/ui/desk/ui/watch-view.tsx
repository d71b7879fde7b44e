/**
 * A supervisor watching a live chat: the whole conversation so far and every new message as
 * it is written, read-only (no composer, no task actions; the server lets supervisors read
 * any channel and write none).
 */
import type { WatchedChat } from '../state/desk-state.ts';
import { useDesk } from './desk-context.ts';
import { MessageItem } from './message-item.tsx';

export function WatchView({ watched }: { watched: WatchedChat }) {
  const { client } = useDesk();
  const { customerName, agentName, messages } = watched;
  return (
    <section class="search" aria-label={`Watching the chat with ${customerName}`}>
      <header class="conversation__header">
        <h2>
          {customerName} <span class="watch__with">with {agentName}</span>
        </h2>
        <span class="status">Watching · read-only</span>
        <span class="conversation__spacer" />
        <button type="button" class="button" onClick={() => client.stopWatching()}>
          Stop watching
        </button>
      </header>
      <div class="conversation__log" role="log" aria-label="Live chat" aria-live="polite">
        {messages.map((message) => (
          <MessageItem key={message.index} message={message} seen={false} />
        ))}
      </div>
    </section>
  );
}
