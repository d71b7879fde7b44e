/**
 * A step leaves the state it was given as it was: the runner keeps that state (the copy saved
 * last, its text for the store) while the next step works on a copy of it. Every state here is
 * deeply frozen before it is stepped, so a change in place anywhere (the context, a subflow's
 * parent, the log, variables, widget outputs) throws.
 */
import { describe, expect, it } from 'vitest';
import { copyForStep } from '../../server/core/bot/copy-state.ts';
import type { FlowDefinition } from '../../server/core/bot/definition.ts';
import {
  type EngineEvent,
  type ExecutionState,
  newExecution,
  type SubflowDefinitions,
  step,
} from '../../server/core/bot/engine.ts';
import type { InboundMessage } from '../../server/core/bot/widgets/types.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const inbound = (Body: string): InboundMessage => ({
  Body,
  From: 'visitor-1',
  ChannelSid: 'CH1',
  MessageSid: 'IM1',
  ChannelAttributes: { from: 'Dana', channel_type: 'web' },
});

const fresh = () =>
  newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: { topic: 'start' }, channel: { address: 'web' }, flow_sid: 'FWparent' },
    contact: { identity: 'visitor-1', friendlyName: 'Dana', channel: { address: 'visitor-1' } },
  });

const parent: FlowDefinition = {
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [
        { event: 'incomingMessage', next: 'remember' },
        { event: 'incomingRequest', next: 'remember' },
      ],
    },
    {
      name: 'remember',
      type: 'set-variables',
      properties: { variables: [{ key: 'topic', value: 'orders' }] },
      transitions: [{ event: 'next', next: 'ask' }],
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Which {{ flow.variables.topic }}?' },
      transitions: [
        { event: 'incomingMessage', next: 'menu' },
        { event: 'timeout', next: 'menu' },
      ],
    },
    {
      name: 'menu',
      type: 'run-subflow',
      properties: { flow_sid: 'FWsub', flow_revision: 'LatestPublished', parameters: [] },
      transitions: [{ event: 'completed', next: 'after' }],
    },
    {
      name: 'after',
      type: 'send-message',
      properties: {
        body: '{{ widgets.ask.inbound.Body }}: {{ widgets.menu.choice }}, {{ flow.variables.topic }}',
      },
      transitions: [{ event: 'sent' }],
    },
  ],
};

const sub: FlowDefinition = {
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingParent', next: 'pick' }],
    },
    {
      name: 'pick',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Pick one' },
      transitions: [{ event: 'incomingMessage', next: 'store' }],
    },
    {
      name: 'store',
      type: 'set-variables',
      properties: { variables: [{ key: 'choice', value: '{{ widgets.pick.inbound.Body | downcase }}' }] },
      transitions: [{ event: 'next' }],
    },
  ],
};

const subflows: SubflowDefinitions = new Map([
  ['FWsub', { revision: 1, definition: sub }],
  ['FWsub@1', { revision: 1, definition: sub }],
]);

/** Steps `start` and then `replies`, each from a frozen state; returns the messages and the states. */
function run(start: EngineEvent, replies: string[]) {
  let state: ExecutionState = fresh();
  let event: EngineEvent | null = start;
  const sent: string[] = [];
  const states: { state: ExecutionState; text: string }[] = [];
  while (event) {
    const result = step(parent, deepFreeze(state), event, subflows);
    state = result.execution;
    states.push({ state, text: JSON.stringify(state) });
    event = null;
    for (const effect of result.effects) if (effect.type === 'sendMessage') sent.push(effect.body);
    if (result.effects.some((e) => e.type === 'scheduleTimeout')) {
      const reply = replies.shift();
      if (reply !== undefined) event = { kind: 'message', inbound: inbound(reply) };
    } else if (result.effects.length > 0) event = { kind: 'effect', outcome: 'sent', outputs: {} };
  }
  return { state, sent, states };
}

describe('a step and the state it is given', () => {
  it('runs a flow through variables, a wait and a subflow without changing any state it was given', () => {
    const { state, sent, states } = run(
      { type: 'start', trigger: 'incomingMessage', message: inbound('hi'), executionSid: 'FN1' },
      ['Refund', 'Billing'],
    );
    expect(sent).toEqual(['Which orders?', 'Pick one', 'Refund: billing, orders']);
    expect(state.status).toBe('ended');
    expect(state.subflow).toBeNull();
    // Each state is as it was when its step returned it.
    for (const { state: kept, text } of states) expect(JSON.stringify(kept)).toBe(text);
  });

  it('starts by request with flow.data without changing the new execution', () => {
    const { sent } = run({ type: 'start', trigger: 'incomingRequest', parameters: { a: 1 } }, ['x', 'y']);
    expect(sent).toEqual(['Which orders?', 'Pick one', 'x: y, orders']);
  });

  it('copies what a step changes and shares the rest', () => {
    const state = run(
      { type: 'start', trigger: 'incomingMessage', message: inbound('hi'), executionSid: 'FN1' },
      ['Refund'],
    ).state;
    const copy = copyForStep(state);
    expect(copy).toEqual(state);
    expect(copy.context.widgets).not.toBe(state.context.widgets);
    expect(copy.context.flow.variables).not.toBe(state.context.flow.variables);
    expect(copy.log).not.toBe(state.log);
    expect(copy.subflow?.parent).not.toBe(state.subflow?.parent);
    expect(copy.subflow?.parent.widgets).not.toBe(state.subflow?.parent.widgets);
    expect(copy.context.trigger).toBe(state.context.trigger);
  });
});
