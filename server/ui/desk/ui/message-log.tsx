/**
 * The conversation log, paged so a chat of thousands of messages stays quick: the newest
 * page is rendered, "Show earlier messages" adds one more page above without moving what the
 * agent is reading, and the browser skips layout of rows off screen (`content-visibility`).
 *
 * A chat opens at its newest message and stays pinned to the bottom as messages arrive, rows
 * take their real height and the panes below it grow or shrink. Once the agent scrolls up to
 * read, nothing moves the view until they come back down, by scrolling or with "Jump to
 * newest message" (or by writing a message).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
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
  const rows = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(PAGE_SIZE);
  /** Following the newest message; false once the agent has scrolled up to read. */
  const pinned = useRef(true);
  const [readingEarlier, setReadingEarlier] = useState(false);
  /** The scroll height before earlier messages were added, to keep the view where it was. */
  const heightBeforePage = useRef<number | null>(null);
  const start = Math.max(0, messages.length - shown);
  const visible = start > 0 ? messages.slice(start) : messages;

  const scrollToNewest = () => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  useLayoutEffect(() => {
    const element = log.current;
    if (!element) return;
    if (heightBeforePage.current !== null) {
      element.scrollTop += element.scrollHeight - heightBeforePage.current;
      heightBeforePage.current = null;
    } else if (pinned.current || pending.length > 0) {
      pinned.current = true;
      scrollToNewest();
    }
  }, [messages.length, pending.length, shown, whispers?.length]);

  // Rows skipped off screen get their real height only once drawn, and the log itself shrinks
  // when the emoji grid or the whisper box opens below it: while pinned, follow the bottom.
  useEffect(() => {
    const observer = new ResizeObserver(() => {
      if (pinned.current) scrollToNewest();
    });
    if (log.current) observer.observe(log.current);
    if (rows.current) observer.observe(rows.current);
    return () => observer.disconnect();
  }, []);

  return (
    <div class="conversation__log-area">
      <div
        class="conversation__log"
        ref={log}
        role="log"
        aria-label="Conversation"
        aria-live="polite"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it (WCAG 2.1.1).
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
          if (readingEarlier === pinned.current) setReadingEarlier(!pinned.current);
        }}
      >
        <div class="conversation__rows" ref={rows}>
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
      </div>
      {readingEarlier && (
        <button
          type="button"
          class="button conversation__jump"
          onClick={() => {
            pinned.current = true;
            setReadingEarlier(false);
            scrollToNewest();
          }}
        >
          Jump to newest message
        </button>
      )}
    </div>
  );
}
