/**
 * Whispers on the desk: notes the agent holding a chat and supervisors write for each other.
 * They sit in the log among the messages by time, styled apart and labelled "Whisper" (in
 * text, so screen readers say it too), and are written in their own box, never the message
 * composer, so a note cannot be sent to the customer by a slip of the keyboard. On the
 * agent's own chat the box is folded behind a "Whisper" button until used (or until someone
 * whispers in the chat), so a lone agent keeps the room for the conversation.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { MessageDTO, Sid, WhisperDTO } from '../../../protocol.ts';
import { formatTime } from '../format/time.ts';
import { useDesk, useRunAction } from './desk-context.ts';

export type LogEntry = { kind: 'message'; message: MessageDTO } | { kind: 'whisper'; whisper: WhisperDTO };

/**
 * Messages (in index order) with whispers placed by time: a whisper goes after every message
 * written before or when it was. Whispers older than the first message shown are left out, so
 * a paged log does not pile earlier notes on top of its first page.
 */
export function mergeByTime(messages: MessageDTO[], whispers: WhisperDTO[] = [], all = true): LogEntry[] {
  const entries: LogEntry[] = [];
  const first = messages[0]?.dateCreated;
  const held = all || !first ? [...whispers] : whispers.filter((w) => w.dateCreated >= first);
  held.reverse();
  for (const message of messages) {
    for (let w = held.at(-1); w && w.dateCreated < message.dateCreated; w = held.at(-1)) {
      entries.push({ kind: 'whisper', whisper: w });
      held.pop();
    }
    entries.push({ kind: 'message', message });
  }
  for (const whisper of held.reverse()) entries.push({ kind: 'whisper', whisper });
  return entries;
}

export function WhisperItem({ whisper }: { whisper: WhisperDTO }) {
  return (
    <div class="message message--whisper" data-whisper={whisper.sid}>
      <div class="message__meta">
        <span class="whisper__label">Whisper</span>
        <span class="message__author">{whisper.authorName}</span>
        <time class="message__time" dateTime={whisper.dateCreated}>
          {formatTime(whisper.dateCreated)}
        </time>
      </div>
      <p class="message__body">{whisper.body}</p>
    </div>
  );
}

interface WhisperBoxProps {
  channelSid: Sid;
  disabled?: boolean;
  /** Set when the box can be folded away: Escape in it calls this. */
  onClose?: () => void;
  /** Puts the caret in the box when it appears (it was opened to write in). */
  focusOnMount?: boolean;
}

/** One line for a note to the chat's staff: Enter or "Post whisper" sends it. */
export function WhisperBox({ channelSid, disabled = false, onClose, focusOnMount = false }: WhisperBoxProps) {
  const { client } = useDesk();
  const run = useRunAction();
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const hint = useId();
  useEffect(() => {
    if (focusOnMount) input.current?.focus();
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    const text = body.trim();
    if (!text || sending) return;
    setSending(true);
    // A refused whisper keeps its text in the box; the notice says why.
    run(async () => {
      await client.whisper(channelSid, text);
      setBody('');
    }).finally(() => setSending(false));
  };
  return (
    <form
      class="whisper-box"
      id={`whisper-${channelSid}`}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && onClose) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <label class="whisper-box__field">
        <span class="whisper__label">Whisper</span>
        <input
          ref={input}
          type="text"
          aria-describedby={hint}
          value={body}
          maxLength={4000}
          disabled={disabled}
          onInput={(e) => setBody(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="button" disabled={disabled || sending || !body.trim()}>
        Post whisper
      </button>
      <span id={hint} class="whisper-box__hint">
        Only agents and supervisors see whispers.
      </span>
    </form>
  );
}
