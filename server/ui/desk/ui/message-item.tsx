/**
 * One message in the log. Customer, agent, bot and system messages look different so the
 * agent can scan a long conversation. Bodies go through the widget's markdown-lite renderer,
 * which builds nodes and never HTML, so both sides show `**bold**` the same way.
 */
import { memo } from 'preact/compat';
import { renderMarkdown } from '../../../../widget/ui/markdown.tsx';
import type { DeliveryStatus, MessageDTO } from '../../../protocol.ts';
import { mediaOf } from '../client/media.ts';
import { formatTime } from '../format/time.ts';
import type { PendingMessage } from '../state/desk-state.ts';
import { MediaView } from './media-view.tsx';

interface MessageItemProps {
  message: MessageDTO;
  /** The customer has read up to this message (their read horizon reached its index). */
  seen: boolean;
}

/** Memoised: a log of thousands re-renders only the messages whose props changed. */
export const MessageItem = memo(function MessageItem({ message, seen }: MessageItemProps) {
  if (message.authorRole === 'system') {
    return (
      <div class="message message--system">
        <span class="message__body">{message.body}</span>
        <time class="message__time" dateTime={message.dateCreated}>
          {formatTime(message.dateCreated)}
        </time>
      </div>
    );
  }
  const media = mediaOf(message.attributes);
  // An attachment's body is its file name: the media view already shows it.
  const body = media && message.body === media.filename ? '' : message.body;
  return (
    <div class={`message message--${message.authorRole}`} data-index={message.index}>
      <div class="message__meta">
        <span class="message__author">{message.authorName}</span>
        <time class="message__time" dateTime={message.dateCreated}>
          {formatTime(message.dateCreated)}
        </time>
      </div>
      {body && <p class="message__body">{renderMarkdown(body)}</p>}
      {media && <MediaView media={media} />}
      {message.authorRole === 'agent' && <StatusBadge message={message} seen={seen} />}
    </div>
  );
});

const DELIVERY_TEXT: Record<DeliveryStatus, string> = {
  queued: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

/**
 * Where an agent's reply is: on SMS / WhatsApp-style channels as the provider reports it,
 * on the web "Sent" once stored and "Seen" once the customer's read horizon passed it.
 */
function StatusBadge({ message, seen }: MessageItemProps) {
  const delivery = message.attributes.deliveryStatus as DeliveryStatus | undefined;
  if (delivery && DELIVERY_TEXT[delivery]) {
    return <span class={`message__delivery message__delivery--${delivery}`}>{DELIVERY_TEXT[delivery]}</span>;
  }
  return (
    <span class={`message__delivery message__delivery--${seen ? 'seen' : 'sent'}`}>
      {seen ? 'Seen' : 'Sent'}
    </span>
  );
}

/** A message the server has not stored yet: shown where it will land, marked as pending. */
export function PendingItem({ message, offline }: { message: PendingMessage; offline: boolean }) {
  const media = message.attributes ? mediaOf(message.attributes) : null;
  return (
    <div class="message message--agent message--pending">
      <div class="message__meta">
        <span class="message__author">You</span>
        <span class="message__time">{offline ? 'Waiting for connection' : 'Sending…'}</span>
      </div>
      <p class="message__body">{media ? media.filename : renderMarkdown(message.body)}</p>
    </div>
  );
}
