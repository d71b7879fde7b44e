/**
 * `send-message`: posts `body` (and `media_url`, `attributes`) as the bot; events `sent`,
 * `failed`. Studio's `from`, `service` and `channel` are accepted and not needed; `to` and
 * content templates are read as message-properties.ts says. Outputs: `widgets.NAME.Body` and
 * `.Sid`, and Studio's `widgets.NAME.outbound` (message-properties.ts).
 */
import { render } from '../templates.ts';
import { messageWarnings, outboundOf, recipientOf, requiredBody, withSid } from './message-properties.ts';
import { checkQuickReplies, messageAttributes } from './quick-replies.ts';
import type { Widget } from './types.ts';

export const sendMessage: Widget = {
  type: 'send-message',
  required: requiredBody,
  events: ['sent', 'failed'],
  check: checkQuickReplies,
  warn: (properties) => messageWarnings(properties, 'failed'),
  enter(properties, { scope }) {
    const recipient = recipientOf(properties, scope);
    if ('error' in recipient) return { event: 'failed', outputs: { error: recipient.error } };
    const body = render(properties.body, scope);
    const mediaUrl = properties.media_url ? render(properties.media_url, scope) : undefined;
    return {
      effects: [{ type: 'sendMessage', body, mediaUrl, attributes: messageAttributes(properties, scope) }],
      outputs: { outbound: outboundOf(recipient.to, scope, body) },
    };
  },
  resume(_properties, { scope, state }, input) {
    if (input.kind !== 'effect') return null;
    if (input.outcome !== 'sent') return { event: 'failed', outputs: input.outputs };
    const sid = input.outputs?.Sid;
    return {
      event: 'sent',
      outputs: {
        ...input.outputs,
        ...(typeof sid === 'string' && { outbound: withSid(scope, state.name, sid) }),
      },
    };
  },
};
