/**
 * A contact's earlier conversations: their other channels on one Flex Flow (what a verified
 * visitor sees in the widget), or on every Flex Flow (what the agent sees in the context
 * panel), newest first. Scoping (which contact, who may ask) is the caller's: see
 * core/visitor-history.ts and core/earlier-conversations.ts.
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
  /** The contact's channels on any Flex Flow, other than `exceptSid`, created no later than `notAfter`, newest first. */
  contactChannels(query: {
    contactSid: string;
    exceptSid: string;
    notAfter: string;
    limit: number;
  }): Promise<Channel[]>;
}
