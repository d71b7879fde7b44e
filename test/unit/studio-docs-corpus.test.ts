/**
 * Flows written as Twilio Studio exports them (test/fixtures/flows/studio-docs: Flex's default
 * Messaging Flow, a webchat intake with a spare widget, every split operator, Liquid, a survey,
 * a WhatsApp Conversations flow with a content template, a voice line), checked as
 * `parley flows check` reports them and run through the engine with the outcomes Studio's
 * widget and Liquid references document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition, type FlowDefinition } from '../../server/core/bot/definition.ts';
import { readDefinition } from '../../server/core/bot/definition-input.ts';
import { type EngineEvent, newExecution, step } from '../../server/core/bot/engine.ts';
import type { Effect, InboundMessage } from '../../server/core/bot/widgets/types.ts';
import { compatibilityReport } from '../../server/flows-cli.ts';

const DIR = join(import.meta.dirname, '../fixtures/flows/studio-docs');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

function load(file: string): FlowDefinition {
  const read = readDefinition(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
  if (read.problem !== undefined) throw new Error(read.problem);
  return read.definition as FlowDefinition;
}

const message = (Body: string, attributes: Record<string, unknown> = {}): InboundMessage => ({
  Body,
  From: 'visitor-7',
  ChannelSid: 'CH0001',
  MessageSid: 'IM0001',
  ChannelAttributes: { from: 'dana', channel_type: 'web', ...attributes },
});

const fresh = () =>
  newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'visitor-7' }, flow_sid: 'FW0001' },
    contact: { identity: 'visitor-7', friendlyName: 'Dana', channel: { address: 'visitor-7' } },
  });

/**
 * Runs `definition` from `first`, answering its effects as a working server would (messages
 * sent, a task created), and feeding `script` to its waits: text is the visitor's reply,
 * `'timeout'` fires the wait's timeout.
 */
type Answers = Partial<Record<Effect['type'], { outcome: string; outputs: Record<string, unknown> }>>;

function drive(definition: FlowDefinition, first: EngineEvent, script: string[] = [], answers: Answers = {}) {
  let { execution, effects } = step(definition, fresh(), first);
  const all: Effect[] = [...effects];
  while (execution.status === 'active' && execution.waiting) {
    const wait = effects.find((e) => e.type === 'scheduleTimeout');
    let event: EngineEvent;
    if (wait) {
      const next = script.shift();
      if (next === undefined) break;
      event =
        next === 'timeout'
          ? { kind: 'timeout', waitId: wait.waitId }
          : { kind: 'message', inbound: message(next) };
    } else {
      const answer = effects.map((e) => answers[e.type]).find(Boolean);
      const outcome = effects.some((e) => e.type === 'sendToFlex') ? 'callComplete' : 'sent';
      event = { kind: 'effect', outcome, outputs: {}, ...answer };
    }
    ({ execution, effects } = step(definition, execution, event));
    all.push(...effects);
  }
  const sent = all.flatMap((e) => (e.type === 'sendMessage' ? [e.body] : []));
  const task = all.find((e) => e.type === 'sendToFlex');
  return { execution, effects: all, sent, task };
}

const fromMessage = (body: string, attributes?: Record<string, unknown>): EngineEvent => ({
  type: 'start',
  trigger: 'incomingMessage',
  message: message(body, attributes),
});

describe('the Studio-docs corpus as `parley flows check` reports it', () => {
  it('runs every messaging flow and refuses the voice line by name, widget by widget', async () => {
    const { text, runs, total } = await compatibilityReport(FILES.map((f) => join(DIR, f)));
    expect(total).toBe(FILES.length);
    expect(runs).toBe(FILES.length - 1);
    expect(text).toContain(`${runs} of ${total} flows run on Parley.`);
    for (const state of ['gather_menu', 'enqueue_support', 'voicemail', 'say_goodbye'])
      expect(text).toMatch(new RegExp(`state "${state}" is an? [\\w-]+ widget, which is voice-only`));
    expect(text.match(/the widget types Parley runs are/g)).toHaveLength(1);
    expect(text).toContain('state "send_message_1" is unreachable');
    // A Function of the account the flow came from: a warning that says how to bring it here.
    expect(text).toContain('state "check_hours" calls the Function "check-hours", which does not exist here');
  });

  it('validates each messaging flow with no errors, and warns only of what Parley does differently', () => {
    const warnings = new Map<string, string[]>();
    for (const file of FILES.filter((f) => !f.startsWith('voice-'))) {
      const check = checkDefinition(load(file));
      expect(check.errors, file).toEqual([]);
      warnings.set(
        file,
        check.warnings.map((w) => w.state ?? ''),
      );
    }
    expect(warnings.get('flex-messaging-flow.json')).toEqual([]);
    expect(warnings.get('every-split-operator.json')).toEqual([]);
    expect(warnings.get('liquid-filters.json')).toEqual([]);
    expect(warnings.get('survey.json')).toEqual([]);
    expect(warnings.get('order-status.json')).toEqual([]);
    expect(warnings.get('webchat-intake.json')).toEqual(['send_message_1']);
    expect(warnings.get('whatsapp-conversations.json')).toEqual(['menu', 'alert_manager']);
  });
});

describe('Flex’s default Messaging Flow', () => {
  it('creates the task with Flex’s default attributes read from the channel', () => {
    const { task, execution } = drive(load('flex-messaging-flow.json'), fromMessage('hello'));
    expect(task).toMatchObject({
      workflow: 'WW3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f',
      attributes: { name: 'dana', channelType: 'web', channelSid: 'CH0001' },
    });
    expect(execution.status).toBe('ended');
  });
});

describe('a webchat intake exported with Twilio’s CLI', () => {
  const flow = load('webchat-intake.json');

  it('greets by the pre-engagement name, falling back to the channel’s from', () => {
    const named = drive(flow, fromMessage('hi', { pre_engagement_data: { friendlyName: 'Dana Scully' } }));
    expect(named.sent[0]).toBe('Hi Dana Scully! What can we help you with? Reply AGENT to talk to a person.');
    expect(drive(flow, fromMessage('hi')).sent[0]).toMatch(/^Hi dana! /);
  });

  it('routes matches_any_of without regard to case, contains, and noMatch, into the task’s attributes', () => {
    const agent = drive(flow, fromMessage('hi'), ['  Agent ']);
    expect(agent.task?.attributes).toMatchObject({ topic: 'agent', question: null, channelType: 'web' });
    const order = drive(flow, fromMessage('hi'), [
      'Where is my ORDER 12345? It was due last Tuesday at noon',
    ]);
    expect(order.task?.attributes).toMatchObject({
      topic: 'orders',
      question: 'Where is my ORDER 12345? It was due l...',
    });
    expect(drive(flow, fromMessage('hi'), ['hello']).task?.attributes).toMatchObject({ topic: 'general' });
  });

  it('says goodbye when the wait times out, and never runs the spare widget', () => {
    const { sent, execution } = drive(flow, fromMessage('hi'), ['timeout']);
    expect(sent.at(-1)).toBe("We haven't heard from you, so we're closing this chat. Write again any time.");
    expect(execution.log.map((s) => s.state)).not.toContain('send_message_1');
  });
});

describe('every Split Based On operator', () => {
  const flow = load('every-split-operator.json');
  const matched = (parameters: Record<string, string>) =>
    drive(flow, { type: 'start', trigger: 'incomingRequest', parameters })
      .execution.log.filter((s) => s.event === 'match')
      .map((s) => s.state.replace('split_', ''));

  it('holds as Studio documents: case-blind text, comma lists, numbers as numbers, times and dates', () => {
    expect(
      matched({ text: 'Yes please', optional: '', number: '42', time: '16:45', date: '2024-12-23' }),
    ).toEqual([
      'equal_to',
      'not_equal_to',
      'matches_any_of',
      'does_not_match_any_of',
      'is_blank',
      'regex',
      'contains',
      'does_not_contain',
      'starts_with',
      'does_not_start_with',
      'less_than',
      'greater_than',
      'is_before_time',
      'is_before_date',
    ]);
    expect(
      matched({ text: 'no', optional: 'x', number: '150', time: '6:30 PM', date: '2025-01-02' }),
    ).toEqual(['is_not_blank', 'greater_than', 'is_after_time', 'is_after_date']);
  });

  it('holds no time or date condition for text that is neither', () => {
    const held = matched({ text: 'x', optional: 'x', number: 'x', time: 'soon', date: 'someday' });
    expect(held.filter((op) => /time|date|than/.test(op))).toEqual([]);
  });
});

describe('Liquid as Studio documents it', () => {
  it('renders filters, tags, whitespace control, a Parse-as-JSON variable, and loops of at most 15', () => {
    const { sent } = drive(load('liquid-filters.json'), fromMessage(' a12 '));
    const year = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      year: 'numeric',
    }).format(new Date());
    expect(sent).toEqual([
      [
        'Hi Dana!',
        'Order A-A12: tea + cake (2 items, 3 each, 3.5 exactly)',
        'Colours: 1.RED 2.GREEN 3.BLUE',
        // `count` is set to 3 unquoted: a number, which `{% when "3" %}` (text) does not match.
        'other / 4 / n/a / 01',
        'https://shop.example.com/track?q=A-A12+now',
        '{"id":"A-A12","items":["tea","cake"],"total":7} null',
        'At most 15: 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15',
        'Big order',
        `Year ${year}`,
      ].join('\n'),
    ]);
  });
});

describe('a survey with media, attributes and a timed wait', () => {
  const flow = load('survey.json');

  it('sends the media and attributes, then thanks by the rating', () => {
    const { effects, sent } = drive(flow, fromMessage('done'), ['4']);
    expect(effects.find((e) => e.type === 'sendMessage')).toMatchObject({
      body: 'Thanks for chatting with Northwind, Dana.',
      mediaUrl: 'https://cdn.example.com/northwind/thanks.png',
      attributes: { survey: true, channel: 'CH0001' },
    });
    expect(effects.find((e) => e.type === 'scheduleTimeout')).toMatchObject({ seconds: 600 });
    expect(sent.at(-1)).toBe('4 stars, thank you!');
  });

  it('asks again for a rating out of range, and takes the low ones apart', () => {
    const { sent } = drive(flow, fromMessage('done'), ['7', ' 2 ']);
    expect(sent.slice(1)).toEqual([
      'How did we do, from 1 (poor) to 5 (great)?',
      'Please answer with a number from 1 to 5.',
      'How did we do, from 1 (poor) to 5 (great)?',
      'Sorry to hear that. A manager will read your chat.',
    ]);
  });

  it('says goodbye on the timeout', () => {
    expect(drive(flow, fromMessage('done'), ['timeout']).sent.at(-1)).toBe('No problem, have a good day.');
  });
});

describe('a WhatsApp Conversations flow', () => {
  const flow = load('whatsapp-conversations.json');

  it('starts on incomingConversationMessage and falls back from the content template to text', () => {
    const { sent, effects, execution } = drive(flow, fromMessage('hola'));
    expect(sent).toEqual(['Reply 1 for opening hours, 2 to talk to someone.']);
    // Studio exports an unset timeout as "": the default hour.
    expect(effects.find((e) => e.type === 'scheduleTimeout')).toMatchObject({ seconds: 3600 });
    const menu = execution.log.find((s) => s.state === 'menu');
    expect(menu).toMatchObject({ event: 'deliveryFailure' });
    expect(menu?.error).toContain('content template');
  });

  it('fails a message addressed to someone else and goes on along failed', () => {
    const { sent, execution } = drive(flow, fromMessage('hola'), ['2']);
    expect(sent.at(-1)).toBe('Someone from our team will write to you here shortly.');
    expect(sent).not.toContain('A WhatsApp customer asked for a person.');
    expect(execution.log.find((s) => s.state === 'alert_manager')).toMatchObject({ event: 'failed' });
    expect(drive(flow, fromMessage('hola'), ['1']).sent.at(-1)).toBe(
      "We're open 9:00-17:00, Monday to Friday.",
    );
  });
});

describe('an order-status flow with a Function and an HTTP request', () => {
  const flow = load('order-status.json');
  const open = { outcome: 'success', outputs: { status_code: 200, parsed: { open: true } } };
  const order = (parsed: Record<string, unknown>) => ({
    runFunction: open,
    httpRequest: { outcome: 'success', outputs: { status_code: 200, parsed } },
  });

  it('posts the parameters to the Function and calls the API with the encoded reply', () => {
    const { effects, sent } = drive(flow, fromMessage('where is it?'), [' 10 042 '], {
      ...order({ id: '10042', status: 'shipped', items: [1, 2, 3], eta: '2024-12-27' }),
    });
    expect(effects.find((e) => e.type === 'runFunction')).toMatchObject({
      url: 'https://northwind-support-4821-dev.twil.io/check-hours',
      parameters: { name: 'dana', team: 'support' },
    });
    expect(effects.find((e) => e.type === 'httpRequest')).toMatchObject({
      method: 'GET',
      url: 'https://api.northwind.example/orders/10+042',
    });
    expect(sent.at(-1)).toBe('Order 10042 (3 items) arrives Friday December 27.');
  });

  it('takes noMatch for a status outside the list, and failed for an API error', () => {
    const processing = drive(
      flow,
      fromMessage('hi'),
      ['10042'],
      order({ id: '10042', status: 'being_packed' }),
    );
    expect(processing.sent.at(-1)).toBe('Order 10042 is being packed.');
    const missing = drive(flow, fromMessage('hi'), ['999'], {
      runFunction: open,
      httpRequest: { outcome: 'failed', outputs: { status_code: 404 } },
    });
    expect(missing.sent.at(-1)).toBe("We couldn't find order 999 (404).");
  });

  it('tells when the team opens, in Pacific time, when the Function says it is closed', () => {
    const { sent } = drive(flow, fromMessage('hi'), [], {
      runFunction: {
        outcome: 'success',
        outputs: { parsed: { open: false, opens_at: '2024-12-26T17:00:00Z' } },
      },
    });
    expect(sent).toEqual(["We're closed right now. We open again Thursday at 9 AM."]);
  });
});
