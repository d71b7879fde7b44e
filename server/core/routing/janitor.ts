/**
 * The janitor of a Flex Flow with `janitorEnabled`: once a task is canceled, wrapping,
 * completed or deleted, its channel is deactivated (unless the flow, or the channel's own
 * `longLived` attribute, keeps it long-lived) and any bot
 * execution on it ends, so no customer message is routed into a dead conversation.
 */
import type { Channel } from '../../store/types.ts';
import type { RoutingContext } from './context.ts';

export function createJanitor({ store, conversations, endBot }: RoutingContext) {
  /** Ends a chat on the channel's side: inactive unless the Flex Flow keeps channels long-lived. */
  async function closeChannel(channel: Channel) {
    const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
    const longLived = (channel.attributes.longLived as boolean | undefined) ?? flexFlow?.longLived;
    if (longLived || channel.status === 'inactive') return;
    await conversations.setStatus(channel.sid, 'inactive');
  }

  return {
    closeChannel,

    /** The task on `channelSid` has ended (or is wrapping up). */
    async onTaskEnded(channelSid: string, why: string) {
      const channel = await store.channels.get(channelSid);
      if (!channel) return;
      const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
      if (!flexFlow?.janitorEnabled) return;
      await endBot(channel.sid, `janitor: ${why}`);
      await closeChannel(channel);
    },
  };
}

export type Janitor = ReturnType<typeof createJanitor>;
