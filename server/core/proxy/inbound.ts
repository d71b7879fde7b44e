/**
 * Inbound messages from a messaging provider, in the shape of Twilio's Messaging webhook
 * (`From`, `To`, `Body`, `MessageSid`, `NumMedia`, `MediaUrlN`, `MediaContentTypeN`): the
 * sender's proxy session and channel are found or opened and the message is posted as the
 * customer's, once per `MessageSid`, so the Flex Flow runs exactly as it does for webchat.
 */
import { ParleyError } from '../../errors.ts';
import type { FlexFlow, Message } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { ProxySessions } from './sessions.ts';

export type InboundParams = Record<string, string | undefined>;

export interface InboundMedia {
  url: string;
  contentType: string;
}

export function createInbound({
  conversations,
  sessions,
}: {
  conversations: Conversations;
  sessions: ProxySessions;
}) {
  return {
    async receive(
      flexFlow: FlexFlow,
      params: InboundParams,
    ): Promise<{ message: Message; created: boolean }> {
      const { From: from, To: to, MessageSid: messageSid } = params;
      if (!from || !messageSid) {
        throw new ParleyError('invalid_request', 'From and MessageSid are required form fields', 400);
      }
      if (to !== flexFlow.contactIdentity) {
        throw new ParleyError(
          'invalid_request',
          `To must be this Flex Flow's contactIdentity (${flexFlow.contactIdentity}), got "${to ?? ''}"`,
          400,
        );
      }
      const { channel } = await sessions.openFor(flexFlow, from);
      const media = mediaOf(params);
      return conversations.post({
        channelSid: channel.sid,
        from,
        body: params.Body ?? '',
        clientId: messageSid,
        attributes: { providerMessageSid: messageSid, ...(media.length > 0 && { mediaUrls: media }) },
      });
    },
  };
}

function mediaOf(params: InboundParams): InboundMedia[] {
  const count = Math.min(10, Math.max(0, Number.parseInt(params.NumMedia ?? '0', 10) || 0));
  const media: InboundMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (url) media.push({ url, contentType: params[`MediaContentType${i}`] ?? 'application/octet-stream' });
  }
  return media;
}
