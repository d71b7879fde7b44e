/**
 * The bot runner: drives executions of a Flex Flow's bot flow on its channels. It loads and
 * saves execution state around each pure `step`, has the effects the engine asks for done
 * (messages as the bot, HTTP requests, the hand-over to an agent, timers: effects.ts), and
 * feeds their outcomes back. Steps of one execution run one at a time; the version check on
 * save keeps two nodes from writing over each other. Effects are recorded before they run (a
 * bot message with the step that sends it, in one transaction: step-writer.ts), so after a
 * crash they are done again (recovery.ts).
 */
import { notFound, ParleyError } from '../../errors.ts';
import type { Channel, Contact, Execution, FlexFlow, Message } from '../../store/types.ts';
import type { FlowDefinition } from './definition.ts';
import {
  BOT_IDENTITY,
  BOT_RECOVER_KIND,
  BOT_TIMEOUT_KIND,
  createEffects,
  type EffectDeps,
} from './effects.ts';
import { type EngineEvent, newExecution, step } from './engine.ts';
import { inboundOf, requestContext } from './inbound.ts';
import { createRecovery } from './recovery.ts';
import { createSavedExecutions } from './saved-executions.ts';
import { createStepWriter, timerOfWait, waitMessageClientId } from './step-writer.ts';
import { loadSubflows } from './subflows.ts';

export { BOT_RECOVER_KIND, BOT_TIMEOUT_KIND };

const DEFAULT_BOT_NAME = 'Parley Bot';

export type BotRunnerDeps = EffectDeps;

export type BotRunner = ReturnType<typeof createBotRunner>;

export function createBotRunner(deps: BotRunnerDeps) {
  const { store, conversations, clock, log } = deps;
  const performEffects = createEffects(deps);
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
        const result = step(definition, execution.state, await withSentMessage(execution, next), subflows);
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
   * A reply or a timeout, with the message the waiting widget asked with (its
   * `widgets.NAME.outbound.Sid`): that message is stored after the step that waits is saved.
   */
  async function withSentMessage(execution: Execution, event: EngineEvent): Promise<EngineEvent> {
    if (!('kind' in event) || event.kind === 'effect') return event;
    if (!execution.state.waiting || execution.state.waiting.timed === false) return event;
    const sent = await store.messages.findByClientId(execution.channelSid, waitMessageClientId(execution));
    return sent ? { ...event, sent: { Sid: sent.sid } } : event;
  }

  const recovery = createRecovery({ store, clock, log, performEffects, serialize, drive });

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

    /** The `bot.recover` timer fired: see recovery.ts. */
    onRecoverTimer: (ref: string) => recovery.onTimer(ref),

    /** After a restart: redo effects that were recorded but maybe not done (recovery.ts). */
    recover: () => recovery.recover(),

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
