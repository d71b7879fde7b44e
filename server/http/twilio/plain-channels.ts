/**
 * Channels that belong to no Flex Flow: what a Twilio Conversation created on its own, or a
 * TaskRouter task created without a channel, becomes in Parley. A plain channel runs no bot and
 * creates no task by itself (no Flex Flow answers its messages); it is listed, read and written
 * like any other channel, and routing offers its task to agents like any chat.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Core } from '../../core/index.ts';
import type { Channel, Store } from '../../store/types.ts';
import { listPage, type PageRequest } from './wire.ts';

/** The Flex Flow sid a plain channel carries: no Flex Flow has it, so none answers. */
export const NO_FLEX_FLOW = `FO${'0'.repeat(32)}`;

export interface PlainChannelInput {
  friendlyName?: string;
  /** The contact the channel is with; a new anonymous one when not given. */
  identity?: string;
  attributes?: Record<string, unknown>;
  /** Whether the contact joins as the customer member (a task's channel: the agent sees who). */
  withCustomer?: boolean;
}

export async function createPlainChannel(core: Core, input: PlainChannelInput): Promise<Channel> {
  const { store, conversations } = core;
  const identity = input.identity ?? `api-${randomBytes(12).toString('hex')}`;
  const name = typeof input.attributes?.name === 'string' ? input.attributes.name : identity;
  const contact =
    (await store.contacts.findByIdentity(identity)) ??
    (await store.contacts.create({ identity, friendlyName: name }));
  const channel = await store.channels.create({
    flexFlowSid: NO_FLEX_FLOW,
    contactSid: contact.sid,
    friendlyName: input.friendlyName ?? '',
    attributes: { ...input.attributes, from: contact.friendlyName, channelType: 'custom' },
  });
  if (input.withCustomer)
    await conversations.addMember(channel.sid, identity, 'customer', contact.friendlyName);
  return channel;
}

/** A page of all channels, oldest first; the token is an offset. */
export async function listChannels(
  req: Request,
  store: Store,
  key: string,
  page: PageRequest,
  view: (channel: Channel) => unknown,
) {
  const offset = page.token !== undefined ? Number(page.token) || 0 : page.page * page.pageSize;
  // One more than a page says whether another page follows.
  const channels = await store.channels.list({ limit: page.pageSize + 1, offset });
  const more = channels.length > page.pageSize;
  const items = channels.slice(0, page.pageSize).map(view);
  const previous = offset > 0 ? String(Math.max(0, offset - page.pageSize)) : null;
  return listPage(req, key, items, page, more ? String(offset + page.pageSize) : null, previous);
}
