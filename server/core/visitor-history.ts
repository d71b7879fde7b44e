/**
 * A returning verified visitor's earlier conversations, shown above the new one in the widget:
 * the contact's other channels on the same Flex Flow, at most HISTORY_CONVERSATIONS of them with
 * their last HISTORY_MESSAGES messages each. Only for a user the Flex Flow verified (see
 * identity.ts): they are the same contact on every device, and only their own site's proof
 * made them so. An anonymous visitor's list is always empty: their identity is a token kept in
 * one browser, and whoever holds that browser next is not necessarily the one who chatted, so
 * the widget shows them only the chat they are in.
 */
import type { VisitorHistoryResponse } from '../protocol.ts';
import type { Store } from '../store/types.ts';
import { isVerifiedIdentity } from './identity.ts';
import type { VisitorSession } from './visitor-session.ts';

export const HISTORY_CONVERSATIONS = 3;
export const HISTORY_MESSAGES = 50;

export async function visitorHistory(
  store: Store,
  { contact, channel }: VisitorSession,
): Promise<VisitorHistoryResponse> {
  if (!isVerifiedIdentity(contact.identity)) return { conversations: [] };
  const earlier = await store.visitorHistory.earlierChannels({
    contactSid: contact.sid,
    flexFlowSid: channel.flexFlowSid,
    exceptSid: channel.sid,
    limit: HISTORY_CONVERSATIONS,
  });
  // Only conversations from before this one: an old session's token shows nothing newer.
  const before = earlier.filter((held) => held.dateCreated <= channel.dateCreated).reverse();
  const conversations = await Promise.all(
    before.map(async (held) => ({
      channelSid: held.sid,
      dateCreated: held.dateCreated,
      messages: await store.messages.list(held.sid, {
        afterIndex: held.lastMessageIndex - HISTORY_MESSAGES,
        limit: HISTORY_MESSAGES,
      }),
    })),
  );
  return { conversations: conversations.filter((c) => c.messages.length > 0) };
}
