/**
 * Conversations: contacts, channels, members and messages. Posting a message stores it once
 * (idempotent by clientId), with the channel's next index, and only then announces it; a
 * customer's message is handed to the Flex Flow through `onCustomerMessage`.
 */
import { conflict, notFound, ParleyError } from '../errors.ts';
import type { MemberRole, SyncReply } from '../protocol.ts';
import type { Channel, FlexFlow, Message, Store } from '../store/types.ts';
import type { EventBus } from './events.ts';

/**
 * The most a single sync returns, by count and by size: a client asks again from the last
 * index it got while `hasMore` is set. The size bound keeps each reply, and so what a slow
 * reader can make the server hold, small whatever the messages hold.
 */
export const SYNC_PAGE = 100;
export const SYNC_PAGE_BYTES = 256 * 1024;

export interface ConversationsDeps {
  store: Store;
  events: EventBus;
  /** Called after a customer's message is stored (not awaited by the sender's ack). */
  onCustomerMessage: (channel: Channel, message: Message) => void;
}

export interface StartChannelInput {
  flexFlow: FlexFlow;
  contactSid: string;
  customerFriendlyName: string;
  chatFriendlyName?: string;
  preEngagementData?: Record<string, string>;
  pageUrl?: string;
  userAgent?: string;
}

export interface PostInput {
  channelSid: string;
  /** Identity of the member who writes. */
  from: string;
  body: string;
  clientId?: string | null;
  attributes?: Record<string, unknown>;
  /** The socket that sent it, which its ack answers: the broadcast skips it. */
  origin?: string;
}

export type Conversations = ReturnType<typeof createConversations>;

export function createConversations({ store, events, onCustomerMessage }: ConversationsDeps) {
  async function getChannel(sid: string): Promise<Channel> {
    const channel = await store.channels.get(sid);
    if (!channel) throw notFound('Channel', sid);
    return channel;
  }

  return {
    getChannel,

    /** Opens a private channel for a contact on a Flex Flow, with the contact as its first member. */
    async startChannel(input: StartChannelInput): Promise<Channel> {
      const contact = await store.contacts.get(input.contactSid);
      if (!contact) throw notFound('Contact', input.contactSid);
      const channel = await store.channels.create({
        flexFlowSid: input.flexFlow.sid,
        contactSid: contact.sid,
        friendlyName: input.chatFriendlyName ?? `Chat with ${input.customerFriendlyName}`,
        attributes: {
          from: input.customerFriendlyName,
          channelType: input.flexFlow.channelType,
          ...(input.preEngagementData && { preEngagementData: input.preEngagementData }),
          ...(input.pageUrl && { pageUrl: input.pageUrl }),
          ...(input.userAgent && { userAgent: input.userAgent }),
        },
      });
      await store.members.add({
        channelSid: channel.sid,
        identity: contact.identity,
        role: 'customer',
        friendlyName: input.customerFriendlyName,
      });
      return channel;
    },

    /**
     * Stores a message from a member of the channel and announces it. A repeated clientId
     * returns the original message and announces nothing.
     */
    async post(input: PostInput): Promise<{ message: Message; created: boolean }> {
      // One step in the store: channel and membership checked where the message is written.
      const outcome = await store.messages.post({
        channelSid: input.channelSid,
        from: input.from,
        body: input.body,
        attributes: input.attributes,
        clientId: input.clientId ?? null,
      });
      switch (outcome.status) {
        case 'no_channel':
          throw notFound('Channel', input.channelSid);
        case 'not_a_member':
          throw new ParleyError(
            'not_a_member',
            `${input.from} is not a member of channel ${input.channelSid}`,
            403,
          );
        case 'inactive':
          throw conflict(`Channel ${input.channelSid} is inactive: the chat has ended, start a new one`);
      }
      const { message, created, engaged } = outcome;
      if (created) {
        events.emit('message.created', message, input.origin);
        // While a task is open the agent (or the queue) has the conversation: nothing to start.
        if (message.authorRole === 'customer' && !engaged) {
          onCustomerMessage(await getChannel(message.channelSid), message);
        }
      }
      return { message, created };
    },

    /** Announces a message stored along with other writes (a bot's reply, saved with its execution's step). */
    announce(message: Message) {
      events.emit('message.created', message);
    },

    /** A message from the system (joined, ended) in the channel. */
    async postSystem(channelSid: string, body: string, attributes: Record<string, unknown> = {}) {
      const { message } = await store.messages.append({
        channelSid,
        from: 'system',
        authorRole: 'system',
        authorName: 'System',
        body,
        attributes,
      });
      events.emit('message.created', message);
      return message;
    },

    async addMember(channelSid: string, identity: string, role: MemberRole, friendlyName: string) {
      const member = await store.members.add({ channelSid, identity, role, friendlyName });
      events.emit('member.updated', member);
      return member;
    },

    async removeMember(channelSid: string, identity: string) {
      const member = await store.members.get(channelSid, identity);
      const removed = await store.members.remove(channelSid, identity);
      if (removed && member) {
        const { role, friendlyName } = member;
        events.emit('member.removed', { channelSid, identity, role, friendlyName });
      }
      return removed;
    },

    async sync(channelSid: string, afterIndex: number): Promise<SyncReply> {
      const channel = await getChannel(channelSid);
      const [members, page] = await Promise.all([
        store.members.list(channelSid),
        store.messages.list(channelSid, { afterIndex, limit: SYNC_PAGE }),
      ]);
      const messages = fitPage(page);
      const hasMore = messages.length < page.length || page.length === SYNC_PAGE;
      return { channel, members, messages, hasMore };
    },

    async markRead(channelSid: string, identity: string, index: number) {
      const member = await store.members.advanceReadHorizon(channelSid, identity, index);
      if (member) events.emit('member.updated', member);
    },

    async typing(channelSid: string, identity: string) {
      const member = await store.members.get(channelSid, identity);
      if (!member) return;
      events.emit('typing', { channelSid, identity, friendlyName: member.friendlyName, role: member.role });
    },

    /** The visitor's page changed: the channel's pageUrl follows, and its members see it. */
    async updatePageUrl(channelSid: string, pageUrl: string) {
      const channel = await getChannel(channelSid);
      if (channel.attributes.pageUrl === pageUrl) return;
      const updated = await store.channels.update(channelSid, {
        attributes: { ...channel.attributes, pageUrl },
      });
      events.emit('channel.updated', updated);
    },

    async setStatus(channelSid: string, status: Channel['status']) {
      const before = await store.channels.get(channelSid);
      const channel = await store.channels.update(channelSid, { status });
      events.emit('channel.updated', channel);
      if (before?.status === 'active' && status === 'inactive') events.emit('channel.closed', channel);
      return channel;
    },
  };
}

/** The leading messages of a page that fit in SYNC_PAGE_BYTES (always at least one). */
function fitPage(page: Message[]): Message[] {
  let bytes = 0;
  for (let i = 0; i < page.length; i++) {
    const message = page[i] as Message;
    // Bodies counted at UTF-8's worst case; attributes are rare and small, so measured exactly.
    const attributes = message.attributes;
    let size = 300 + message.body.length * 3;
    for (const _ in attributes) {
      size += JSON.stringify(attributes).length;
      break;
    }
    bytes += size;
    if (bytes > SYNC_PAGE_BYTES && i > 0) return page.slice(0, i);
  }
  return page;
}
