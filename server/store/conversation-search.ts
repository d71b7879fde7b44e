/**
 * Finds conversations by what an agent remembers of them: the customer's name or address, or
 * words of a message. A substring match (LIKE / ILIKE), bounded by a page size, newest
 * conversation first. Who may see which conversations is the caller's: see
 * core/conversation-search.ts.
 */
import type { Channel, Contact, Message } from './records.ts';

export interface ConversationSearchQuery {
  /** Matched as a substring, case-insensitively; `%` and `_` match themselves. */
  text: string;
  /** Only channels one of whose tasks this worker held; every channel when absent. */
  workerSid?: string;
  limit: number;
  offset: number;
}

export interface ConversationSearchHit {
  channel: Channel;
  contact: Contact;
  /** The newest message (not a system one) whose body matched; null when only the name or address did. */
  message: Message | null;
}

export interface ConversationSearchRepository {
  search(query: ConversationSearchQuery): Promise<ConversationSearchHit[]>;
}

/** `text` as a LIKE pattern that matches it anywhere, with `\` as the escape character. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
