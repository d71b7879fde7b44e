/**
 * `send-message`: posts `body` (and `media_url`, `attributes`) as the bot; events `sent`,
 * `failed`. Studio's `from`, `service` and `channel` are accepted and not needed; `to` and
 * content templates are read as message-properties.ts says.
 */
import { render } from '../templates.ts';
import { messageWarnings, requiredBody, undeliverable } from './message-properties.ts';
import { checkQuickReplies, messageAttributes } from './quick-replies.ts';
import type { Widget } from './types.ts';

export const sendMessage: Widget = {
  type: 'send-message',
  required: requiredBody,
  events: ['sent', 'failed'],
  check: checkQuickReplies,
  warn: (properties) => messageWarnings(properties, 'failed'),
  enter(properties, { scope }) {
    const error = undeliverable(properties, scope);
    if (error) return { event: 'failed', outputs: { error } };
    const body = render(properties.body, scope);
    const mediaUrl = properties.media_url ? render(properties.media_url, scope) : undefined;
    return {
      effects: [{ type: 'sendMessage', body, mediaUrl, attributes: messageAttributes(properties, scope) }],
    };
  },
  resume(_properties, _context, input) {
    if (input.kind !== 'effect') return null;
    return { event: input.outcome === 'sent' ? 'sent' : 'failed', outputs: input.outputs };
  },
};
