/**
 * The conversation as an ARIA log ("Conversation", announced politely): a returning visitor's
 * earlier conversations, a greeting, the stored
 * messages in index order with any the server refused where they were written, then the
 * visitor's messages still being sent. It follows the newest message (also when an image or
 * a banner changes the sizes) unless the visitor scrolled up to read: then a "New messages"
 * button brings them back down.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MessageDTO } from '../../server/protocol';
import { type ChatState, type PendingMessage, seenIndex } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { bubble, item, MessageBubble, PendingBubble } from './message-bubble';
import { css } from './sheet';
import { color } from './theme';

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
const pill = css`
  position: sticky;
  bottom: 8px;
  display: block;
  margin: 0 auto 8px;
  border: 0;
  border-radius: 999px;
  padding: 6px 14px;
  background: ${color.primary};
  color: ${color.onPrimary};
  font: inherit;
  font-size: 13px;
  cursor: pointer;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.2);
`;

/** Within this many pixels of the bottom counts as reading the newest message. */
const PINNED_SLACK = 40;

type Entry = { message: MessageDTO } | { pending: PendingMessage };

/**
 * Stored messages in order, each refused message placed after the stored ones written before
 * it (it never sinks below newer replies), and the messages still on their way at the end.
 */
export function logEntries(state: Pick<ChatState, 'messages' | 'pending'>): Entry[] {
  const failed = state.pending.filter((p) => p.failed);
  const entries: Entry[] = [];
  let next = 0;
  for (const message of state.messages) {
    while (next < failed.length && (failed[next] as PendingMessage).dateCreated < message.dateCreated) {
      entries.push({ pending: failed[next++] as PendingMessage });
    }
    entries.push({ message });
  }
  for (const pending of failed.slice(next)) entries.push({ pending });
  for (const pending of state.pending) if (!pending.failed) entries.push({ pending });
  return entries;
}

export function MessageLog() {
  const state = useChatState();
  const { identity, settings, endedByVisitor } = state;
  const seen = seenIndex(state);
  const { strings } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const [unseen, setUnseen] = useState(false);
  const count = state.messages.length + state.pending.length;

  const toBottom = () => {
    const element = ref.current;
    if (element) element.scrollTop = element.scrollHeight;
    pinned.current = true;
    setUnseen(false);
  };

  useLayoutEffect(() => {
    if (!count) return;
    // The visitor's own message always brings the view down; others' only while they follow.
    const mineLast = state.pending.some((p) => !p.failed) || state.messages.at(-1)?.from === identity;
    if (pinned.current || mineLast) toBottom();
    else setUnseen(true);
  }, [count]);

  useEffect(() => {
    // Images, typing and banners change heights after the render: a follower stays at the bottom.
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const follow = new ResizeObserver(() => {
      if (pinned.current) element.scrollTop = element.scrollHeight;
    });
    follow.observe(element);
    if (list.current) follow.observe(list.current);
    return () => follow.disconnect();
  }, []);

  return (
    <div
      ref={ref}
      class={log}
      role="log"
      aria-label={strings.conversation}
      aria-live="polite"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it.
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight <= PINNED_SLACK;
        if (pinned.current) setUnseen(false);
      }}
    >
      <ol ref={list}>
        {state.earlier.map((message) => (
          <MessageBubble
            key={message.sid}
            message={message}
            mine={message.authorRole === 'customer' && message.from === identity}
            seen={false}
            endedByVisitor={false}
          />
        ))}
        <li class={item} data-role="bot" data-greeting="">
          <div class={bubble} dir="auto">
            {settings?.welcomeMessage ?? strings.greeting}
            {settings?.teamLine && `\n${settings.teamLine}`}
          </div>
        </li>
        {logEntries(state).map((entry) =>
          'message' in entry ? (
            <MessageBubble
              key={entry.message.sid}
              message={entry.message}
              mine={entry.message.authorRole === 'customer' && entry.message.from === identity}
              seen={entry.message.index === seen}
              endedByVisitor={endedByVisitor}
            />
          ) : (
            <PendingBubble key={entry.pending.clientId} message={entry.pending} />
          ),
        )}
      </ol>
      {unseen && (
        <button type="button" class={pill} onClick={toBottom}>
          {strings.newMessages}
        </button>
      )}
    </div>
  );
}
