/**
 * run-subflow in the engine, as Studio documents it: the subflow starts on its trigger's
 * incomingParent, sees the parameters as trigger.parent.parameters and flow.data, runs in the same execution (it may wait
 * for replies), and returns on completed / failed with its flow.variables at widgets.NAME.KEY.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDefinition, StateDefinition } from '../../server/core/bot/definition.ts';
import {
  type EngineEvent,
  type ExecutionState,
  newExecution,
  type SubflowDefinitions,
  step,
} from '../../server/core/bot/engine.ts';
import type { Effect, InboundMessage } from '../../server/core/bot/widgets/types.ts';

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
    flow: { variables: { topic: 'parent topic' }, channel: { address: 'visitor-1' }, flow_sid: 'FWparent' },
    contact: { identity: 'visitor-1', friendlyName: 'Dana', channel: { address: 'visitor-1' } },
  });

const start: EngineEvent = {
  type: 'start',
  trigger: 'incomingMessage',
  message: inbound('hi'),
  executionSid: 'FN1',
};

const say = (name: string, body: string, next?: string): StateDefinition => ({
  name,
  type: 'send-message',
  properties: { body },
  transitions: [{ event: 'sent', ...(next && { next }) }],
});

const parent = (subflow: Record<string, unknown>): FlowDefinition => ({
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'menu' }],
    },
    {
      name: 'menu',
      type: 'run-subflow',
      properties: {
        flow_sid: 'FWsub',
        flow_revision: 'LatestPublished',
        parameters: [{ key: 'greeting', value: 'Hello {{ trigger.message.ChannelAttributes.from }}' }],
        ...subflow,
      },
      transitions: [
        { event: 'completed', next: 'after' },
        { event: 'failed', next: 'sorry' },
      ],
    },
    say(
      'after',
      'You chose {{ widgets.menu.choice }}; mine is {{ flow.variables.topic }}; sub var {{ flow.variables.choice }}',
    ),
    say('sorry', 'failed: {{ widgets.menu.error }}'),
  ],
});

const navigation: FlowDefinition = {
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingParent', next: 'ask' }],
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: {
        body: '{{ flow.data.greeting }} / {{ trigger.parent.parameters.greeting }} ({{ flow.flow_sid }}, {{ flow.sid }}, parent var "{{ flow.variables.topic }}")',
      },
      transitions: [{ event: 'incomingMessage', next: 'store' }, { event: 'timeout' }],
    },
    {
      name: 'store',
      type: 'set-variables',
      properties: { variables: [{ key: 'choice', value: '{{ widgets.ask.inbound.Body | downcase }}' }] },
      transitions: [{ event: 'next' }],
    },
  ],
};

const loaded = (definition: FlowDefinition, revision = 3): SubflowDefinitions =>
  new Map([
    ['FWsub', { revision, definition }],
    [`FWsub@${revision}`, { revision, definition }],
  ]);

/** Steps through `def`, answering effects as done and waits with `replies`; returns what was sent. */
function run(def: FlowDefinition, subflows: SubflowDefinitions, replies: string[] = []) {
  const sent: string[] = [];
  let execution: ExecutionState = fresh();
  let event: EngineEvent | null = start;
  const saved: ExecutionState[] = [];
  while (event) {
    const result: { execution: ExecutionState; effects: Effect[] } = step(def, execution, event, subflows);
    execution = result.execution;
    saved.push(execution);
    event = null;
    for (const e of result.effects) if (e.type === 'sendMessage') sent.push(e.body);
    if (result.effects.some((e) => e.type === 'scheduleTimeout')) {
      const reply = replies.shift();
      if (reply !== undefined) event = { kind: 'message', inbound: inbound(reply) };
    } else if (result.effects.length > 0) {
      event = { kind: 'effect', outcome: 'sent', outputs: {} };
    }
  }
  return { execution, sent, saved };
}

describe('run-subflow', () => {
  it('runs the subflow with flow.data, waits inside it, and returns its variables as widgets.NAME', () => {
    const { execution, sent, saved } = run(parent({}), loaded(navigation), ['Billing']);
    expect(sent).toEqual([
      'Hello Dana / Hello Dana (FWsub, FN1, parent var "")',
      'You chose billing; mine is parent topic; sub var ',
    ]);
    // While it waited, the execution was inside the subflow, and said so.
    const waiting = saved.find((s) => s.waiting);
    expect(waiting?.subflow).toMatchObject({ state: 'menu', flowSid: 'FWsub', revision: 3 });
    expect(waiting?.waiting?.state).toBe('ask');
    expect(execution.status).toBe('ended');
    expect(execution.subflow).toBeNull();
    expect(execution.context.widgets.menu).toEqual({ choice: 'billing' });
    expect(execution.context.widgets.ask).toBeUndefined();
    expect(execution.context.flow.flow_sid).toBe('FWparent');
    // The parameters were the subflow's: the parent's trigger is as it was.
    expect(execution.context.trigger.parent).toBeUndefined();
    expect(execution.log.map((l) => [l.state, l.event, l.flowSid])).toEqual([
      ['Trigger', 'incomingMessage', undefined],
      ['Trigger', 'incomingParent', 'FWsub'],
      ['ask', null, 'FWsub'],
      ['ask', 'incomingMessage', 'FWsub'],
      ['store', 'next', 'FWsub'],
      ['menu', 'completed', undefined],
      ['after', null, undefined],
      ['after', 'sent', undefined],
    ]);
  });

  it('takes failed when the subflow does not exist here', () => {
    const { sent, execution } = run(parent({}), new Map());
    expect(sent).toEqual(['failed: flow FWsub does not exist here']);
    expect(execution.log.find((l) => l.state === 'menu')).toMatchObject({ event: 'failed' });
  });

  it('runs the revision it names, and fails on one that is not loaded', () => {
    const { sent } = run(parent({ flow_revision: 3 }), loaded(navigation, 3), ['Sales']);
    expect(sent.at(-1)).toBe('You chose sales; mine is parent topic; sub var ');
    expect(run(parent({ flow_revision: 2 }), loaded(navigation, 3)).sent).toEqual([
      'failed: flow FWsub revision 2 does not exist here',
    ]);
  });

  it('returns failed when a widget of the subflow fails with nowhere to go', () => {
    const broken: FlowDefinition = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingParent', next: 'x' }],
        },
        say('x', '{{ "a" | to_json | bogus }}'),
      ],
    };
    const { sent } = run(parent({}), loaded(broken));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^failed: template failed \(syntax\)/);
  });

  it('completes at once when the subflow has nothing on incomingParent', () => {
    const idle: FlowDefinition = {
      initial_state: 'Trigger',
      states: [
        { name: 'Trigger', type: 'trigger', properties: {}, transitions: [{ event: 'incomingParent' }] },
      ],
    };
    expect(run(parent({}), loaded(idle)).sent).toEqual(['You chose ; mine is parent topic; sub var ']);
  });

  it('refuses a subflow that runs another subflow, as Studio does', () => {
    const nested: FlowDefinition = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingParent', next: 'deeper' }],
        },
        {
          name: 'deeper',
          type: 'run-subflow',
          properties: { flow_sid: 'FWsub' },
          transitions: [{ event: 'completed' }, { event: 'failed', next: 'note' }],
        },
        {
          name: 'note',
          type: 'set-variables',
          properties: { variables: [{ key: 'choice', value: '{{ widgets.deeper.error }}' }] },
          transitions: [{ event: 'next' }],
        },
      ],
    };
    expect(run(parent({}), loaded(nested)).sent).toEqual([
      'You chose a subflow cannot run another subflow; mine is parent topic; sub var ',
    ]);
  });
});
