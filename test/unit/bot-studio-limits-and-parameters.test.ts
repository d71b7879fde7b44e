/**
 * The engine against what Twilio documents for Studio: the loop limit (one widget 10 times in a
 * row, error 81001) ends loops that get no input but not a question the visitor keeps
 * answering; run-subflow's "Parse as JSON object" parameters reach the subflow as objects;
 * trigger.conversation.ParticipantSid is the sender's participant.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDefinition, StateDefinition } from '../../server/core/bot/definition.ts';
import {
  type EngineEvent,
  type ExecutionState,
  LIMITS,
  newExecution,
  type SubflowDefinitions,
  step,
} from '../../server/core/bot/engine.ts';
import type { InboundMessage } from '../../server/core/bot/widgets/types.ts';

const inbound = (Body: string): InboundMessage => ({
  Body,
  From: 'visitor-1',
  ChannelSid: 'CH1',
  MessageSid: 'IM1',
  ChannelAttributes: { from: 'Dana', channel_type: 'web' },
  ParticipantSid: 'MB1',
});

const fresh = () =>
  newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'webchat' }, flow_sid: 'FWparent' },
    contact: { identity: 'visitor-1', friendlyName: 'Dana', channel: { address: 'visitor-1' } },
  });

const start: EngineEvent = { type: 'start', trigger: 'incomingMessage', message: inbound('hi') };
const reply = (body: string): EngineEvent => ({ kind: 'message', inbound: inbound(body) });

const trigger = (event: string, next: string): StateDefinition => ({
  name: 'Trigger',
  type: 'trigger',
  properties: {},
  transitions: [{ event, next }],
});

const flow = (states: StateDefinition[], event = 'incomingMessage'): FlowDefinition => ({
  initial_state: 'Trigger',
  states: [trigger(event, states[0]?.name ?? ''), ...states],
});

const runsOf = (execution: ExecutionState, state: string) =>
  execution.log.filter((s) => s.state === state && s.event !== null).length;

describe("Studio's loop limit", () => {
  it('runs a widget that loops on itself without input 10 times, then ends the execution', () => {
    const spin: StateDefinition = {
      name: 'spin',
      type: 'set-variables',
      properties: { variables: [{ key: 'n', value: '{{ flow.variables.n | plus: 1 }}' }] },
      transitions: [{ event: 'next', next: 'spin' }],
    };
    const { execution } = step(flow([spin]), fresh(), start);
    expect(runsOf(execution, 'spin')).toBe(LIMITS.repeats);
    expect(execution.context.flow.variables.n).toBe(10);
    expect(execution.status).toBe('ended');
    expect(execution.endReason).toBe('"spin" ran 10 times in a row');
  });

  it('keeps asking the same question for as long as the visitor keeps answering', () => {
    const ask: StateDefinition = {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Anything else?' },
      transitions: [
        { event: 'incomingMessage', next: 'ask' },
        { event: 'timeout', next: 'ask' },
      ],
    };
    const definition = flow([ask]);
    let { execution } = step(definition, fresh(), start);
    for (let k = 1; k <= 25; k++) {
      const result = step(definition, execution, reply(`answer ${k}`));
      execution = result.execution;
      expect(result.effects[0]).toMatchObject({ type: 'sendMessage', body: 'Anything else?' });
    }
    expect(execution.status).toBe('active');
    expect(execution.context.widgets.ask?.inbound).toMatchObject({ Body: 'answer 25' });
  });

  it('counts timeouts, which are no input from the visitor: a wait that only times out ends at its 11th run', () => {
    const ask: StateDefinition = {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Still there?', timeout: 60 },
      transitions: [
        { event: 'incomingMessage', next: 'done' },
        { event: 'timeout', next: 'ask' },
      ],
    };
    const done: StateDefinition = {
      name: 'done',
      type: 'send-message',
      properties: { body: 'ok' },
      transitions: [],
    };
    const definition = flow([ask, done]);
    let { execution } = step(definition, fresh(), start);
    for (let k = 0; k < 9; k++) {
      execution = step(definition, execution, {
        kind: 'timeout',
        waitId: execution.waiting?.waitId ?? '',
      }).execution;
      expect(execution.status).toBe('active');
    }
    // The 10th run is waiting; its timeout would be the 11th run in a row.
    execution = step(definition, execution, {
      kind: 'timeout',
      waitId: execution.waiting?.waitId ?? '',
    }).execution;
    expect(execution.status).toBe('ended');
    expect(execution.endReason).toBe('"ask" ran 10 times in a row');
  });
});

describe('run-subflow parameters', () => {
  const subflow: FlowDefinition = {
    initial_state: 'Trigger',
    states: [
      trigger('incomingParent', 'tell'),
      {
        name: 'tell',
        type: 'send-message',
        properties: {
          body: '{{ flow.data.order.status }}|{{ flow.data.order.items[1] }}|{{ flow.data.raw }}|{{ flow.data.literal.id }}|{{ flow.data.text.status }}',
        },
        transitions: [{ event: 'sent' }],
      },
    ],
  };
  const subflows: SubflowDefinitions = new Map([['FWsub', { revision: 1, definition: subflow }]]);
  const parent = (parameters: unknown[]): FlowDefinition =>
    flow([
      {
        name: 'lookup',
        type: 'set-variables',
        properties: { variables: [{ key: 'json', value: '{"status":"shipped","items":["a","b"]}' }] },
        transitions: [{ event: 'next', next: 'call' }],
      },
      {
        name: 'call',
        type: 'run-subflow',
        properties: { flow_sid: 'FWsub', flow_revision: 'LatestPublished', parameters },
        transitions: [
          { event: 'completed', next: 'after' },
          { event: 'failed', next: 'oops' },
        ],
      },
      { name: 'after', type: 'send-message', properties: { body: 'back' }, transitions: [] },
      {
        name: 'oops',
        type: 'send-message',
        properties: { body: 'failed: {{ widgets.call.error }}' },
        transitions: [],
      },
    ]);
  const withWidget = (execution: ExecutionState, outputs: Record<string, unknown>) => {
    execution.context.widgets.api = outputs;
    return execution;
  };

  it('passes a parameter marked "Parse as JSON object" as an object the subflow reads member by member', () => {
    const definition = parent([
      { key: 'order', value: '{{ flow.variables.json }}', type: 'object' },
      { key: 'raw', value: '{{ flow.variables.json }}', type: 'string' },
      { key: 'literal', value: '{"id": "{{ trigger.message.Body }}"}', type: 'json_object' },
      { key: 'text', value: '{{ flow.variables.json }}' },
    ]);
    const { effects } = step(definition, fresh(), start, subflows);
    expect(effects[0]).toMatchObject({
      type: 'sendMessage',
      body: 'shipped|b|{"status":"shipped","items":["a","b"]}|hi|',
    });
  });

  it('passes an object a widget holds (widgets.NAME.parsed) as that object', () => {
    const definition = parent([{ key: 'order', value: '{{ widgets.api.parsed }}', type: 'json' }]);
    const execution = withWidget(fresh(), { parsed: { status: 'delivered', items: ['x', 'y'] } });
    const { effects } = step(definition, execution, start, subflows);
    expect(effects[0]).toMatchObject({ body: 'delivered|y|||' });
  });

  it('passes a JSON parameter that does not render to JSON as its text, as set-variables keeps it', () => {
    const definition = parent([{ key: 'raw', value: 'order {{ trigger.message.Body }}', type: 'object' }]);
    const { effects } = step(definition, fresh(), start, subflows);
    expect(effects[0]).toMatchObject({ body: '||order hi||' });
  });
});

describe('trigger.conversation', () => {
  it('gives the sender’s participant sid and the message, for a flow started on incomingConversationMessage', () => {
    const definition = flow(
      [
        {
          name: 'echo',
          type: 'send-message',
          properties: {
            body: '{{ trigger.conversation.ParticipantSid }}|{{ trigger.conversation.Author }}|{{ trigger.conversation.Source }}|{{ flow.channel.address }}|{{ contact.channel.address }}',
          },
          transitions: [{ event: 'sent' }],
        },
      ],
      'incomingConversationMessage',
    );
    const { effects } = step(definition, fresh(), start);
    expect(effects[0]).toMatchObject({ body: 'MB1|visitor-1|SDK|webchat|visitor-1' });
  });
});

describe('send-to-flex', () => {
  it('renders workflow, priority and timeout, which Studio accepts as Liquid', () => {
    const definition = flow([
      {
        name: 'pick',
        type: 'set-variables',
        properties: {
          variables: [
            { key: 'wf', value: 'WW0123456789abcdef0123456789abcdef' },
            { key: 'vip', value: '5' },
          ],
        },
        transitions: [{ event: 'next', next: 'to_agent' }],
      },
      {
        name: 'to_agent',
        type: 'send-to-flex',
        properties: {
          workflow: '{{ flow.variables.wf }}',
          channel: 'TC0123456789abcdef0123456789abcdef',
          priority: '{{ flow.variables.vip | plus: 1 }}',
          timeout: '{{ 60 | times: 5 }}',
          attributes: '{"name": "{{ trigger.message.ChannelAttributes.from }}"}',
        },
        transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }],
      },
    ]);
    const { effects } = step(definition, fresh(), start);
    expect(effects[0]).toEqual({
      type: 'sendToFlex',
      workflow: 'WW0123456789abcdef0123456789abcdef',
      channel: 'TC0123456789abcdef0123456789abcdef',
      attributes: { name: 'Dana' },
      priority: 6,
      timeout: 300,
    });
  });
});
