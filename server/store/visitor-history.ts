/**
 * A returning visitor's earlier conversations: the contact's other channels on one Flex Flow,
 * newest first. Scoping (which contact, which Flex Flow) is the caller's: see
 * core/visitor-history.ts.
 */
import type { Channel } from './records.ts';

export interface VisitorHistoryRepository {
  /** The contact's channels on the Flex Flow other than `exceptSid`, newest first. */
  earlierChannels(query: {
    contactSid: string;
    flexFlowSid: string;
    exceptSid: string;
    limit: number;
  }): Promise<Channel[]>;
}
