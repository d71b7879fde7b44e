/**
 * `send-and-wait-for-reply`: posts `body`, then waits `timeout` seconds (default 3600) for the
 * customer's reply, found at `widgets.NAME.inbound.Body`. Events `incomingMessage`, `timeout`,
 * `deliveryFailure`. Studio's addressing properties and content templates are read as
 * message-properties.ts says.
 */
import { render } from '../templates.ts';
import { messageWarnings, requiredBody, undeliverable } from './message-properties.ts';
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
    const error = undeliverable(properties, scope);
    if (error) return { event: 'deliveryFailure', outputs: { error } };
    const body = render(properties.body, scope);
    const mediaUrl = properties.media_url ? render(properties.media_url, scope) : undefined;
    return {
      effects: [
        { type: 'sendMessage', body, mediaUrl, attributes: messageAttributes(properties, scope) },
        { type: 'scheduleTimeout', seconds: timeoutOf(properties.timeout), waitId },
      ],
      outputs: { outbound: { Body: body } },
    };
  },
  resume(_properties, { waitId }, input) {
    if (input.kind === 'message') return { event: 'incomingMessage', outputs: { inbound: input.inbound } };
    if (input.kind === 'timeout') return input.waitId === waitId ? { event: 'timeout' } : null;
    if (input.kind === 'effect' && input.outcome === 'failed') return { event: 'deliveryFailure' };
    return null;
  },
};
