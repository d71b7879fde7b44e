/** `send-message`: posts `body` (and `media_url`, `attributes`) as the bot; events `sent`, `failed`. */
import { render } from '../templates.ts';
import { checkQuickReplies, messageAttributes } from './quick-replies.ts';
import type { Widget } from './types.ts';

export const sendMessage: Widget = {
  type: 'send-message',
  required: ['body'],
  events: ['sent', 'failed'],
  check: checkQuickReplies,
  enter(properties, { scope }) {
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
