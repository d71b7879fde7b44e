/**
 * Writing one step of an execution. The step is saved with the effects it asks for recorded
 * (so that after a crash they are done again) and, when its widget waits, with the timer it
 * waits on. A step whose one effect to do is a message from the bot (a send-message, a
 * send-and-wait-for-reply) is saved and its message posted in one transaction: one commit
 * instead of two, and after a crash the step and its reply are both stored or neither is.
 */
import type { Clock } from '../../ids.ts';
import type { Execution, Store } from '../../store/types.ts';
import type { ExecutionState } from '../../studio-types.ts';
import type { Conversations } from '../conversations.ts';
import type { EngineEvent, StepResult } from './engine.ts';
import type { Effect } from './widgets/types.ts';

export interface StepWriterDeps {
  store: Store;
  conversations: Conversations;
  clock: Clock;
  /** The member the bot writes as. */
  botIdentity: string;
  /** Kind of the timer a waiting widget sets. */
  timeoutKind: string;
}

export interface WrittenStep {
  /** The execution as saved. */
  execution: Execution;
  /** The step's save set the timer its widget waits on. */
  timerSet: boolean;
  /**
   * Set when the step's effects were done with its save: the outcome the widget resumes with
   * (null while it waits for the visitor). Otherwise the caller performs the recorded effects.
   */
  done: { next: EngineEvent | null } | null;
}

/** The message of a step whose effects are that message alone, or it and the widget's timer. */
function replyOf(effects: Effect[]) {
  const [first, second, ...rest] = effects;
  if (first?.type !== 'sendMessage' || rest.length > 0) return null;
  if (second && second.type !== 'scheduleTimeout') return null;
  return first;
}

type SendMessage = Extract<Effect, { type: 'sendMessage' }>;

/** The attributes a bot message is stored with: the widget's, and its media URL if any. */
export const botMessageAttributes = (effect: SendMessage) =>
  effect.mediaUrl ? { ...effect.attributes, mediaUrl: effect.mediaUrl } : effect.attributes;

/** The ref of the timer a waiting widget sets: the execution and the wait, so a late one is told apart. */
export const waitTimerRef = (executionSid: string, waitId: string) => `${executionSid}|${waitId}`;

/** The timer `waiting` set, if it set one (a wait saved before `timed` was recorded may have). */
export const timerOfWait = (kind: string, executionSid: string, waiting: ExecutionState['waiting']) =>
  waiting && waiting.timed !== false ? { kind, ref: waitTimerRef(executionSid, waiting.waitId) } : undefined;

/** The client id of a step's `i`th effect: a message posted again after a crash is the same one. */
export const effectClientId = (execution: Execution, i: number) =>
  `${execution.sid}:${execution.state.steps}:${i}`;

/**
 * The client id of the message a widget waiting for the visitor's reply asked with: the first
 * effect of the step it waits in (send-and-wait-for-reply posts its message, then sets its timer).
 */
export const waitMessageClientId = (execution: Execution) => effectClientId(execution, 0);

export function createStepWriter({ store, conversations, clock, botIdentity, timeoutKind }: StepWriterDeps) {
  /**
   * Saves `result`, the step from `execution`; null when the execution was changed elsewhere
   * (not at the version read) and nothing was written.
   */
  return async function writeStep(execution: Execution, result: StepResult): Promise<WrittenStep | null> {
    // The timer is due from the step rather than from the message going out a few ms later. A
    // timeout that finds the widget no longer waiting (its reply came first) changes nothing.
    const wait = result.effects.find((effect) => effect.type === 'scheduleTimeout');
    const timer = wait && {
      kind: timeoutKind,
      ref: waitTimerRef(execution.sid, wait.waitId),
      dueAt: new Date(clock().getTime() + wait.seconds * 1000).toISOString(),
    };
    // The timed wait the step leaves (a reply came before its timeout): its timer goes with the
    // same save, rather than staying until due to find nothing waiting.
    const left = execution.state.waiting;
    const cleared =
      left?.waitId !== result.execution.waiting?.waitId
        ? timerOfWait(timeoutKind, execution.sid, left)
        : undefined;
    const reply = replyOf(result.effects);
    if (reply) {
      const attributes = botMessageAttributes(reply);
      const folded = await store.executions.saveAndPost(
        execution.sid,
        execution.version,
        result.execution,
        result.effects,
        timer,
        {
          channelSid: execution.channelSid,
          from: botIdentity,
          body: reply.body,
          attributes,
          clientId: effectClientId({ ...execution, state: result.execution }, 0),
        },
        cleared,
      );
      if (!folded) return null;
      const { execution: saved, posted } = folded;
      if (saved && posted.status === 'stored') {
        if (posted.created) conversations.announce(posted.message);
        // The effects stay recorded: the next save replaces them, and done again after a crash
        // they change nothing (the message's clientId returns this one, the timer is set again
        // to the same due time).
        const next: EngineEvent | null = wait
          ? null
          : {
              kind: 'effect',
              outcome: 'sent',
              outputs: { Body: posted.message.body, Sid: posted.message.sid },
            };
        return { execution: saved, timerSet: Boolean(wait), done: { next } };
      }
      // The message was refused (the channel closed, the bot left it): done as any effect is,
      // which fails the widget along its failure event.
      if (saved) return { execution: saved, timerSet: Boolean(wait), done: null };
    }
    const saved = await store.executions.save(
      execution.sid,
      execution.version,
      result.execution,
      result.effects,
      timer,
      cleared,
    );
    return saved && { execution: saved, timerSet: Boolean(wait), done: null };
  };
}
