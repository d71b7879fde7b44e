/**
 * The conversation as an ARIA log ("Conversation", announced politely): stored messages in
 * index order, then the visitor's pending ones. Keeps the newest message in view.
 */
import { useEffect, useRef } from 'preact/hooks';
import { seenIndex } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { MessageBubble, PendingBubble } from './message-bubble';
import { css } from './sheet';

const log = css`
  flex: 1;
  overflow-y: auto;
  overscroll-behavior: contain;
  ol {
    margin: 0;
    padding: 12px;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
`;

export function MessageLog() {
  const state = useChatState();
  const { messages, pending, identity } = state;
  const seen = seenIndex(state);
  const { strings } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const count = messages.length + pending.length;
  useEffect(() => {
    const element = ref.current;
    if (element && count) element.scrollTop = element.scrollHeight;
  }, [count]);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it.
    <div ref={ref} class={log} role="log" aria-label={strings.conversation} aria-live="polite" tabIndex={0}>
      <ol>
        {messages.map((message) => (
          <MessageBubble
            key={message.sid}
            message={message}
            mine={message.authorRole === 'customer' && message.from === identity}
            seen={message.index === seen}
          />
        ))}
        {pending.map((message) => (
          <PendingBubble key={message.clientId} message={message} />
        ))}
      </ol>
    </div>
  );
}
