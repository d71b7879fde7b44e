/**
 * A past conversation, read-only: how each agent wrapped it up, how the customer rated it, and
 * its messages. Shown by "Search conversations" and by the context panel's earlier
 * conversations; nothing here can write to the conversation.
 */
import type { TranscriptDTO } from '../../../protocol.ts';
import { MessageItem } from './message-item.tsx';
import { RatingStars } from './rating-stars.tsx';

interface TranscriptViewProps {
  transcript: TranscriptDTO;
  onBack(): void;
  /** The button that leaves the transcript ("Back to results", "Close"). */
  backLabel?: string;
}

export function TranscriptView({ transcript, onBack, backLabel = 'Back to results' }: TranscriptViewProps) {
  const { channel, customerName, messages, ratings } = transcript;
  return (
    <section class="search" aria-label={`Transcript with ${customerName}`}>
      <header class="conversation__header">
        <h2>Transcript with {customerName}</h2>
        <span class="status">{channel.status === 'active' ? 'Active' : 'Ended'}</span>
        <span class="conversation__spacer" />
        <button type="button" class="button" onClick={onBack}>
          {backLabel}
        </button>
      </header>
      {transcript.wrapUps.length > 0 && (
        <ul class="search__wrap-ups" aria-label="Wrap-up">
          {transcript.wrapUps.map((w) => (
            <li key={w.taskSid}>
              <strong>{w.disposition ?? 'No disposition'}</strong>
              {w.workerName && ` · ${w.workerName}`}
              {w.notes && ` · ${w.notes}`}
            </li>
          ))}
        </ul>
      )}
      {ratings.length > 0 && (
        <ul class="search__wrap-ups" aria-label="Customer rating">
          {ratings.map((r) => (
            <li key={r.taskSid}>
              <RatingStars csat={r} />
              {r.workerName && <span class="rating__agent"> · for {r.workerName}</span>}
            </li>
          ))}
        </ul>
      )}
      <div class="conversation__log" role="log" aria-label="Transcript">
        {messages.map((message) => (
          <MessageItem key={message.index} message={message} seen={false} />
        ))}
      </div>
      {transcript.hasMore && (
        <p class="conversation__ended">The first {messages.length} messages are shown.</p>
      )}
    </section>
  );
}
