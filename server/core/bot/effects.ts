/**
 * The effects a bot step asks for, done: its messages (as the bot), HTTP requests, Functions,
 * the hand-over to an agent, its wait's timer and the end of the chat. Each is recorded with
 * the step before it runs and is done again after a crash (runner.ts), so each either repeats
 * harmlessly (a message's clientId returns the one already sent; a timer is set to the same due
 * time) or is the widget's own call (a request, a Function, a task).
 */
import type { Clock } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import type { Execution, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EgressPolicy } from '../egress.ts';
import type { Routing } from '../routing/index.ts';
import type { EngineEvent } from './engine.ts';
import { performRunFunction } from './functions.ts';
import { performHttpRequest } from './http-request.ts';
import { botMessageAttributes, effectClientId, waitTimerRef } from './step-writer.ts';
import type { Effect } from './widgets/types.ts';

export const BOT_TIMEOUT_KIND = 'bot.timeout';
/** Kind of the timer that recovers, later, effects another node may still be doing. */
export const BOT_RECOVER_KIND = 'bot.recover';

/**
 * How long after effects are recorded another node may still be doing them: longer than an
 * HTTP request may take (10 s) or a function (10 s waiting for a turn, 10 s running), with room
 * for nodes' clocks a few seconds apart. Recovery leaves an execution whose recorded HTTP
 * request or function is younger than this until it is this old.
 */
export const EFFECTS_IN_FLIGHT_MS = 30_000;

/** Effects that reach outside Parley: done twice, they may do their work twice. */
export const reachesOutside = (effect: Effect) =>
  effect.type === 'httpRequest' || effect.type === 'runFunction';

export const BOT_IDENTITY = 'bot';

export interface EffectDeps {
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

type Outcome = { outcome: string; outputs?: Record<string, unknown> };

/** Effects that, done a second time, leave the store as the first time did. */
const isRepeatable = (effect: Effect) => effect.type === 'sendMessage' || effect.type === 'scheduleTimeout';

export function createEffects({
  store,
  conversations,
  routing,
  clock,
  log,
  baseUrl,
  egress,
  functionsDir,
}: EffectDeps) {
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
    let outcome: Outcome = { outcome: 'sent' };
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

  async function perform(
    execution: Execution,
    effect: Effect,
    clientId: string,
    recovering: boolean,
  ): Promise<Outcome> {
    const channelSid = execution.channelSid;
    switch (effect.type) {
      case 'sendMessage': {
        try {
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
      // Work the visitor waits for: they see the bot typing meanwhile (its messages come at
      // once, so they go without).
      case 'httpRequest':
        await showTyping(execution);
        return performHttpRequest(effect, baseUrl(), egress);
      case 'runFunction':
        await showTyping(execution);
        return performRunFunction(effect, {
          functionsDir,
          egress,
          context: { FLOW_SID: execution.flowSid, EXECUTION_SID: execution.sid, CHANNEL_SID: channelSid },
        });
      case 'sendToFlex':
        return sendToFlex(execution, effect);
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

  /** The bot typing in the execution's chat; a store that fails here fails no effect. */
  async function showTyping(execution: Execution) {
    try {
      await conversations.typing(execution.channelSid, BOT_IDENTITY);
    } catch (err) {
      log.warn({ err, executionSid: execution.sid }, 'bot typing not shown');
    }
  }

  /** The hand-over: a task for an agent, the bot leaving the chat. */
  async function sendToFlex(
    execution: Execution,
    effect: Extract<Effect, { type: 'sendToFlex' }>,
  ): Promise<Outcome> {
    const channelSid = execution.channelSid;
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

  return performEffects;
}
