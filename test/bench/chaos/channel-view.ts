/**
 * What one client holds of one channel: messages by index, merged from acks, broadcasts and
 * syncs, and the highest index it holds without a gap before it (where its next sync starts).
 */
import type { MessageDTO } from '../../../server/protocol.ts';

export class ChannelView {
  readonly messages = new Map<number, MessageDTO>();
  /** Highest index held with every earlier index held too; -1 for none. */
  contiguous = -1;
  /** Two different messages seen at one index: the server broke its own ordering. */
  conflicts = 0;

  constructor(readonly channelSid: string) {}

  /** Merges a message; true when a gap is now visible (a message past one still missing). */
  add(message: MessageDTO): boolean {
    const held = this.messages.get(message.index);
    if (held && held.sid !== message.sid) this.conflicts++;
    this.messages.set(message.index, message);
    while (this.messages.has(this.contiguous + 1)) this.contiguous++;
    return this.messages.size > this.contiguous + 1;
  }

  list(): MessageDTO[] {
    return [...this.messages.values()].sort((a, b) => a.index - b.index);
  }
}
