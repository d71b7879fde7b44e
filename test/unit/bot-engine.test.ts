import { describe, expect, it } from 'vitest';
import { testCondition } from '../../server/core/bot/conditions.ts';
import {
  CONDITION_TYPES,
  checkDefinition,
  type FlowDefinition,
  validateDefinition,
} from '../../server/core/bot/definition.ts';
import { type EngineEvent, newExecution, step } from '../../server/core/bot/engine.ts';
import type { InboundMessage } from '../../server/core/bot/widgets/types.ts';

const inbound = (Body: string): InboundMessage => ({
  Body,
  From: 'visitor-1',
  ChannelSid: 'CH1',
  MessageSid: 'IM1',
  ChannelAttributes: { from: 'Dana' },
});

const fresh = () =>
  newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'visitor-1' }, flow_sid: 'FW1' },
    contact: { identity: 'visitor-1', friendlyName: 'Dana', channel: { address: 'visitor-1' } },
  });

const flow = (states: FlowDefinition['states']): FlowDefinition => ({ initial_state: 'Trigger', states });
const trigger = (next: string) => ({
  name: 'Trigger',
  type: 'trigger',
  properties: {},
  transitions: [
    { event: 'incomingMessage', next },
    { event: 'incomingRequest', next },
  ],
});
const start = (body = 'hi'): EngineEvent => ({
  type: 'start',
  trigger: 'incomingMessage',
  message: inbound(body),
});

/** Runs the flow, answering every effect as succeeded, and feeding `replies` to waits. */
function run(def: FlowDefinition, first: EngineEvent, replies: string[] = []) {
  let { execution, effects } = step(def, fresh(), first);
  const sent: string[] = [];
  const all = [...effects];
  while (execution.status === 'active' && execution.waiting) {
    const waitsForReply = effects.some((e) => e.type === 'scheduleTimeout');
    for (const e of effects) if (e.type === 'sendMessage') sent.push(e.body);
    let next: ReturnType<typeof step>;
    if (waitsForReply) {
      const reply = replies.shift();
      if (reply === undefined) break;
      next = step(def, execution, { kind: 'message', inbound: inbound(reply) });
    } else {
      const last = effects.at(-1);
      const outcome =
        last?.type === 'sendToFlex'
          ? 'callComplete'
          : last?.type === 'httpRequest'
            ? 'success'
            : last?.type === 'endChat'
              ? 'ended'
              : 'sent';
      next = step(def, execution, { kind: 'effect', outcome, outputs: {} });
    }
    execution = next.execution;
    effects = next.effects;
    all.push(...effects);
  }
  for (const e of effects) if (e.type === 'sendMessage' && !sent.includes(e.body)) sent.push(e.body);
  return { execution, sent, effects: all };
}

describe('the bot engine', () => {
  it('sends a templated message with filters and ends', () => {
    const def = flow([
      trigger('hello'),
      {
        name: 'hello',
        type: 'send-message',
        properties: {
          body: 'Hi {{contact.friendlyName | upcase}}, you said "{{trigger.message.Body | strip}}"',
        },
        transitions: [{ event: 'sent' }],
      },
    ]);
    const { execution, sent } = run(def, start('  hey  '));
    expect(sent).toEqual(['Hi DANA, you said "hey"']);
    expect(execution.status).toBe('ended');
    expect(execution.log.map((l) => `${l.state}:${l.event}`)).toEqual([
      'Trigger:incomingMessage',
      'hello:null',
      'hello:sent',
    ]);
  });

  it('waits for a reply and exposes it at widgets.NAME.inbound.Body', () => {
    const def = flow([
      trigger('ask'),
      {
        name: 'ask',
        type: 'send-and-wait-for-reply',
        properties: { body: 'Your name?', timeout: '60' },
        transitions: [
          { event: 'incomingMessage', next: 'thanks' },
          { event: 'timeout', next: 'late' },
        ],
      },
      {
        name: 'thanks',
        type: 'send-message',
        properties: { body: 'Thanks {{widgets.ask.inbound.Body}}' },
        transitions: [],
      },
      { name: 'late', type: 'send-message', properties: { body: 'Too late' }, transitions: [] },
    ]);
    let { execution, effects } = step(def, fresh(), start());
    expect(effects).toEqual([
      { type: 'sendMessage', body: 'Your name?', mediaUrl: undefined, attributes: {} },
      { type: 'scheduleTimeout', seconds: 60, waitId: '2' },
    ]);
    // The send succeeding does not end the wait.
    ({ execution } = step(def, execution, { kind: 'effect', outcome: 'sent' }));
    expect(execution.waiting?.state).toBe('ask');
    ({ execution, effects } = step(def, execution, { kind: 'message', inbound: inbound('Robin') }));
    expect(effects[0]).toMatchObject({ type: 'sendMessage', body: 'Thanks Robin' });
  });

  it('takes the timeout transition, ignoring a stale timer', () => {
    const def = flow([
      trigger('ask'),
      {
        name: 'ask',
        type: 'send-and-wait-for-reply',
        properties: { body: 'Still there?' },
        transitions: [{ event: 'timeout', next: 'bye' }],
      },
      { name: 'bye', type: 'send-message', properties: { body: 'Bye' }, transitions: [] },
    ]);
    const { execution, effects } = step(def, fresh(), start());
    expect(effects[1]).toMatchObject({ type: 'scheduleTimeout', seconds: 3600 });
    const stale = step(def, execution, { kind: 'timeout', waitId: '999' });
    expect(stale.effects).toEqual([]);
    const due = step(def, execution, { kind: 'timeout', waitId: execution.waiting?.waitId ?? '' });
    expect(due.effects[0]).toMatchObject({ body: 'Bye' });
  });

  it('reports a failed delivery of a wait as deliveryFailure', () => {
    const def = flow([
      trigger('ask'),
      {
        name: 'ask',
        type: 'send-and-wait-for-reply',
        properties: { body: 'Q' },
        transitions: [{ event: 'deliveryFailure', next: 'note' }],
      },
      {
        name: 'note',
        type: 'set-variables',
        properties: { variables: [{ key: 'failed', value: 'yes' }] },
        transitions: [],
      },
    ]);
    const { execution } = step(def, fresh(), start());
    const after = step(def, execution, { kind: 'effect', outcome: 'failed' });
    expect(after.execution.context.flow.variables).toEqual({ failed: 'yes' });
  });

  it('loops back on a regex noMatch until the answer fits', () => {
    const def = flow([
      trigger('ask'),
      {
        name: 'ask',
        type: 'send-and-wait-for-reply',
        properties: { body: 'Order number?' },
        transitions: [{ event: 'incomingMessage', next: 'check' }],
      },
      {
        name: 'check',
        type: 'split-based-on',
        properties: { input: '{{widgets.ask.inbound.Body}}' },
        transitions: [
          { event: 'noMatch', next: 'ask' },
          {
            event: 'match',
            next: 'ok',
            conditions: [
              {
                friendly_name: 'digits',
                arguments: ['{{widgets.ask.inbound.Body}}'],
                type: 'regex',
                value: '^\\d{5}$',
              },
            ],
          },
        ],
      },
      {
        name: 'ok',
        type: 'send-message',
        properties: { body: 'Looking up {{widgets.check.input}}' },
        transitions: [],
      },
    ]);
    const { sent } = run(def, start(), ['abc', '123', '12345']);
    expect(sent).toEqual(['Order number?', 'Order number?', 'Order number?', 'Looking up 12345']);
  });

  it('sets variables in order, each seeing the ones before', () => {
    const def = flow([
      trigger('vars'),
      {
        name: 'vars',
        type: 'set-variables',
        properties: {
          variables: [
            { key: 'first', value: 'Ada' },
            { key: 'greeting', value: 'Hello {{flow.variables.first}}' },
          ],
        },
        transitions: [{ event: 'next', next: 'say' }],
      },
      {
        name: 'say',
        type: 'send-message',
        properties: { body: '{{flow.variables.greeting}}!' },
        transitions: [],
      },
    ]);
    expect(run(def, start()).sent).toEqual(['Hello Ada!']);
  });

  it('asks the runner for an HTTP request and branches on its outcome, with parsed JSON', () => {
    const def = flow([
      trigger('get'),
      {
        name: 'get',
        type: 'make-http-request',
        properties: {
          method: 'get',
          url: 'https://api.example.com/orders/{{trigger.message.Body}}',
          content_type: 'application/json',
        },
        transitions: [
          { event: 'success', next: 'ok' },
          { event: 'failed', next: 'ko' },
        ],
      },
      {
        name: 'ok',
        type: 'send-message',
        properties: { body: 'Status: {{widgets.get.parsed.status}}' },
        transitions: [],
      },
      { name: 'ko', type: 'send-message', properties: { body: 'Lookup failed' }, transitions: [] },
    ]);
    const first = step(def, fresh(), start('42'));
    expect(first.effects).toEqual([
      {
        type: 'httpRequest',
        method: 'GET',
        url: 'https://api.example.com/orders/42',
        contentType: 'application/json',
        body: undefined,
        parameters: undefined,
      },
    ]);
    const ok = step(def, first.execution, {
      kind: 'effect',
      outcome: 'success',
      outputs: { status_code: 200, parsed: { status: 'shipped' } },
    });
    expect(ok.effects[0]).toMatchObject({ body: 'Status: shipped' });
    const ko = step(def, first.execution, {
      kind: 'effect',
      outcome: 'failed',
      outputs: { status_code: 500 },
    });
    expect(ko.effects[0]).toMatchObject({ body: 'Lookup failed' });
  });

  it('hands over with templated task attributes', () => {
    const def = flow([
      trigger('flex'),
      {
        name: 'flex',
        type: 'send-to-flex',
        properties: {
          workflow: 'WW1',
          channel: 'TC1',
          priority: '5',
          attributes: '{"name": "{{contact.friendlyName}}", "said": {{trigger.message.Body | json}}}',
        },
        transitions: [{ event: 'callComplete' }],
      },
    ]);
    const { effects, execution } = step(def, fresh(), start('help "now"'));
    expect(effects).toEqual([
      {
        type: 'sendToFlex',
        workflow: 'WW1',
        channel: 'TC1',
        priority: 5,
        timeout: 86400,
        attributes: { name: 'Dana', said: 'help "now"' },
      },
    ]);
    expect(step(def, execution, { kind: 'effect', outcome: 'callComplete' }).execution.status).toBe('ended');
  });

  it('fails a widget whose template is broken, never sending broken text', () => {
    const def = flow([
      trigger('bad'),
      {
        name: 'bad',
        type: 'send-message',
        properties: { body: 'Hi {{ contact.friendlyName | no_such_filter }}' },
        transitions: [{ event: 'failed', next: 'fallback' }],
      },
      { name: 'fallback', type: 'send-message', properties: { body: 'Hello!' }, transitions: [] },
    ]);
    const { effects, execution } = step(def, fresh(), start());
    expect(effects).toEqual([{ type: 'sendMessage', body: 'Hello!', mediaUrl: undefined, attributes: {} }]);
    expect(execution.log.find((l) => l.state === 'bad')?.error).toMatch(/no_such_filter/);
  });

  it('ends when send-to-flex attributes do not render to JSON', () => {
    const def = flow([
      trigger('flex'),
      {
        name: 'flex',
        type: 'send-to-flex',
        properties: { attributes: '{"name": {{contact.friendlyName}}}' },
        transitions: [{ event: 'failedToEnqueue', next: 'sorry' }],
      },
      { name: 'sorry', type: 'send-message', properties: { body: 'Sorry' }, transitions: [] },
    ]);
    const { effects } = step(def, fresh(), start());
    expect(effects[0]).toMatchObject({ body: 'Sorry' });
  });

  it('ends an execution after 10 runs of the same widget in a row', () => {
    const def = flow([
      trigger('spin'),
      {
        name: 'spin',
        type: 'set-variables',
        properties: { variables: [{ key: 'n', value: 'x' }] },
        transitions: [{ event: 'next', next: 'spin' }],
      },
    ]);
    const { execution } = step(def, fresh(), start());
    expect(execution.status).toBe('ended');
    expect(execution.endReason).toBe('"spin" ran 10 times in a row');
  });

  it('ends an execution at 1,000 steps', () => {
    const def = flow([
      trigger('a'),
      {
        name: 'a',
        type: 'set-variables',
        properties: { variables: [{ key: 'n', value: 'a' }] },
        transitions: [{ event: 'next', next: 'b' }],
      },
      {
        name: 'b',
        type: 'set-variables',
        properties: { variables: [{ key: 'n', value: 'b' }] },
        transitions: [{ event: 'next', next: 'a' }],
      },
    ]);
    const { execution } = step(def, fresh(), start());
    expect(execution.endReason).toBe('the execution reached 1000 steps');
    expect(execution.steps).toBe(1001);
  });

  it('adds quick replies to the message attributes', () => {
    const def = flow([
      trigger('menu'),
      {
        name: 'menu',
        type: 'send-and-wait-for-reply',
        properties: { body: 'How can I help?', quick_replies: ['Track an order', 'Talk to a person'] },
        transitions: [],
      },
    ]);
    const { effects } = step(def, fresh(), start());
    expect(effects[0]).toMatchObject({
      attributes: { quickReplies: ['Track an order', 'Talk to a person'] },
    });
  });

  it('starts from a REST request with its parameters', () => {
    const def = flow([
      trigger('say'),
      {
        name: 'say',
        type: 'send-message',
        properties: { body: 'Your code is {{trigger.request.parameters.code}}' },
        transitions: [],
      },
    ]);
    const { effects } = step(def, fresh(), {
      type: 'start',
      trigger: 'incomingRequest',
      parameters: { code: '7781' },
    });
    expect(effects[0]).toMatchObject({ body: 'Your code is 7781' });
  });

  it('ignores input an execution is not waiting for', () => {
    const def = flow([
      trigger('get'),
      {
        name: 'get',
        type: 'make-http-request',
        properties: { method: 'GET', url: 'https://x' },
        transitions: [],
      },
    ]);
    const { execution } = step(def, fresh(), start());
    const ignored = step(def, execution, { kind: 'message', inbound: inbound('hello?') });
    expect(ignored.execution).toBe(execution);
    expect(ignored.effects).toEqual([]);
  });
});

describe('split conditions', () => {
  const cases: [string, string, string, boolean][] = [
    ['equal_to', 'Yes', 'yes', true],
    ['equal_to', 'yes please', 'yes', false],
    ['not_equal_to', 'no', 'yes', true],
    ['matches_any_of', 'Maybe', 'yes, maybe, no', true],
    ['matches_any_of', 'perhaps', 'yes, maybe, no', false],
    ['does_not_match_any_of', 'perhaps', 'yes,no', true],
    ['contains', 'I want a refund', 'REFUND', true],
    ['does_not_contain', 'hello', 'refund', true],
    ['starts_with', 'Order 123', 'order', true],
    ['does_not_start_with', 'Order 123', 'ship', true],
    ['is_blank', '   ', '', true],
    ['is_not_blank', 'x', '', true],
    ['regex', 'AB-1234', '^[A-Z]{2}-\\d{4}$', true],
    ['regex', ' ab-1234 ', '^[A-Z]{2}-\\d{4}$', true],
    ['regex', 'ab-1234', '(?-i)^[A-Z]{2}-\\d{4}$', false],
    ['regex', 'AB-12345', '^[A-Z]{2}-\\d{4}$', false],
    ['less_than', '9', '10', true],
    ['less_than', 'nine', '10', false],
    ['greater_than', '10.5', '10', true],
    ['is_before_time', '09:15', '17:00', true],
    ['is_before_time', '5:30 PM', '17:00', false],
    ['is_after_time', '5:30 PM', '17:00', true],
    ['is_after_time', 'closed', '17:00', false],
    ['is_before_date', '2024-12-23', '12/24/2024', true],
    ['is_after_date', '2024-12-23', '2024-12-24', false],
  ];
  it.each(cases)('%s("%s", "%s") is %s', (type, input, value, expected) => {
    expect(testCondition(type as never, input, value)).toBe(expected);
  });
  it('covers every Studio condition type', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(CONDITION_TYPES));
  });
});

describe('definition validation', () => {
  const messages = (def: unknown) => validateDefinition(def).map((p) => p.message);

  it('accepts a valid flow', () => {
    expect(
      validateDefinition(
        flow([trigger('a'), { name: 'a', type: 'send-message', properties: { body: 'x' }, transitions: [] }]),
      ),
    ).toEqual([]);
  });
  it('names an unknown next state', () => {
    expect(messages(flow([trigger('nowhere')]))).toContain(
      'state "Trigger" goes to "nowhere" on incomingMessage, and no state has that name',
    );
  });
  it('names a missing required property', () => {
    expect(
      messages(flow([trigger('a'), { name: 'a', type: 'send-message', properties: {}, transitions: [] }])),
    ).toContain('state "a" (send-message) is missing required property "body"');
  });
  it('names an unknown widget type, and lists the known ones once', () => {
    expect(
      messages(
        flow([
          trigger('a'),
          { name: 'a', type: 'fancy-widget', properties: {}, transitions: [{ event: 'next', next: 'b' }] },
          { name: 'b', type: 'other-widget', properties: {}, transitions: [] },
        ]),
      ),
    ).toEqual([
      'state "a" has unknown widget type "fancy-widget"',
      'state "b" has unknown widget type "other-widget"',
      expect.stringMatching(/^the widget types Parley runs are trigger, send-message, /),
    ]);
  });
  it('refuses voice-only and retired widgets by name, with the messaging widget to use', () => {
    const found = messages(
      flow([
        trigger('a'),
        { name: 'a', type: 'say-play', properties: {}, transitions: [{ event: 'audioComplete', next: 'b' }] },
        { name: 'b', type: 'send-to-auto-pilot', properties: {}, transitions: [] },
      ]),
    );
    expect(found).toContain(
      'state "a" is a say-play widget, which is voice-only: a chat has no call; use send-message instead',
    );
    expect(found).toContain(
      'state "b" is a send-to-auto-pilot widget, which is retired by Twilio; use make-http-request (to your bot service) or send-and-wait-for-reply instead',
    );
  });
  it('accepts a flow for calls and messages, warning of the widgets only a call reaches', () => {
    const callAndChat = (voiceFromChat: boolean) =>
      checkDefinition(
        flow([
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [
              { event: 'incomingMessage', next: voiceFromChat ? 'menu' : 'hello' },
              { event: 'incomingCall', next: 'menu' },
            ],
          },
          { name: 'hello', type: 'send-message', properties: { body: 'Hi' }, transitions: [] },
          {
            name: 'menu',
            type: 'gather-input-on-call',
            properties: {},
            transitions: [{ event: 'keypress', next: 'bot' }],
          },
          {
            name: 'bot',
            type: 'send-to-auto-pilot',
            properties: {},
            transitions: [{ event: 'sessionEnded', next: 'pay' }],
          },
          { name: 'pay', type: 'some-new-voice-widget', properties: {}, transitions: [] },
        ]),
      );
    const mixed = callAndChat(false);
    expect(mixed.errors).toEqual([]);
    expect(mixed.warnings.map((w) => [w.state, w.message])).toEqual([
      [
        'menu',
        'state "menu" is a gather-input-on-call widget; only the trigger\'s incomingCall leads to it, and chats never start with a call, so it never runs on Parley',
      ],
      ['bot', expect.stringContaining("is a send-to-auto-pilot widget; only the trigger's incomingCall")],
      ['pay', expect.stringContaining('is of type "some-new-voice-widget", which Parley does not run; only')],
    ]);
    // Once a message can lead there, the widgets are refused as in any chat flow.
    expect(callAndChat(true).errors.map((e) => e.state)).toEqual(['menu', 'bot', 'pay', null]);
  });
  it('refuses a voice flow, whose trigger leads nowhere but from a call', () => {
    const voice = checkDefinition(
      flow([
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingCall', next: 'say' }],
        },
        { name: 'say', type: 'say-play', properties: {}, transitions: [] },
      ]),
    );
    expect(voice.errors.map((e) => e.message)).toEqual([
      'state "say" is a say-play widget, which is voice-only: a chat has no call; use send-message instead',
      expect.stringMatching(/^the widget types Parley runs are /),
    ]);
  });
  it('names an old Studio export format by its widget types', () => {
    const found = messages(
      flow([
        {
          name: 'Trigger',
          type: 'InitialState',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'v' }],
        },
        { name: 'v', type: 'SetVariables', properties: {}, transitions: [] },
      ]),
    );
    expect(found.at(-1)).toMatch(
      /^types such as "InitialState" or "SetVariables" are from an old Studio export format: export the flow again/,
    );
  });
  it('warns of an unreachable state, and still accepts the flow', () => {
    const check = checkDefinition(
      flow([
        trigger('a'),
        { name: 'a', type: 'send-message', properties: { body: 'x' }, transitions: [] },
        { name: 'orphan', type: 'send-message', properties: { body: 'y' }, transitions: [] },
      ]),
    );
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.message)).toEqual([
      'state "orphan" is unreachable: no transition leads to it from "Trigger" (it never runs)',
    ]);
  });
  it('names duplicate state names', () => {
    expect(
      messages(
        flow([
          trigger('a'),
          { name: 'a', type: 'send-message', properties: { body: 'x' }, transitions: [] },
          { name: 'a', type: 'send-message', properties: { body: 'y' }, transitions: [] },
        ]),
      ),
    ).toContain('2 states are named "a": give each state its own name');
  });
  it('refuses an unknown condition type and a bad regex', () => {
    const problems = messages(
      flow([
        trigger('s'),
        {
          name: 's',
          type: 'split-based-on',
          properties: { input: 'x' },
          transitions: [
            { event: 'match', next: 's', conditions: [{ type: 'fuzzy' as never, value: 'x' }] },
            { event: 'match', next: 's', conditions: [{ type: 'regex', value: '(' }] },
          ],
        },
      ]),
    );
    expect(problems.some((m) => m.includes('unknown type "fuzzy"'))).toBe(true);
    expect(problems.some((m) => m.startsWith('state "s": the regex condition /(/ cannot run'))).toBe(true);
  });
  it('refuses what is not a definition at all', () => {
    expect(messages('nope')).toEqual(['the definition must be a JSON object with initial_state and states']);
    expect(messages({ initial_state: 'x', states: [] })).toContain(
      'states must be a non-empty array of {name, type, properties, transitions}',
    );
  });
});
