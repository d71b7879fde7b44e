/**
 * The admin Channel API beyond posting: create a channel the way Twilio's Flex Channel
 * resource does (`chatUniqueName`, `target`, `longLived`, `taskAttributes`), end or delete it,
 * edit or delete messages, add and remove members and move their read horizon.
 */
import { notFound, ParleyError } from '../errors.ts';
import type { MemberRole } from '../protocol.ts';
import type { Channel, Store } from '../store/types.ts';
import type { BotRunner } from './bot/runner.ts';
import type { Conversations } from './conversations.ts';
import type { EventBus } from './events.ts';
import type { Routing } from './routing/index.ts';

export interface CreateChannelInput {
  flexFlowSid: string;
  identity: string;
  chatFriendlyName?: string;
  chatUserFriendlyName?: string;
  chatUniqueName?: string;
  /** The contact's address (a phone number, a WhatsApp id); the identity when not given. */
  target?: string;
  preEngagementData?: Record<string, string>;
  /** Overrides the Flex Flow's `longLived` for this channel. */
  longLived?: boolean;
  taskAttributes?: Record<string, unknown>;
}

export type ChannelAdmin = ReturnType<typeof createChannelAdmin>;

export function createChannelAdmin(deps: {
  store: Store;
  events: EventBus;
  conversations: Conversations;
  routing: Routing;
  bot: () => BotRunner;
}) {
  const { store, events, conversations, routing } = deps;

  async function messageOf(channelSid: string, sid: string) {
    const message = await store.messages.get(channelSid, sid);
    if (!message) throw notFound('Message', sid);
    return message;
  }

  return {
    /** The contact's active channel on the Flex Flow, or a new one; with `taskAttributes` (task flows) its task at once. */
    async createChannel(input: CreateChannelInput): Promise<Channel> {
      const flexFlow = await store.flexFlows.get(input.flexFlowSid);
      if (!flexFlow) throw notFound('Flex Flow', input.flexFlowSid);
      const friendlyName = input.chatUserFriendlyName ?? input.identity;
      const contact =
        (await store.contacts.findByIdentity(input.identity)) ??
        (await store.contacts.create({
          identity: input.identity,
          friendlyName,
          address: input.target ?? null,
        }));
      let channel = await store.channels.findActive(contact.sid, flexFlow.sid);
      if (!channel) {
        channel = await conversations.startChannel({
          flexFlow,
          contactSid: contact.sid,
          customerFriendlyName: friendlyName,
          chatFriendlyName: input.chatFriendlyName,
          preEngagementData: input.preEngagementData,
        });
        const extra = {
          ...(input.chatUniqueName && { chatUniqueName: input.chatUniqueName }),
          ...(input.longLived !== undefined && { longLived: input.longLived }),
        };
        if (Object.keys(extra).length > 0) {
          channel = await store.channels.update(channel.sid, {
            attributes: { ...channel.attributes, ...extra },
          });
        }
      }
      if (input.taskAttributes && flexFlow.integrationType === 'task') {
        await routing.createTask(channel, input.taskAttributes);
        channel = await conversations.getChannel(channel.sid);
      }
      return channel;
    },

    /** `status: inactive` ends the chat (its task canceled or wrapping); attributes are replaced. */
    async updateChannel(
      sid: string,
      patch: { friendlyName?: string; attributes?: Record<string, unknown>; status?: Channel['status'] },
    ): Promise<Channel> {
      let channel = await conversations.getChannel(sid);
      const { from, channelType } = channel.attributes;
      // Routing, delivery and the desk go by the channel a chat came in on: it stays.
      const asked = patch.attributes?.channelType;
      if (asked !== undefined && asked !== channelType)
        throw new ParleyError(
          'invalid_request',
          `attributes.channelType: a chat keeps the channel it came in on (${String(channelType)}); leave channelType out of the attributes, or give it unchanged`,
          400,
        );
      if (patch.friendlyName || patch.attributes) {
        channel = await store.channels.update(sid, {
          friendlyName: patch.friendlyName,
          attributes: patch.attributes && { from, channelType, ...patch.attributes },
        });
        events.emit('channel.updated', channel);
      }
      if (patch.status === 'inactive' && channel.status === 'active') {
        await deps.bot().endForChannel(sid, 'the channel was closed');
        await routing.endByRequest(channel);
        channel = await conversations.getChannel(sid);
        if (channel.status === 'active') channel = await conversations.setStatus(sid, 'inactive');
      } else if (patch.status === 'active' && channel.status === 'inactive') {
        channel = await conversations.setStatus(sid, 'active');
      }
      return channel;
    },

    async deleteChannel(sid: string) {
      const channel = await conversations.getChannel(sid);
      if (channel.status === 'active') await this.updateChannel(sid, { status: 'inactive' });
      await store.channels.delete(sid);
    },

    getMessage: messageOf,

    async updateMessage(channelSid: string, sid: string, attributes: Record<string, unknown>) {
      await messageOf(channelSid, sid);
      const message = await store.messages.updateAttributes(channelSid, sid, attributes);
      if (!message) throw notFound('Message', sid);
      events.emit('message.updated', message);
      return message;
    },

    async deleteMessage(channelSid: string, sid: string) {
      const message = await messageOf(channelSid, sid);
      await store.messages.delete(channelSid, sid);
      events.emit('message.removed', { channelSid, sid, index: message.index });
    },

    async addMember(
      channelSid: string,
      input: { identity: string; role: MemberRole; friendlyName?: string },
    ) {
      await conversations.getChannel(channelSid);
      return conversations.addMember(
        channelSid,
        input.identity,
        input.role,
        input.friendlyName ?? input.identity,
      );
    },

    async removeMember(channelSid: string, identity: string) {
      if (!(await conversations.removeMember(channelSid, identity))) throw notFound('Member', identity);
    },

    /** Moves the read horizon forward (never back, never past the last message). */
    async updateReadHorizon(channelSid: string, identity: string, index: number) {
      const member = await store.members.get(channelSid, identity);
      if (!member) throw notFound('Member', identity);
      await conversations.markRead(channelSid, identity, index);
      return (await store.members.get(channelSid, identity)) ?? member;
    },
  };
}
