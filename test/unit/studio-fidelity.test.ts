/**
 * Where Parley follows Twilio's documentation of Studio rather than its own reading: Liquid's
 * dates, division and operators, Set Variables' "Parse as JSON object" and numbers, the
 * messaging widgets' addressing and content templates, and what validation says of each.
 */
import { describe, expect, it } from 'vitest';
import { testCondition } from '../../server/core/bot/conditions.ts';
import { checkDefinition, type FlowDefinition } from '../../server/core/bot/definition.ts';
import { newExecution, step } from '../../server/core/bot/engine.ts';
import { render, renderValue } from '../../server/core/bot/templates.ts';

const flow = (states: FlowDefinition['states']): FlowDefinition => ({
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'a' }],
    },
    ...states,
  ],
});

const start = (definition: FlowDefinition) =>
  step(
    definition,
    newExecution({
      trigger: {},
      widgets: { api: { parsed: { order: { id: 'A1', lines: [1, 2] } } } },
      flow: { variables: {}, channel: { address: 'visitor-1' }, flow_sid: 'FW1' },
      contact: { identity: 'visitor-1', channel: { address: 'visitor-1' } },
    }),
    {
      type: 'start',
      trigger: 'incomingMessage',
      message: { Body: 'hi', From: 'visitor-1', ChannelSid: 'CH1', MessageSid: 'IM1', ChannelAttributes: {} },
    },
  );

describe('Liquid as Studio renders it', () => {
  it('reads a date without a zone as a wall time in Pacific time, whatever the server’s zone', () => {
    expect(render('{{ "2024-01-15" | date: "%b %d, %Y" }}', {})).toBe('Jan 15, 2024');
    expect(render('{{ "2024-07-04 23:30" | date: "%H:%M %z" }}', {})).toBe('23:30 -0700');
    expect(render('{{ "2024-07-04T10:00:00Z" | date: "%H:%M" }}', {})).toBe('03:00');
    expect(render('{{ "2024-07-04T10:00:00Z" | date: "%H:%M", "Europe/Paris" }}', {})).toBe('12:00');
  });

  it('prints the zone’s abbreviation for %Z, as Ruby’s strftime does', () => {
    expect(render('{{ "2024-07-04 23:30" | date: "%H:%M %Z" }}', {})).toBe('23:30 PDT');
    expect(render('{{ "2024-01-15 09:00" | date: "%H:%M %Z (%z)" }}', {})).toBe('09:00 PST (-0800)');
    expect(render('{{ "2024-07-04T10:00:00Z" | date: "%H:%M %Z", "Europe/Paris" }}', {})).toBe('12:00 CEST');
    expect(render('{{ 1700000000 | date: "%Z %%Z" }}', {})).toBe('PST %Z');
  });

  it('divides integers as integers, and anything with a fraction exactly', () => {
    expect(render('{{ 7 | divided_by: 2 }} {{ "7" | divided_by: 2 }} {{ 7 | divided_by: 2.0 }}', {})).toBe(
      '3 3 3.5',
    );
    expect(() => render('{{ 7 | divided_by: 0 }}', {})).toThrow(/render/);
  });

  it('has Shopify’s <> operator', () => {
    expect(render('{% if 1 <> 2 %}differ{% endif %}', {})).toBe('differ');
  });

  it('gives the value a lone expression names, for Parse as JSON object', () => {
    const scope = { widgets: { api: { parsed: { id: 'A1' } } }, text: '{"a": [1]}' };
    expect(renderValue('{{ widgets.api.parsed }}', scope)).toEqual({ id: 'A1' });
    expect(renderValue('{{ text }}', scope)).toEqual({ a: [1] });
    expect(renderValue('{"id": "{{ widgets.api.parsed.id }}"}', scope)).toEqual({ id: 'A1' });
    expect(renderValue('not json {{ text }}', scope)).toBe('not json {"a": [1]}');
  });
});

describe('set-variables', () => {
  it('keeps a "type": "object" value as the object, and a string one as text or a number, at flow.variables and widgets.NAME', () => {
    const { execution } = start(
      flow([
        {
          name: 'a',
          type: 'set-variables',
          properties: {
            variables: [
              { key: 'order', type: 'object', value: '{{ widgets.api.parsed.order }}' },
              { key: 'first', type: 'string', value: '{{ flow.variables.order.lines | first }}' },
              { key: 'text', type: 'string', value: '{{ widgets.api.parsed.order.id }}' },
              { key: 'json', type: 'json', value: '{"n": {{ flow.variables.order.lines | size }}}' },
            ],
          },
          transitions: [{ event: 'next' }],
        },
      ]),
    );
    expect(execution.context.flow.variables).toEqual({
      order: { id: 'A1', lines: [1, 2] },
      first: 1,
      text: 'A1',
      json: { n: 2 },
    });
    // Exported flows read them at widgets.NAME.KEY too (`{{widgets.set_variables_1.Name}}`).
    expect(execution.context.widgets.a).toMatchObject({ order: { id: 'A1', lines: [1, 2] }, text: 'A1' });
  });

  it('keeps a value that is a number unquoted as a number, so Liquid compares it as one', () => {
    const { execution, effects } = start(
      flow([
        {
          name: 'a',
          type: 'set-variables',
          properties: {
            variables: [
              { key: 'count', type: 'string', value: '5' },
              { key: 'ten', value: '10' },
              { key: 'nine', value: '9' },
              { key: 'next', value: '{{ flow.variables.count | plus: 1 }}' },
              { key: 'quoted', value: '"5"' },
              { key: 'said', value: '{{ trigger.message.Body }}' },
              { key: 'zip', value: '02134' },
            ],
          },
          transitions: [{ event: 'next', next: 'b' }],
        },
        {
          name: 'b',
          type: 'send-message',
          properties: {
            body: '{% if flow.variables.count == 5 %}five{% endif %} {% if flow.variables.ten > flow.variables.nine %}10>9{% endif %} {{ flow.variables.next }} {{ flow.variables.quoted }} {{ flow.variables.zip }}',
          },
          transitions: [{ event: 'sent' }],
        },
      ]),
    );
    // Twilio: numeric unless in quotation marks; a message's text stays text, as does a number
    // that would not render back the same (`02134`).
    expect(execution.context.flow.variables).toEqual({
      count: 5,
      ten: 10,
      nine: 9,
      next: 6,
      quoted: '"5"',
      said: 'hi',
      zip: '02134',
    });
    expect(effects[0]).toMatchObject({ type: 'sendMessage', body: 'five 10>9 6 "5" 02134' });
  });

  it('counts with {{ flow.variables.count | plus: 1 }} and splits on the count as text', () => {
    const definition: FlowDefinition = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'count' }],
        },
        {
          name: 'count',
          type: 'set-variables',
          properties: { variables: [{ key: 'count', value: '{{ flow.variables.count | plus: 1 }}' }] },
          transitions: [{ event: 'next', next: 'enough' }],
        },
        {
          name: 'enough',
          type: 'split-based-on',
          properties: { input: '{{ flow.variables.count }}' },
          transitions: [
            { event: 'noMatch', next: 'count' },
            {
              event: 'match',
              next: 'done',
              conditions: [{ friendly_name: '3', arguments: [], type: 'equal_to', value: '3' }],
            },
          ],
        },
        {
          name: 'done',
          type: 'send-message',
          properties: { body: 'Counted to {{ flow.variables.count }}' },
          transitions: [{ event: 'sent' }],
        },
      ],
    };
    const { execution, effects } = start(definition);
    expect(execution.context.flow.variables.count).toBe(3);
    expect(effects[0]).toMatchObject({ type: 'sendMessage', body: 'Counted to 3' });
  });
});

describe('send-message and send-and-wait-for-reply', () => {
  it('accept a content template without body, with a warning, and take their failure event', () => {
    const definition = flow([
      {
        name: 'a',
        type: 'send-message',
        properties: {
          message_type: 'content_template',
          content_sid: 'HX123',
          from: '{{flow.channel.address}}',
        },
        transitions: [{ event: 'sent' }, { event: 'failed', next: 'b' }],
      },
      {
        name: 'b',
        type: 'send-message',
        properties: { body: 'Menu: 1 hours, 2 a person' },
        transitions: [{ event: 'sent' }, { event: 'failed' }],
      },
    ]);
    const check = checkDefinition(definition);
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^state "a": sends the content template HX123, .* takes failed until you give it a "body"/,
      ),
    ]);
    const { execution, effects } = start(definition);
    expect(execution.log[1]).toMatchObject({ state: 'a', event: 'failed' });
    expect(effects).toEqual([
      expect.objectContaining({ type: 'sendMessage', body: 'Menu: 1 hours, 2 a person' }),
    ]);
  });

  it('still name a missing body when there is no content template', () => {
    const { errors } = checkDefinition(
      flow([{ name: 'a', type: 'send-and-wait-for-reply', properties: { timeout: '' }, transitions: [] }]),
    );
    expect(errors.map((e) => e.message)).toEqual([
      'state "a" (send-and-wait-for-reply) is missing required property "body"',
    ]);
  });

  it('send to the customer and fail a message whose "to" is anyone else', () => {
    const to = (address: string) =>
      start(
        flow([
          {
            name: 'a',
            type: 'send-message',
            properties: { body: 'hello', to: address },
            transitions: [{ event: 'sent' }, { event: 'failed' }],
          },
        ]),
      );
    expect(to('{{contact.channel.address}}').effects).toHaveLength(1);
    const other = to('+15005550006');
    expect(other.effects).toEqual([]);
    expect(other.execution.log[1]).toMatchObject({ state: 'a', event: 'failed' });
    expect(other.execution.log[1]?.error).not.toContain('15005550006');
  });
});

describe('validation of what Studio exports', () => {
  it('refuses a state without a transitions list, saying what to add', () => {
    const { errors } = checkDefinition({
      initial_state: 'Trigger',
      states: [{ name: 'Trigger', type: 'trigger', properties: {} }],
    });
    expect(errors).toEqual([
      expect.objectContaining({
        state: 'Trigger',
        field: 'transitions',
        message: expect.stringContaining('add "transitions": []'),
      }),
    ]);
  });

  it('warns of a time or date condition whose value is neither', () => {
    const { errors, warnings } = checkDefinition(
      flow([
        {
          name: 'a',
          type: 'split-based-on',
          properties: { input: '{{ "now" | date: "%H:%M" }}' },
          transitions: [
            { event: 'noMatch' },
            { event: 'match', conditions: [{ type: 'is_before_time', value: 'noon' }] },
            { event: 'match', conditions: [{ type: 'is_after_date', value: '{{ flow.variables.day }}' }] },
          ],
        },
      ]),
    );
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([
      'state "a": the is_before_time condition compares with "noon", which is not a time of day (e.g. 17:00 or 5:00 PM), so it never holds',
    ]);
    expect(testCondition('is_before_time', '11:59', '12:00 PM')).toBe(true);
    expect(testCondition('is_after_time', '1730', '17:00')).toBe(true);
    expect(testCondition('is_before_time', '2024-12-24 09:30', '10:00')).toBe(true);
  });
});
