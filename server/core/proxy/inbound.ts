/**
 * Inbound messages from a messaging provider, in the shape of Twilio's Messaging webhook
 * (`From`, `To`, `Body`, `MessageSid`, `NumMedia`, `MediaUrlN`, `MediaContentTypeN`): the
 * sender's proxy session and channel are found or opened and the message is posted as the
 * customer's, once per `MessageSid`, so the Flex Flow runs exactly as it does for webchat.
 * The sender must be a messaging address: a contact of another kind (a web visitor, a verified
 * user) is never found by an inbound message.
 */
import { ParleyError } from '../../errors.ts';
import type { FlexFlow, Message } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { ProxySessions } from './sessions.ts';

export type InboundParams = Record<string, string | undefined>;

/** Twilio delivers at most 1,600 characters in one inbound message. */
export const MAX_INBOUND_BODY = 1600;

const PHONE = /^\+[1-9]\d{5,14}$/;
const CHANNEL_ADDRESS = /^(whatsapp|sms|mms|rcs):\+[1-9]\d{5,14}$|^messenger:[A-Za-z0-9_.-]{1,100}$/;

/**
 * Whether an address is one a messaging provider sends from: an E.164 phone number, or one
 * behind a channel prefix (`whatsapp:+15557777`, `messenger:1234567890`).
 */
export const isMessagingAddress = (address: string) => PHONE.test(address) || CHANNEL_ADDRESS.test(address);

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
      if (!isMessagingAddress(from)) {
        throw new ParleyError(
          'invalid_request',
          `From must be a phone number like "+15557777" or a channel address like "whatsapp:+15557777", got "${from.slice(0, 40)}"`,
          400,
        );
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
