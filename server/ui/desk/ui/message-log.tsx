/**
 * The conversation log, paged so a chat of thousands of messages stays quick: the newest
 * page is rendered, "Show earlier messages" adds one more page above without moving what the
 * agent is reading, and the browser skips layout of rows off screen (`content-visibility`).
 * New messages scroll into view only when the agent was already at the bottom (or wrote one),
 * so reading history is never interrupted.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MessageDTO, WhisperDTO } from '../../../protocol.ts';
import type { PendingMessage } from '../state/desk-state.ts';
import { MessageItem, PendingItem } from './message-item.tsx';
import { mergeByTime, WhisperItem } from './whispers.tsx';

/** Messages rendered per page: enough for a screenful several times over. */
export const PAGE_SIZE = 100;
/** Within this many pixels of the bottom counts as "at the bottom". */
const STICKY_PX = 80;

interface MessageLogProps {
  messages: MessageDTO[];
  pending: PendingMessage[];
  /** The customer's read horizon: agent messages up to it show "Seen". */
  customerReadIndex: number;
  offline: boolean;
  /** Staff-only notes, shown among the messages by time. */
  whispers?: WhisperDTO[];
}

export function MessageLog({ messages, pending, customerReadIndex, offline, whispers }: MessageLogProps) {
  const log = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(PAGE_SIZE);
  const atBottom = useRef(true);
  /** The scroll height before earlier messages were added, to keep the view where it was. */
  const heightBeforePage = useRef<number | null>(null);
  const start = Math.max(0, messages.length - shown);
  const visible = start > 0 ? messages.slice(start) : messages;

  useLayoutEffect(() => {
    const element = log.current;
    if (!element) return;
    if (heightBeforePage.current !== null) {
      element.scrollTop += element.scrollHeight - heightBeforePage.current;
      heightBeforePage.current = null;
    } else if (atBottom.current || pending.length > 0) {
      element.scrollTop = element.scrollHeight;
    }
  }, [messages.length, pending.length, shown, whispers?.length]);

  return (
    <div
      class="conversation__log"
      ref={log}
      role="log"
      aria-label="Conversation"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
      }}
    >
      {start > 0 && (
        <button
          type="button"
          class="button button--quiet conversation__earlier"
          onClick={() => {
            heightBeforePage.current = log.current?.scrollHeight ?? null;
            setShown((n) => n + PAGE_SIZE);
          }}
        >
          Show earlier messages ({start})
        </button>
      )}
      {mergeByTime(visible, whispers, start === 0).map((entry) =>
        entry.kind === 'whisper' ? (
          <WhisperItem key={entry.whisper.sid} whisper={entry.whisper} />
        ) : (
          <MessageItem
            key={entry.message.index}
            message={entry.message}
            seen={entry.message.index <= customerReadIndex}
          />
        ),
      )}
      {pending.map((message) => (
        <PendingItem key={message.clientId} message={message} offline={offline} />
      ))}
    </div>
  );
}
