/**
 * One message in the log. Customer, agent, bot and system messages look different so the
 * agent can scan a long conversation; bodies are rendered as text, never as HTML.
 */
import type { DeliveryStatus, MessageDTO } from '../../../protocol.ts';
import { formatTime } from '../format/time.ts';
import type { PendingMessage } from '../state/desk-state.ts';

export function MessageItem({ message }: { message: MessageDTO }) {
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
  return (
    <div class={`message message--${message.authorRole}`}>
      <div class="message__meta">
        <span class="message__author">{message.authorName}</span>
        <time class="message__time" dateTime={message.dateCreated}>
          {formatTime(message.dateCreated)}
        </time>
      </div>
      <p class="message__body">{message.body}</p>
      <DeliveryBadge message={message} />
    </div>
  );
}

const DELIVERY_TEXT: Record<DeliveryStatus, string> = {
  queued: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

/** Where a reply on an SMS / WhatsApp-style channel is, as its provider reports it. */
function DeliveryBadge({ message }: { message: MessageDTO }) {
  const status = message.attributes.deliveryStatus as DeliveryStatus | undefined;
  if (!status || !DELIVERY_TEXT[status]) return null;
  return <span class={`message__delivery message__delivery--${status}`}>{DELIVERY_TEXT[status]}</span>;
}

/** A message the server has not stored yet: shown where it will land, marked as pending. */
export function PendingItem({ message, offline }: { message: PendingMessage; offline: boolean }) {
  return (
    <div class="message message--agent message--pending">
      <div class="message__meta">
        <span class="message__author">You</span>
        <span class="message__time">{offline ? 'Waiting for connection' : 'Sending…'}</span>
      </div>
      <p class="message__body">{message.body}</p>
    </div>
  );
}
