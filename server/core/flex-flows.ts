/**
 * Flex Flows: the message handler of a channel type + contact identity. A customer's message
 * on a channel starts an engagement the way its Flex Flow says: `studio` runs its bot flow,
 * `task` routes it to an agent, `external` posts it to your webhook.
 */
import { randomBytes } from 'node:crypto';
import { conflict, notFound } from '../errors.ts';
import type { Channel, FlexFlow, Message, NewFlexFlow, Store } from '../store/types.ts';
import type { BotRunner } from './bot/runner.ts';
import type { ExternalIntegration } from './external.ts';
import type { Routing } from './routing/index.ts';

export type FlexFlows = ReturnType<typeof createFlexFlows>;

export interface FlexFlowsDeps {
  store: Store;
  routing: Routing;
  bot: BotRunner;
  external: ExternalIntegration;
}

export function createFlexFlows({ store, routing, bot, external }: FlexFlowsDeps) {
  /** At most one enabled Flex Flow answers a channel type + contact identity. */
  async function assertSoleEnabled(candidate: NewFlexFlow, sid?: string) {
    if (!candidate.enabled) return;
    const clash = (await store.flexFlows.list()).find(
      (f) =>
        f.sid !== sid &&
        f.enabled &&
        f.channelType === candidate.channelType &&
        f.contactIdentity === candidate.contactIdentity,
    );
    if (clash) {
      throw conflict(
        `Flex Flow "${clash.friendlyName}" (${clash.sid}) is already enabled for channelType ` +
          `${candidate.channelType} and contactIdentity ${candidate.contactIdentity}: choose another ` +
          'contactIdentity, disable that Flex Flow first, or save this one with enabled false',
      );
    }
  }

  return {
    async create(input: NewFlexFlow): Promise<FlexFlow> {
      await assertSoleEnabled(input);
      return store.flexFlows.create(withSecret(input));
    },

    async update(sid: string, patch: Partial<NewFlexFlow>): Promise<FlexFlow> {
      const current = await store.flexFlows.get(sid);
      if (!current) throw notFound('Flex Flow', sid);
      const next = withSecret({ ...current, ...patch });
      await assertSoleEnabled(next, sid);
      // The integration is written only when it changes (asked, or a secret added): `current`
      // may be this node's copy, a moment behind a change made on another node.
      return store.flexFlows.update(
        sid,
        next.integration === current.integration ? patch : { ...patch, integration: next.integration },
      );
    },

    /** A customer wrote on the channel: start or continue the engagement. */
    async onCustomerMessage(channel: Channel, message: Message): Promise<void> {
      const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
      if (!flexFlow) return bot.onCustomerMessageWithoutFlexFlow(channel, message);
      // While a task is open the agent (or the queue) has the conversation; a read settles it.
      const current = channel.attributes.taskSid ? await store.tasks.get(channel.attributes.taskSid) : null;
      if (current && current.status !== 'completed' && current.status !== 'canceled') return;
      switch (flexFlow.integrationType) {
        case 'studio':
          return bot.onCustomerMessage(flexFlow, channel, message);
        case 'task':
          await routing.createTask(channel, taskAttributes(channel, message), priorityOf(flexFlow));
          return;
        case 'external':
          await external.deliver(flexFlow, channel, message);
      }
    },

    /** The customer ended the chat: the bot stops, the task is canceled or wraps, the channel closes. */
    async endByCustomer(channel: Channel) {
      await bot.endForChannel(channel.sid, 'the customer ended the chat');
      await routing.endByCustomer(channel);
    },
  };
}

/** An external integration signs its webhooks: it gets a secret unless it brought one. */
function withSecret<T extends NewFlexFlow>(flow: T): T {
  if (flow.integrationType !== 'external' || typeof flow.integration.secret === 'string') return flow;
  return { ...flow, integration: { ...flow.integration, secret: randomBytes(24).toString('hex') } };
}

function taskAttributes(channel: Channel, message: Message): Record<string, unknown> {
  return {
    channelType: channel.attributes.channelType,
    name: channel.attributes.from,
    channelSid: channel.sid,
    firstMessage: message.body,
    ...(channel.attributes.preEngagementData && { preEngagementData: channel.attributes.preEngagementData }),
  };
}

function priorityOf(flexFlow: FlexFlow): number {
  const { priority } = flexFlow.integration as { priority?: unknown };
  return typeof priority === 'number' ? priority : 0;
}
