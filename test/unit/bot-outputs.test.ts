/**
 * What the messaging widgets leave at `widgets.NAME.*` for the widgets after them, as Twilio
 * documents Send Message's and Send & Wait For Reply's variables: `outbound.Body`, `.To`,
 * `.From` and `.Sid`, and the reply at `inbound`.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../server/core/bot/definition.ts';
import { type EngineEvent, newExecution, step } from '../../server/core/bot/engine.ts';
import type { InboundMessage } from '../../server/core/bot/widgets/types.ts';

const inbound = (Body: string): InboundMessage => ({
  Body,
  From: 'visitor-1',
  To: 'northwind-web',
  ChannelSid: 'CH1',
  MessageSid: 'IM1',
  ChannelAttributes: {},
});

const fresh = () =>
  newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'northwind-web' }, flow_sid: 'FW1' },
    contact: { identity: 'visitor-1', channel: { address: 'visitor-1' } },
  });

const start: EngineEvent = { type: 'start', trigger: 'incomingMessage', message: inbound('hi') };

/** Trigger → ask (a question) → after (a message that shows `report`). */
const asking = (report: string, ask: Record<string, unknown> = {}): FlowDefinition => ({
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'ask' }],
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Your name?', timeout: '60', ...ask },
      transitions: [
        { event: 'incomingMessage', next: 'after' },
        { event: 'timeout', next: 'after' },
      ],
    },
    { name: 'after', type: 'send-message', properties: { body: report }, transitions: [{ event: 'sent' }] },
  ],
});

const bodyOf = (effects: ReturnType<typeof step>['effects']) =>
  effects.find((effect) => effect.type === 'sendMessage')?.body;

describe('send-and-wait-for-reply', () => {
  it('keeps what it sent at widgets.NAME.outbound while it waits, and the reply beside it', () => {
    const definition = asking(
      '{{widgets.ask.outbound.Body}} {{widgets.ask.outbound.To}} {{widgets.ask.outbound.From}} {{widgets.ask.outbound.Sid}} / {{widgets.ask.inbound.Body}}',
    );
    const waiting = step(definition, fresh(), start).execution;
    expect(waiting.context.widgets.ask).toEqual({
      outbound: { Body: 'Your name?', To: 'visitor-1', From: 'northwind-web' },
    });
    const answered = step(definition, waiting, {
      kind: 'message',
      inbound: inbound('Robin'),
      sent: { Sid: 'IMasked' },
    });
    expect(bodyOf(answered.effects)).toBe('Your name? visitor-1 northwind-web IMasked / Robin');
    expect(answered.execution.context.widgets.ask).toMatchObject({
      outbound: { Body: 'Your name?', Sid: 'IMasked' },
      inbound: { Body: 'Robin', MessageSid: 'IM1' },
    });
  });

  it('has the sid of what it sent after a timeout too, and no reply', () => {
    const definition = asking('[{{widgets.ask.outbound.Sid}}] [{{widgets.ask.inbound.Body}}]');
    const waiting = step(definition, fresh(), start).execution;
    const { effects } = step(definition, waiting, {
      kind: 'timeout',
      waitId: waiting.waiting?.waitId ?? '',
      sent: { Sid: 'IMasked' },
    });
    expect(bodyOf(effects)).toBe('[IMasked] []');
  });

  it('names the rendered "to" as outbound.To, and sets no Status it does not have', () => {
    const definition = asking('{{widgets.ask.outbound.To}} [{{widgets.ask.outbound.Status}}]', {
      to: '{{trigger.message.From}}',
    });
    const waiting = step(definition, fresh(), start).execution;
    const { effects } = step(definition, waiting, { kind: 'message', inbound: inbound('Robin') });
    expect(bodyOf(effects)).toBe('visitor-1 []');
  });
});

describe('send-message', () => {
  it('leaves Body and Sid at widgets.NAME and, as Studio documents them, at widgets.NAME.outbound', () => {
    const definition: FlowDefinition = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'hello' }],
        },
        {
          name: 'hello',
          type: 'send-message',
          properties: { body: 'Hello!', to: '{{contact.channel.address}}' },
          transitions: [{ event: 'sent', next: 'after' }],
        },
        {
          name: 'after',
          type: 'send-message',
          properties: {
            body: '{{widgets.hello.Body}} {{widgets.hello.Sid}} | {{widgets.hello.outbound.Body}} {{widgets.hello.outbound.Sid}} {{widgets.hello.outbound.To}} {{widgets.hello.outbound.From}}',
          },
          transitions: [{ event: 'sent' }],
        },
      ],
    };
    const sending = step(definition, fresh(), start).execution;
    const { effects } = step(definition, sending, {
      kind: 'effect',
      outcome: 'sent',
      outputs: { Body: 'Hello!', Sid: 'IMhello' },
    });
    expect(bodyOf(effects)).toBe('Hello! IMhello | Hello! IMhello visitor-1 northwind-web');
  });
});
