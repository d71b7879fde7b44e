/**
 * What a `message:send` is acknowledged with. The sender already holds what it wrote, so a new
 * message is answered with what only the server knows (its sid, its index in the channel and
 * when it was stored), not the whole message again. A clientId that names a message stored
 * before (a retry whose first ack was lost) is answered with that message as stored: it is
 * what the channel holds, whatever the retry carried.
 */
import type { SentAck } from '../protocol.ts';
import type { Message } from '../store/types.ts';

export function sentAck(message: Message, created: boolean): SentAck {
  const { sid, index, dateCreated } = message;
  return created ? { sid, index, dateCreated } : { sid, index, dateCreated, message };
}
