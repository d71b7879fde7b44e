/**
 * The bot runner: drives executions of a Flex Flow's bot flow on its channels. It loads and
 * saves execution state around each pure `step`, performs the effects the engine asks for
 * (messages as the bot, HTTP requests, the hand-over to an agent, timers), and feeds their
 * outcomes back. Steps of one execution run one at a time; the version check on save keeps
 * two nodes from writing over each other. Effects are recorded before they run (a bot message
 * with the step that sends it, in one transaction: step-writer.ts) and are each idempotent, so
 * after a crash they are done again, never twice in the store.
 */
import { notFound, ParleyError } from '../../errors.ts';
import type { Clock } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import type { Channel, Contact, Execution, FlexFlow, Message, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EgressPolicy } from '../egress.ts';
import type { Routing } from '../routing/index.ts';
import type { FlowDefinition } from './definition.ts';
import { type EngineEvent, newExecution, step } from './engine.ts';
import { flexChannelAttributes } from './flex-attributes.ts';
import { performRunFunction } from './functions.ts';
import { performHttpRequest } from './http-request.ts';
import { createSavedExecutions } from './saved-executions.ts';
import {
  botMessageAttributes,
  createStepWriter,
  effectClientId,
  timerOfWait,
  waitTimerRef,
} from './step-writer.ts';
import { loadSubflows } from './subflows.ts';
import type { Effect, InboundMessage } from './widgets/types.ts';

export const BOT_TIMEOUT_KIND = 'bot.timeout';
export const BOT_IDENTITY = 'bot';
export const DEFAULT_BOT_NAME = 'Parley Bot';

export interface BotRunnerDeps {
  store: Store;
  conversations: Conversations;
  routing: Routing;
  clock: Clock;
  log: Logger;
  /** Parley's own address, for relative URLs in make-http-request. */
  baseUrl: () => string | null;
  /** Where make-http-request may go. */
  egress: EgressPolicy;
  /** Local functions for run-function (PARLEY_FUNCTIONS_DIR). */
  functionsDir?: string;
}

export type BotRunner = ReturnType<typeof createBotRunner>;

/** Effects that, done a second time, leave the store as the first time did. */
const isRepeatable = (effect: Effect) => effect.type === 'sendMessage' || effect.type === 'scheduleTimeout';

export function createBotRunner({
  store,
  conversations,
  routing,
  clock,
  log,
  baseUrl,
  egress,
  functionsDir,
}: BotRunnerDeps) {
  const queues = new Map<string, Promise<unknown>>();
  const writeStep = createStepWriter({
    store,
    conversations,
    clock,
    botIdentity: BOT_IDENTITY,
    timeoutKind: BOT_TIMEOUT_KIND,
  });
  const copies = createSavedExecutions();
  // A revision of a flow never changes once saved, so on any node it may be kept: one read per
  // revision instead of one per step.
  const revisions = new Map<string, Promise<FlowDefinition | null>>();
  function revisionOf(flowSid: string, revision: number) {
    const key = `${flowSid}@${revision}`;
    let definition = revisions.get(key);
    if (!definition) {
      if (revisions.size >= 500) revisions.clear();
      definition = store.flows.getRevision(flowSid, revision);
      revisions.set(key, definition);
      // A failed read is not kept.
      definition.then(
        (found) => found || revisions.delete(key),
        () => revisions.delete(key),
      );
    }
    return definition;
  }

  /** Runs `work` after everything already queued for the same execution. */
  function serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => {});
    queues.set(key, settled);
    void settled.then(() => queues.get(key) === settled && queues.delete(key));
    return run;
  }

  /**
   * What an execution started by request on a channel of no Flex Flow runs with in place of one
   * (a Twilio-shaped execution whose `From` is no Flex Flow's address): its own flow, that
   * address, no workflow of its own. Built from the request, and again from the execution's
   * state for each later message, so it needs nothing stored beside them.
   */
  function requestContext(channel: Channel, flowSid: string, address: string): FlexFlow {
    return {
      sid: channel.flexFlowSid,
      friendlyName: '',
      channelType: 'custom',
      contactIdentity: address,
      enabled: true,
      integrationType: 'studio',
      integration: { flowSid },
      longLived: false,
      janitorEnabled: false,
      allowedOrigins: [],
      widgetConfig: {},
      messagingConnector: null,
      dateCreated: channel.dateCreated,
      dateUpdated: channel.dateUpdated,
    };
  }

  function inboundOf(flexFlow: FlexFlow, channel: Channel, message: Message): InboundMessage {
    return {
      Body: message.body,
      From: message.from,
      To: flexFlow.contactIdentity,
      ChannelSid: channel.sid,
      MessageSid: message.sid,
      ChannelAttributes: flexChannelAttributes(channel.attributes),
      Attributes: message.attributes,
      DateCreated: message.dateCreated,
    };
  }

  async function start(
    flexFlow: FlexFlow,
    channel: Channel,
    trigger: EngineEvent,
    { flowSid, address }: { flowSid?: string; address?: string } = {},
  ) {
    let event = trigger;
    const sid = flowSid ?? (flexFlow.integration as { flowSid?: string }).flowSid;
    if (!sid)
      throw new ParleyError(
        'no_flow',
        `Flex Flow ${flexFlow.sid} has integrationType studio but no integration.flowSid`,
        409,
      );
    const flow = await store.flows.get(sid);
    if (!flow) throw notFound('Flow', sid);
    const contact = (await store.contacts.get(channel.contactSid)) as Contact;
    const botName = String((flexFlow.integration as { botName?: string }).botName ?? DEFAULT_BOT_NAME);
    await conversations.addMember(channel.sid, BOT_IDENTITY, 'bot', botName);
    if ('type' in event && event.trigger === 'incomingMessage') {
      // Studio's trigger.conversation.ParticipantSid: the writer's member sid (MB…), the one the
      // Twilio-shaped Conversations API lists as the participant. Read once per execution.
      const sender = await store.members.get(channel.sid, event.message.From);
      if (sender) event = { ...event, message: { ...event.message, ParticipantSid: sender.sid } };
    }
    const execution = await store.executions.create({
      flowSid: flow.sid,
      flowRevision: flow.revision,
      channelSid: channel.sid,
      contactSid: contact.sid,
      state: newExecution({
        trigger: {},
        widgets: {},
        flow: {
          variables: {},
          // As in Studio, the address customers write to (an SMS number, an email address, a
          // web Flex Flow's contact identity); the customer's own is contact.channel.address.
          channel: { address: address ?? flexFlow.contactIdentity },
          flow_sid: flow.sid,
        },
        contact: {
          identity: contact.identity,
          friendlyName: contact.friendlyName,
          channel: { address: contact.address ?? contact.identity },
          ...contact.attributes,
        },
      }),
    });
    await drive(execution.sid, 'type' in event ? { ...event, executionSid: execution.sid } : event);
    return (await store.executions.get(execution.sid)) as Execution;
  }

  /**
   * Steps the execution with `event`, then performs effects and steps on their outcomes.
   * `known` is a copy the caller holds (just read, or saved here before): the first step starts
   * from it, or from a later copy saved here meanwhile. A copy that proves stale (its save
   * finds another version and writes nothing) is dropped and the step taken again from the
   * store. Later steps start from what the last save returned instead of reading it again.
   * Resolves false when the execution had ended, or was gone, before `event` was stepped.
   */
  function drive(executionSid: string, event: EngineEvent, known?: Execution): Promise<boolean> {
    return serialize(executionSid, async () => {
      let current = known ? copies.latest(known) : null;
      let next: EngineEvent | null = event;
      let stepped = false;
      while (next) {
        const fromCopy = current !== null;
        const execution = current ?? (await store.executions.get(executionSid));
        current = null;
        if (!execution || execution.status === 'ended') return stepped;
        const definition = await revisionOf(execution.flowSid, execution.flowRevision);
        if (!definition)
          throw new Error(`flow ${execution.flowSid} revision ${execution.flowRevision} is gone`);
        const subflows = await loadSubflows(store.flows, definition, execution.state);
        const result = step(definition, execution.state, next, subflows);
        if (result.execution === execution.state) return true;
        const written = await writeStep(execution, result);
        if (!written && fromCopy) continue;
        if (!written)
          throw new Error(`execution ${execution.sid} was changed elsewhere; its input is dropped`);
        stepped = true;
        const saved = written.execution;
        copies.remember(saved);
        if (saved.status === 'ended') {
          log.info({ executionSid, reason: saved.state.endReason }, 'bot execution ended');
          await conversations.removeMember(saved.channelSid, BOT_IDENTITY);
        }
        if (written.done) {
          next = written.done.next;
          current = saved;
          continue;
        }
        const performed = await performEffects(saved, false, written.timerSet);
        next = performed.next;
        current = performed.execution;
        if (current) copies.remember(current);
      }
      return true;
    });
  }

  /**
   * Does the recorded effects; returns the outcome the waiting widget resumes with, if any, and
   * the execution as saved after them.
   */
  async function performEffects(
    execution: Execution,
    recovering = false,
    /** The step's save already set the timer its widget waits on. */
    timerSet = false,
  ): Promise<{ next: EngineEvent | null; execution: Execution | null }> {
    const effects = execution.pendingEffects;
    if (effects.length === 0) return { next: null, execution };
    let outcome: { outcome: string; outputs?: Record<string, unknown> } = { outcome: 'sent' };
    let waitsForReply = false;
    for (const [i, effect] of effects.entries()) {
      outcome =
        effect.type === 'scheduleTimeout' && timerSet
          ? { outcome: 'scheduled' }
          : await perform(execution, effect, effectClientId(execution, i), recovering);
      if (effect.type === 'scheduleTimeout') waitsForReply = true;
      if (outcome.outcome === 'failed') break;
    }
    // A widget now waiting for the visitor's reply, whose effects were all messages and its
    // timer, keeps them recorded instead of spending a write on clearing them: the next save
    // (the reply, the timeout, the end) replaces them. Done again after a crash, they change
    // nothing: a message's clientId returns the one already sent, and the timer is set to the
    // same due time (counted from when they were recorded).
    if (!recovering && waitsForReply && outcome.outcome !== 'failed' && effects.every(isRepeatable))
      return { next: null, execution };
    const cleared = await store.executions.save(execution.sid, execution.version, execution.state, []);
    if (!cleared) throw new Error(`execution ${execution.sid} was changed while its effects ran`);
    if (waitsForReply && outcome.outcome !== 'failed') return { next: null, execution: cleared };
    return { next: { kind: 'effect', ...outcome }, execution: cleared };
  }

  async function perform(execution: Execution, effect: Effect, clientId: string, recovering: boolean) {
    const channelSid = execution.channelSid;
    switch (effect.type) {
      case 'sendMessage': {
        try {
          await conversations.typing(channelSid, BOT_IDENTITY);
          const { message } = await conversations.post({
            channelSid,
            from: BOT_IDENTITY,
            body: effect.body,
            attributes: botMessageAttributes(effect),
            clientId,
          });
          return { outcome: 'sent', outputs: { Body: message.body, Sid: message.sid } };
        } catch (err) {
          log.warn({ err, executionSid: execution.sid }, 'bot message not sent');
          return { outcome: 'failed', outputs: { error: (err as Error).message } };
        }
      }
      case 'httpRequest':
        return performHttpRequest(effect, baseUrl(), egress);
      case 'runFunction':
        return performRunFunction(effect, {
          functionsDir,
          egress,
          context: { FLOW_SID: execution.flowSid, EXECUTION_SID: execution.sid, CHANNEL_SID: channelSid },
        });
      case 'sendToFlex': {
        try {
          // A workflow named but not here (a flow from another Twilio account, which validation
          // warned of) fails the widget rather than routing the task where its author did not
          // choose. The sid is configuration, never the visitor's text: it may be logged.
          if (effect.workflow && !(await store.workflows.get(effect.workflow))) {
            log.warn(
              { executionSid: execution.sid, workflow: effect.workflow },
              'send-to-flex names a workflow that does not exist here: failedToEnqueue',
            );
            return {
              outcome: 'failedToEnqueue',
              outputs: { error: `workflow ${effect.workflow} does not exist here` },
            };
          }
          const channel = await conversations.getChannel(channelSid);
          const attributes = {
            name: channel.attributes.from,
            channelType: channel.attributes.channelType ?? channel.attributes.channel_type,
            channelSid,
            ...effect.attributes,
          };
          const task = await routing.createTask(channel, attributes, effect.priority, {
            workflowSid: effect.workflow,
            timeout: effect.timeout,
          });
          await conversations.removeMember(channelSid, BOT_IDENTITY);
          return { outcome: 'callComplete', outputs: { TaskSid: task.sid } };
        } catch (err) {
          log.warn({ err, executionSid: execution.sid }, 'send-to-flex failed');
          return { outcome: 'failedToEnqueue', outputs: { error: (err as Error).message } };
        }
      }
      case 'scheduleTimeout': {
        // Done again after a crash: counted from when the effect was recorded, so the wait is
        // not lengthened by the restart.
        const recorded = recovering ? new Date(execution.dateUpdated).getTime() : Number.NaN;
        const from = Number.isFinite(recorded) ? recorded : clock().getTime();
        const due = new Date(from + effect.seconds * 1000).toISOString();
        await store.timers.schedule(BOT_TIMEOUT_KIND, waitTimerRef(execution.sid, effect.waitId), due);
        return { outcome: 'scheduled' };
      }
      case 'endChat': {
        const channel = await conversations.getChannel(channelSid);
        if (channel.status === 'active') await routing.endByBot(channel);
        return { outcome: 'ended' };
      }
    }
  }

  return {
    /** A customer wrote on a studio channel with no agent on it: start or continue the bot. */
    async onCustomerMessage(flexFlow: FlexFlow, channel: Channel, message: Message) {
      const inbound = inboundOf(flexFlow, channel, message);
      const event = { kind: 'message', inbound } as const;
      // From the copy saved here last, if any; from the store when there is none or it has ended.
      const copy = copies.forChannel(channel.sid);
      if (copy && (await drive(copy.sid, event, copy))) return;
      const active = await store.executions.findActive(channel.sid);
      if (active) {
        await drive(active.sid, event, active);
        return;
      }
      await start(flexFlow, channel, { type: 'start', trigger: 'incomingMessage', message: inbound });
    },

    /**
     * A customer wrote on a channel of no Flex Flow: only an execution started there by request
     * hears it (a Studio execution waiting for a reply); nothing starts one.
     */
    async onCustomerMessageWithoutFlexFlow(channel: Channel, message: Message) {
      const active = copies.forChannel(channel.sid) ?? (await store.executions.findActive(channel.sid));
      if (!active || active.status === 'ended') return;
      const address = active.state.context.flow.channel.address;
      const inbound = inboundOf(requestContext(channel, active.flowSid, address), channel, message);
      await drive(active.sid, { kind: 'message', inbound }, active);
    },

    /**
     * Starts an execution by request (REST or outbound), with `parameters` at flow.data and
     * trigger.request.parameters; `address` (Studio's `From`) is flow.channel.address, else the
     * Flex Flow's contact identity.
     */
    async startByRequest(
      flowSid: string,
      channel: Channel,
      parameters: Record<string, unknown>,
      address?: string,
    ) {
      const flexFlow =
        (await store.flexFlows.get(channel.flexFlowSid)) ??
        (address ? requestContext(channel, flowSid, address) : null);
      if (!flexFlow) throw notFound('Flex Flow', channel.flexFlowSid);
      if (await store.executions.findActive(channel.sid)) {
        throw new ParleyError('conflict', `Channel ${channel.sid} already has an active execution`, 409);
      }
      return start(
        flexFlow,
        channel,
        { type: 'start', trigger: 'incomingRequest', parameters },
        { flowSid, address },
      );
    },

    /** The `bot.timeout` timer fired. */
    async onTimeout(ref: string) {
      const [executionSid, waitId] = ref.split('|');
      if (executionSid && waitId) await drive(executionSid, { kind: 'timeout', waitId });
    },

    /** After a restart: redo effects that were recorded but maybe not done. */
    async recover() {
      // The steps that resume after recovered effects, run once their queue is free (they take
      // it too); recovery ends when they have, so the core's idle() and stop() wait for them.
      const resumed: Promise<unknown>[] = [];
      for (const listed of await store.executions.listWithPendingEffects()) {
        const failed = (err: unknown) => log.error({ err, executionSid: listed.sid }, 'bot recovery failed');
        await serialize(listed.sid, async () => {
          // Read again: a visitor's message may have stepped it since it was listed, here or on
          // another node, and that step's effects are done by whoever took it. Done here from
          // the old copy, the old effects would be done again (a wait's timer set again after
          // the wait was left).
          const execution = await store.executions.get(listed.sid);
          if (execution?.version !== listed.version) return;
          const { next } = await performEffects(execution, true);
          if (next)
            resumed.push(
              Promise.resolve()
                .then(() => drive(execution.sid, next))
                .catch(failed),
            );
          // One execution that cannot be recovered does not keep the others from it.
        }).catch(failed);
      }
      await Promise.all(resumed);
    },

    /** Ends the channel's execution (the janitor, a chat ended by the customer). */
    async endForChannel(channelSid: string, reason: string) {
      const active = await store.executions.findActive(channelSid);
      if (!active) return;
      await serialize(active.sid, async () => {
        const current = await store.executions.get(active.sid);
        if (!current || current.status === 'ended') return;
        await store.executions.save(
          current.sid,
          current.version,
          { ...current.state, status: 'ended', waiting: null, endReason: reason },
          [],
          undefined,
          timerOfWait(BOT_TIMEOUT_KIND, current.sid, current.state.waiting),
        );
        copies.forget(channelSid);
        await conversations.removeMember(channelSid, BOT_IDENTITY);
      });
    },
  };
}
