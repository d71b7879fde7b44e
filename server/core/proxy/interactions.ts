/**
 * Outbound conversations (Flex's Interactions): an agent writes first to a customer's address
 * on a messaging Flex Flow. Two strategies, as in Flex:
 * - immediate task creation: a task is created at once and reserved for, and accepted by, the
 *   initiating worker, who writes the first message and can go on writing;
 * - task creation on the customer's response (`creationOnMessage`): the first message goes out
 *   from the Flex Flow; no task exists until the customer answers, and the answer runs through
 *   the Flex Flow like any inbound message.
 */
import { conflict, notFound, ParleyError } from '../../errors.ts';
import type { Clock } from '../../ids.ts';
import type { ChannelType, TaskDTO } from '../../protocol.ts';
import type { Channel, FlexFlow, Message, ProxySession, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { Routing } from '../routing/index.ts';
import type { ProxySessions } from './sessions.ts';

export interface InteractionInput {
  channel: { type: ChannelType; to: string; from?: string; flexFlowSid?: string };
  routing?: { workflowSid?: string; workerSid?: string; attributes?: Record<string, unknown> };
  /** The first message; null opens the conversation for a first message sent afterwards. */
  body: string | null;
  /** Task creation on the customer's response instead of at once. */
  creationOnMessage?: boolean;
}

export interface Interaction {
  session: ProxySession;
  channel: Channel;
  message: Message | null;
  task: TaskDTO | null;
}

/** Who writes the first message when no agent has the conversation yet. */
export const OUTBOUND_IDENTITY = 'outbound';

export type Interactions = ReturnType<typeof createInteractions>;

export function createInteractions(deps: {
  store: Store;
  conversations: Conversations;
  routing: Routing;
  sessions: ProxySessions;
  clock: Clock;
}) {
  const { store, conversations, routing, sessions } = deps;

  async function flexFlowFor(channel: InteractionInput['channel']): Promise<FlexFlow> {
    const flexFlow = channel.flexFlowSid
      ? await store.flexFlows.get(channel.flexFlowSid)
      : ((await store.flexFlows.list()).find(
          (f) =>
            f.enabled &&
            f.channelType === channel.type &&
            (channel.from ? f.contactIdentity === channel.from : f.messagingConnector),
        ) ?? null);
    if (!flexFlow) {
      throw notFound('Flex Flow', channel.flexFlowSid ?? `${channel.type} ${channel.from ?? '(no from)'}`);
    }
    if (flexFlow.channelType === 'web' || !flexFlow.messagingConnector) {
      throw new ParleyError(
        'invalid_request',
        `channel.flexFlowSid: Flex Flow ${flexFlow.sid} has no messagingConnector; outbound needs an sms, whatsapp, facebook or custom one`,
        400,
      );
    }
    if (channel.from && channel.from !== flexFlow.contactIdentity) {
      throw new ParleyError(
        'invalid_request',
        `channel.from must be the Flex Flow's contactIdentity (${flexFlow.contactIdentity})`,
        400,
      );
    }
    return flexFlow;
  }

  /** The worker joins the channel through a task reserved for them and accepted at once. */
  async function assignTo(channel: Channel, workerSid: string, input: InteractionInput): Promise<TaskDTO> {
    const task = await routing.createTask(
      channel,
      {
        channelType: channel.attributes.channelType,
        name: channel.attributes.from,
        channelSid: channel.sid,
        direction: 'outbound',
        ...input.routing?.attributes,
      },
      undefined,
      { workflowSid: input.routing?.workflowSid, targetWorkerSid: workerSid },
    );
    const expiresAt = new Date(deps.clock().getTime() + 60_000).toISOString();
    const reservation =
      (await store.reservations.reserve(task.sid, workerSid, expiresAt)) ??
      (await store.reservations.list({ taskSid: task.sid, workerSid, status: 'pending' }))[0];
    if (!reservation) {
      await routing.updateTask(task.sid, {
        status: 'canceled',
        reason: 'the initiating worker could not take it',
      });
      throw conflict(`Worker ${workerSid} must be Available with a free chat to start a conversation`);
    }
    const chat = await routing.accept(workerSid, reservation.sid);
    return chat.task;
  }

  return {
    async create(input: InteractionInput): Promise<Interaction> {
      const flexFlow = await flexFlowFor(input.channel);
      const workerSid = input.routing?.workerSid;
      const worker = workerSid ? await store.workers.get(workerSid) : null;
      if (workerSid && !worker) throw notFound('Worker', workerSid);
      if (!input.creationOnMessage && !worker) {
        throw new ParleyError(
          'invalid_request',
          'routing.workerSid: immediate task creation reserves the task for the initiating worker; give one, or set creationOnMessage',
          400,
        );
      }
      if (worker && !input.creationOnMessage && worker.activity !== 'Available') {
        throw conflict(
          `Worker ${worker.sid} must be Available to start a conversation (is ${worker.activity})`,
        );
      }
      const opened = await sessions.openFor(flexFlow, input.channel.to);
      const open = opened.channel.attributes.taskSid
        ? await store.tasks.get(opened.channel.attributes.taskSid)
        : null;
      if (open && !['completed', 'canceled'].includes(open.status)) {
        throw conflict(
          `${input.channel.to} is already in a conversation (task ${open.sid}) on channel ${opened.channel.sid}`,
        );
      }
      let task: TaskDTO | null = null;
      let author: string;
      if (worker && !input.creationOnMessage) {
        task = await assignTo(opened.channel, worker.sid, input);
        author = worker.sid;
      } else {
        await conversations.addMember(opened.channel.sid, OUTBOUND_IDENTITY, 'bot', flexFlow.friendlyName);
        author = OUTBOUND_IDENTITY;
      }
      const message =
        input.body === null
          ? null
          : (await conversations.post({ channelSid: opened.channel.sid, from: author, body: input.body }))
              .message;
      const channel = await conversations.getChannel(opened.channel.sid);
      return { session: opened.session, channel, message, task };
    },
  };
}
