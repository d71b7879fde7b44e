/**
 * `send-and-wait-for-reply`: posts `body`, then waits `timeout` seconds (default 3600) for the
 * customer's reply, found at `widgets.NAME.inbound.Body`. What it sent is at
 * `widgets.NAME.outbound` from the start, its `Sid` once the wait ends (the message is stored
 * after the step that waits). Events `incomingMessage`, `timeout`, `deliveryFailure`. Studio's
 * addressing properties and content templates are read as message-properties.ts says.
 */
import { render } from '../templates.ts';
import { messageWarnings, outboundOf, recipientOf, requiredBody, withSid } from './message-properties.ts';
import { checkQuickReplies, messageAttributes } from './quick-replies.ts';
import type { Widget } from './types.ts';

export const DEFAULT_REPLY_TIMEOUT = 3600;

// Studio exports an unset timeout as an empty text.
const timeoutOf = (value: unknown) =>
  value === undefined || value === null || String(value).trim() === ''
    ? DEFAULT_REPLY_TIMEOUT
    : Number(value);

export const sendAndWaitForReply: Widget = {
  type: 'send-and-wait-for-reply',
  required: requiredBody,
  events: ['incomingMessage', 'timeout', 'deliveryFailure'],
  check(properties) {
    const seconds = timeoutOf(properties.timeout);
    const problems = checkQuickReplies(properties);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      problems.push(`timeout must be a number of seconds above 0, got ${JSON.stringify(properties.timeout)}`);
    }
    return problems;
  },
  warn: (properties) => messageWarnings(properties, 'deliveryFailure'),
  enter(properties, { scope, waitId }) {
    const recipient = recipientOf(properties, scope);
    if ('error' in recipient) return { event: 'deliveryFailure', outputs: { error: recipient.error } };
    const body = render(properties.body, scope);
    const mediaUrl = properties.media_url ? render(properties.media_url, scope) : undefined;
    return {
      effects: [
        { type: 'sendMessage', body, mediaUrl, attributes: messageAttributes(properties, scope) },
        { type: 'scheduleTimeout', seconds: timeoutOf(properties.timeout), waitId },
      ],
      outputs: { outbound: outboundOf(recipient.to, scope, body) },
    };
  },
  resume(_properties, { scope, state, waitId }, input) {
    const sent =
      input.kind !== 'effect' && input.sent ? { outbound: withSid(scope, state.name, input.sent.Sid) } : {};
    if (input.kind === 'message')
      return { event: 'incomingMessage', outputs: { ...sent, inbound: input.inbound } };
    if (input.kind === 'timeout') return input.waitId === waitId ? { event: 'timeout', outputs: sent } : null;
    if (input.kind === 'effect' && input.outcome === 'failed') return { event: 'deliveryFailure' };
    return null;
  },
};
