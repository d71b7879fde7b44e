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

/** How many channels a filtered list reads from the store at a time. */
const SCAN_BATCH = 200;

/**
 * A page of channels, oldest first; the token is the offset in all channels where the page
 * starts. With `keep`, only the channels it keeps are listed: the store is read in batches until
 * the page is full, so the token still says where the next page starts.
 */
export async function listChannels(
  req: Request,
  store: Store,
  key: string,
  page: PageRequest,
  view: (channel: Channel) => unknown,
  keep?: (channel: Channel) => boolean,
) {
  if (!keep) {
    const offset = page.token !== undefined ? Number(page.token) || 0 : page.page * page.pageSize;
    // One more than a page says whether another page follows.
    const channels = await store.channels.list({ limit: page.pageSize + 1, offset });
    const more = channels.length > page.pageSize;
    const items = channels.slice(0, page.pageSize).map(view);
    const previous = offset > 0 ? String(Math.max(0, offset - page.pageSize)) : null;
    return listPage(req, key, items, page, more ? String(offset + page.pageSize) : null, previous);
  }
  // Without a token, page N starts after N pages of kept channels: skip them from the start.
  let skip = page.token !== undefined ? 0 : page.page * page.pageSize;
  let offset = page.token !== undefined ? Number(page.token) || 0 : 0;
  const kept: { channel: Channel; at: number }[] = [];
  while (kept.length <= page.pageSize) {
    const batch = await store.channels.list({ limit: SCAN_BATCH, offset });
    for (const [i, channel] of batch.entries()) {
      if (!keep(channel)) continue;
      if (skip > 0) skip--;
      else kept.push({ channel, at: offset + i });
    }
    offset += batch.length;
    if (batch.length < SCAN_BATCH) break;
  }
  const next = kept.length > page.pageSize ? String(kept[page.pageSize]?.at) : null;
  const items = kept.slice(0, page.pageSize).map((k) => view(k.channel));
  return listPage(req, key, items, page, next);
}
