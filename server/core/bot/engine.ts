/**
 * The bot engine: a pure state machine over a frozen Studio definition.
 * `step(definition, execution, event) → { execution, effects }`: it never does I/O; the runner
 * performs the effects and feeds their outcomes back as events.
 *
 * @example
 *   let { execution, effects } = step(def, newExecution(ctx), { type: 'start', trigger: 'incomingMessage', message });
 *   // perform effects, then:
 *   ({ execution, effects } = step(def, execution, { kind: 'effect', outcome: 'sent' }));
 */
import type {
  ExecutionContext,
  ExecutionState,
  FlowDefinition,
  StateDefinition,
  StepLog,
  SubflowFrame,
} from '../../studio-types.ts';
import { copyForStep } from './copy-state.ts';
import { TemplateError } from './templates.ts';
import {
  type Effect,
  type InboundMessage,
  type ResumeInput,
  type SubflowCall,
  type WidgetResult,
  widgets,
} from './widgets/index.ts';

export type { ExecutionContext, ExecutionState, StepLog, SubflowFrame };

/**
 * Studio's documented limits: an execution ends after 1,000 steps, and when one widget runs 10
 * times in a row (its error 81001, "a single widget looping back on itself"). A visitor's
 * message between two runs breaks the row: a widget that asks again each time the visitor
 * answers is a conversation, not a loop, and only the step limit bounds it.
 */
export const LIMITS = { steps: 1000, repeats: 10 } as const;

/**
 * The flows run-subflow states may call, loaded by the runner before a step: the key `FW…`
 * holds the latest revision, `FW…@N` revision N.
 */
export type SubflowDefinitions = ReadonlyMap<string, { revision: number; definition: FlowDefinition }>;

/** `executionSid` becomes `flow.sid`. */
export type EngineEvent =
  | { type: 'start'; trigger: 'incomingMessage'; message: InboundMessage; executionSid?: string }
  | {
      type: 'start';
      trigger: 'incomingRequest';
      parameters: Record<string, unknown>;
      executionSid?: string;
    }
  | ResumeInput;

/** Studio's `trigger.conversation` for a chat message (Flex Conversations-era flows read it). */
function conversationOf(message: InboundMessage): Record<string, unknown> {
  const attributes = message.ChannelAttributes;
  const channelType = String(attributes.channel_type ?? attributes.channelType ?? 'web');
  return {
    Body: message.Body,
    Author: message.From,
    ConversationSid: message.ChannelSid,
    MessageSid: message.MessageSid,
    ParticipantSid: message.ParticipantSid ?? null,
    Source: channelType === 'web' ? 'SDK' : channelType.toUpperCase(),
    Attributes: JSON.stringify(message.Attributes ?? {}),
    DateCreated: message.DateCreated ?? null,
    ChannelAttributes: attributes,
  };
}

/**
 * The trigger event a chat message fires: `incomingMessage`, or `incomingConversationMessage`
 * for a flow whose trigger only leads somewhere on that one (as Flex Conversations flows do).
 */
function messageTrigger(definition: FlowDefinition): 'incomingMessage' | 'incomingConversationMessage' {
  const trigger = definition.states.find((s) => s.name === definition.initial_state);
  const leads = (event: string) => trigger?.transitions.some((t) => t.event === event && t.next);
  return !leads('incomingMessage') && leads('incomingConversationMessage')
    ? 'incomingConversationMessage'
    : 'incomingMessage';
}

export interface StepResult {
  execution: ExecutionState;
  effects: Effect[];
}

export function newExecution(context: ExecutionContext): ExecutionState {
  return {
    status: 'active',
    waiting: null,
    context,
    steps: 0,
    lastState: null,
    repeats: 0,
    log: [],
    endReason: null,
  };
}

/**
 * One step of the execution: the event goes to the waiting widget (or starts the flow), and
 * widgets run until one waits for effects or the flow ends. A run-subflow state runs the
 * subflow from `subflows` in the same execution, as Studio does.
 */
export function step(
  definition: FlowDefinition,
  current: ExecutionState,
  event: EngineEvent,
  subflows: SubflowDefinitions = new Map(),
): StepResult {
  if (current.status === 'ended') return { execution: current, effects: [] };
  const execution: ExecutionState = copyForStep(current);
  const indexOf = (flow: FlowDefinition) => new Map(flow.states.map((s) => [s.name, s]));
  const frameFlow = execution.subflow
    ? subflows.get(`${execution.subflow.flowSid}@${execution.subflow.revision}`)?.definition
    : undefined;
  let byName = indexOf(frameFlow ?? definition);
  const scope = () => execution.context as unknown as Record<string, unknown>;
  const end = (reason: string) => {
    execution.status = 'ended';
    execution.waiting = null;
    execution.endReason = reason;
    return { execution, effects };
  };
  const effects: Effect[] = [];

  let state: StateDefinition | undefined;
  let result: WidgetResult;
  if ('type' in event) {
    if (execution.steps > 0) return { execution: current, effects: [] };
    state = byName.get(definition.initial_state);
    if (!state) return end(`initial_state "${definition.initial_state}" does not exist`);
    let fired: string = event.trigger;
    if (event.trigger === 'incomingMessage') {
      fired = messageTrigger(definition);
      execution.context.trigger =
        fired === 'incomingMessage'
          ? { message: event.message }
          : { conversation: conversationOf(event.message) };
    } else {
      execution.context.trigger = { request: { parameters: event.parameters } };
      execution.context.flow.data = event.parameters;
    }
    if (event.executionSid) execution.context.flow.sid = event.executionSid;
    execution.steps = 1;
    execution.lastState = state.name;
    result = { event: fired };
  } else {
    if (!execution.waiting) return { execution: current, effects: [] };
    if (execution.subflow && !frameFlow) {
      // The subflow's revision was deleted while it waited.
      execution.waiting = null;
      ({ state, result } = leaveSubflow('failed', `flow ${execution.subflow.flowSid} is gone`));
      return run(state, result);
    }
    state = byName.get(execution.waiting.state);
    const widget = state && widgets[state.type];
    if (!state || !widget?.resume) return end(`waiting state "${execution.waiting.state}" cannot resume`);
    let resumed: WidgetResult | null;
    try {
      resumed = widget.resume(
        state.properties ?? {},
        { scope: scope(), state, waitId: execution.waiting.waitId },
        event,
      );
    } catch (err) {
      const reason = err instanceof TemplateError ? err.message : ((err as Error)?.name ?? 'error');
      return end(`state "${state.name}" failed to resume: ${reason}`);
    }
    if (!resumed) return { execution: current, effects: [] };
    result = resumed;
    execution.waiting = null;
    if (event.kind === 'message') execution.lastState = null;
  }
  return run(state, result);

  /** Back from the subflow to its run-subflow state, which leaves by `outcome`. */
  function leaveSubflow(
    outcome: 'completed' | 'failed',
    error?: string,
  ): { state: StateDefinition; result: WidgetResult } {
    const frame = execution.subflow as SubflowFrame;
    // What the subflow stored with set-variables is the parent's widgets.NAME.KEY.
    const variables = execution.context.flow.variables;
    execution.context = frame.parent;
    execution.subflow = null;
    byName = indexOf(definition);
    return {
      state: byName.get(frame.state) as StateDefinition,
      result: { event: outcome, outputs: { ...variables, ...(error !== undefined && { error }) } },
    };
  }

  /** Starts `call` under the run-subflow `state`: the subflow's trigger, or why it cannot. */
  function enterSubflow(
    state: StateDefinition,
    call: SubflowCall,
  ): { state: StateDefinition; result: WidgetResult } {
    const fail = (error: string) => ({ state, result: { event: 'failed', outputs: { error } } });
    // Studio's error 81024: a subflow cannot run another subflow.
    if (execution.subflow) return fail('a subflow cannot run another subflow');
    const found = subflows.get(call.revision ? `${call.flowSid}@${call.revision}` : call.flowSid);
    if (!found)
      return fail(
        `flow ${call.flowSid}${call.revision ? ` revision ${call.revision}` : ''} does not exist here`,
      );
    const parent = execution.context;
    execution.subflow = { state: state.name, flowSid: call.flowSid, revision: found.revision, parent };
    // One execution, as in Studio: the trigger, the contact and the widgets so far are shared;
    // flow.variables are the subflow's own, and the parameters are read as Studio documents
    // them, {{trigger.parent.parameters.KEY}}, and as flow.data.
    execution.context = {
      trigger: { ...parent.trigger, parent: { parameters: call.parameters } },
      widgets: { ...parent.widgets },
      flow: {
        variables: {},
        channel: parent.flow.channel,
        flow_sid: call.flowSid,
        data: call.parameters,
        ...(parent.flow.sid && { sid: parent.flow.sid }),
      },
      contact: parent.contact,
    };
    byName = indexOf(found.definition);
    const trigger = byName.get(found.definition.initial_state);
    if (!trigger) return leaveSubflow('failed', `the subflow's initial_state does not exist`);
    return { state: trigger, result: { event: 'incomingParent' } };
  }

  function run(first: StateDefinition, firstResult: WidgetResult): StepResult {
    let state = first;
    let result = firstResult;
    for (;;) {
      if ('effects' in result) {
        // What a widget knows before it waits (send-and-wait-for-reply's `outbound`) is kept;
        // what it learns on resuming (the reply, the message's sid) is merged alongside.
        if (result.outputs) keepOutputs(state.name, result.outputs);
        effects.push(...result.effects);
        execution.waiting = {
          state: state.name,
          waitId: String(execution.steps),
          timed: result.effects.some((effect) => effect.type === 'scheduleTimeout'),
        };
        execution.log.push({
          state: state.name,
          type: state.type,
          event: null,
          ...inSubflow(),
          at: new Date().toISOString(),
        });
        return { execution, effects };
      }
      if ('subflow' in result) {
        ({ state, result } = enterSubflow(state, result.subflow));
        continue;
      }
      if (result.outputs) {
        keepOutputs(state.name, result.outputs);
        if (state.type === 'set-variables') {
          Object.assign(
            execution.context.flow.variables,
            (result.outputs as { variables: object }).variables,
          );
        }
      }
      const leaving = result.event;
      const error = result.outputs?.error === undefined ? undefined : String(result.outputs.error);
      execution.log.push({
        state: state.name,
        type: state.type,
        event: leaving,
        ...(error && { error }),
        ...inSubflow(),
        at: new Date().toISOString(),
      });
      const next = result.next ?? state.transitions.find((t) => t.event === leaving)?.next;
      // A subflow that reaches its end returns to its parent; one that fails returns `failed`.
      if (!next && execution.subflow) {
        ({ state, result } = leaveSubflow(error ? 'failed' : 'completed', error));
        continue;
      }
      if (!next)
        return end(
          error ? `"${state.name}" failed: ${error}` : `"${state.name}" ended the flow on ${leaving}`,
        );
      const target = byName.get(next);
      if (!target && execution.subflow) {
        ({ state, result } = leaveSubflow('failed', `"${state.name}" goes to unknown state "${next}"`));
        continue;
      }
      if (!target) return end(`"${state.name}" goes to unknown state "${next}"`);

      execution.steps += 1;
      if (execution.steps > LIMITS.steps) return end(`the execution reached ${LIMITS.steps} steps`);
      execution.repeats = target.name === execution.lastState ? execution.repeats + 1 : 1;
      if (execution.repeats > LIMITS.repeats)
        return end(`"${target.name}" ran ${LIMITS.repeats} times in a row`);
      execution.lastState = target.name;
      state = target;
      result = enter(state, execution, scope());
    }
  }

  /** A widget's outputs, at `widgets.NAME.*`, over what it set before. */
  function keepOutputs(name: string, outputs: Record<string, unknown>) {
    execution.context.widgets[name] = { ...execution.context.widgets[name], ...outputs };
  }

  function inSubflow(): { flowSid?: string } {
    return execution.subflow ? { flowSid: execution.subflow.flowSid } : {};
  }
}

/** Runs a widget; a template error fails it along its failure event, or ends the execution. */
function enter(
  state: StateDefinition,
  execution: ExecutionState,
  scope: Record<string, unknown>,
): WidgetResult {
  const widget = widgets[state.type];
  if (!widget) return { event: '__unknown', outputs: { error: `unknown widget type "${state.type}"` } };
  try {
    return widget.enter(state.properties ?? {}, { scope, state, waitId: String(execution.steps) });
  } catch (err) {
    // Only a TemplateError's message is known to carry no visitor text.
    const message =
      err instanceof TemplateError
        ? err.message
        : `${state.type} failed (${(err as Error)?.name ?? 'error'})`;
    const failure = ['failed', 'fail', 'failedToEnqueue', 'deliveryFailure'].find((e) =>
      widget.events.includes(e),
    );
    return { event: failure ?? '__error', outputs: { error: message } };
  }
}
