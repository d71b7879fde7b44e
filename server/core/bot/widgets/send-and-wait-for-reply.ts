/**
 * `send-and-wait-for-reply`: posts `body`, then waits `timeout` seconds (default 3600) for the
 * customer's reply, found at `widgets.NAME.inbound.Body`. Events `incomingMessage`, `timeout`,
 * `deliveryFailure`.
 */
import { render } from '../templates.ts';
import { checkQuickReplies, messageAttributes } from './quick-replies.ts';
import type { Widget } from './types.ts';

export const DEFAULT_REPLY_TIMEOUT = 3600;

export const sendAndWaitForReply: Widget = {
  type: 'send-and-wait-for-reply',
  required: ['body'],
  events: ['incomingMessage', 'timeout', 'deliveryFailure'],
  check(properties) {
    const timeout = properties.timeout;
    const seconds = Number(timeout);
    const problems = checkQuickReplies(properties);
    if (timeout !== undefined && (!Number.isFinite(seconds) || seconds <= 0)) {
      problems.push(`timeout must be a number of seconds above 0, got ${JSON.stringify(timeout)}`);
    }
    return problems;
  },
  enter(properties, { scope, waitId }) {
    const body = render(properties.body, scope);
    const mediaUrl = properties.media_url ? render(properties.media_url, scope) : undefined;
    const seconds = properties.timeout === undefined ? DEFAULT_REPLY_TIMEOUT : Number(properties.timeout);
    return {
      effects: [
        { type: 'sendMessage', body, mediaUrl, attributes: messageAttributes(properties, scope) },
        { type: 'scheduleTimeout', seconds, waitId },
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
