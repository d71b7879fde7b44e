/**
 * The Flex Flow of a message's channel, for the outbound listeners (messaging connector and
 * email) that act only on agents' and the bot's messages in non-web conversations. Every such
 * message passes through both listeners: they share one lookup per message, and a channel's
 * Flex Flow, fixed when the channel is created, is remembered per node, so the channel row is
 * not read for it again. The Flex Flow itself comes from the store, which keeps it in memory
 * until it changes on any node (store/flex-flow-cache.ts).
 */

import type { FlexFlow, Message, Store } from '../../store/types.ts';

/**
 * Whether the outbound listeners act on the message at all: only agents' and the bot's messages
 * leave Parley. Asked before any work is started, so a visitor's message (half of all) costs
 * them nothing.
 */
export const isOutbound = (message: Message) =>
  message.authorRole === 'agent' || message.authorRole === 'bot';

/** Channels remembered per store; past this the memory starts again (a miss costs one read). */
const MAX_CHANNELS = 50_000;
const flowSidOf = new WeakMap<Store, Map<string, string>>();
const lookups = new WeakMap<Message, Promise<FlexFlow | null>>();

/** The Flex Flow of the message's channel, or null when the channel or the Flex Flow is gone. */
export function flexFlowOfMessage(store: Store, message: Message): Promise<FlexFlow | null> {
  let lookup = lookups.get(message);
  if (!lookup) {
    lookup = read(store, message.channelSid);
    lookups.set(message, lookup);
  }
  return lookup;
}

async function read(store: Store, channelSid: string): Promise<FlexFlow | null> {
  let known = flowSidOf.get(store);
  if (!known) {
    known = new Map();
    flowSidOf.set(store, known);
  }
  let flexFlowSid = known.get(channelSid);
  if (!flexFlowSid) {
    const channel = await store.channels.get(channelSid);
    if (!channel) return null;
    flexFlowSid = channel.flexFlowSid;
    if (known.size >= MAX_CHANNELS) known.clear();
    known.set(channelSid, flexFlowSid);
  }
  return (await store.flexFlows.get(flexFlowSid)) ?? null;
}
