/**
 * The message a `message:send` stored, from what was sent and its ack. The ack carries only
 * what the sender could not know (sid, index, time), so the sender puts the message together;
 * a retry whose first ack was lost is answered with the stored original, which wins over what
 * the retry carried. Shared by the widget and the agent desk.
 */
import type { MessageDTO, SentAck } from '../../server/protocol';

export interface SentMessage {
  clientId: string;
  body: string;
  attributes?: Record<string, unknown>;
}

/** Who wrote it, as the channel's member entry says (the server stores those). */
export type Author = Pick<MessageDTO, 'channelSid' | 'from' | 'authorRole' | 'authorName'>;

export const messageFromAck = (
  { clientId, body, attributes }: SentMessage,
  { sid, index, dateCreated, message }: SentAck,
  author: Author,
): MessageDTO =>
  message ?? { ...author, sid, index, dateCreated, body, attributes: attributes ?? {}, clientId };
