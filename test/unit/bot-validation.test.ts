/**
 * Validation of definitions as real tools send them: templates compiled with the state and the
 * field named, structural problems named by index or by `next`, JSON text with line and column,
 * and no Liquid tag that reads the server's files.
 */
import { describe, expect, it } from 'vitest';
import { checkDefinition, type FlowDefinition } from '../../server/core/bot/definition.ts';
import { readDefinition } from '../../server/core/bot/definition-input.ts';
import { render } from '../../server/core/bot/templates.ts';

const trigger = {
  name: 'Trigger',
  type: 'trigger',
  properties: {},
  transitions: [{ event: 'incomingMessage', next: 'hello' }],
};
const withHello = (properties: Record<string, unknown>, transitions: unknown[] = []) =>
  ({
    initial_state: 'Trigger',
    states: [trigger, { name: 'hello', type: 'send-message', properties, transitions }],
  }) as FlowDefinition;

describe('templates at validation', () => {
  it('refuses an unknown filter, an unknown tag and broken syntax, naming the state and the field', () => {
    const unknownFilter = checkDefinition(withHello({ body: '{{ trigger.message.Body | shout }}' })).errors;
    expect(unknownFilter).toEqual([
      {
        state: 'hello',
        field: 'properties.body',
        message: expect.stringMatching(
          /^state "hello": properties\.body template failed \(syntax\): undefined filter: shout/,
        ),
      },
    ]);
    const unknownTag = checkDefinition(withHello({ body: 'x', attributes: '{% fetch "a" %}' })).errors;
    expect(unknownTag[0]).toMatchObject({
      field: 'properties.attributes',
      message: expect.stringContaining('tag "fetch" not found'),
    });
    const broken = checkDefinition(withHello({ body: '{% if %}x{% endif %}' })).errors;
    expect(broken[0]).toMatchObject({ state: 'hello', field: 'properties.body' });
  });

  it('checks condition values and nested properties too', () => {
    const flow = {
      initial_state: 'Trigger',
      states: [
        { ...trigger, transitions: [{ event: 'incomingMessage', next: 'split' }] },
        {
          name: 'split',
          type: 'split-based-on',
          properties: { input: '{{ trigger.message.Body }}' },
          transitions: [
            { event: 'noMatch' },
            { event: 'match', conditions: [{ type: 'equal_to', value: '{{ flow.variables.x | nope }}' }] },
          ],
        },
      ],
    };
    expect(checkDefinition(flow).errors.map((e) => e.field)).toEqual(['transitions[1].conditions[0].value']);
  });

  it('warns of variables that can only render empty, and not of the ones Studio has', () => {
    const { errors, warnings } = checkDefinition(
      withHello({
        body: '{% assign n = widgets.hello.Sid %}{{ n }} {{ flow.varibles.x }} {{ widgets.nobody.Body }} {{ trigger.mesage.Body }} {{ customer.name }} {{ flow.data.a }} {{ contact.friendlyName }} {{ trigger.conversation.Body }}',
      }),
    );
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(4);
    expect(new Set(warnings.map((w) => w.message))).toEqual(
      new Set([
        'state "hello": properties.body reads {{ flow.varibles.x }}, which renders empty: flow has no "varibles" (it has variables, data, channel, flow_sid, sid)',
        'state "hello": properties.body reads {{ widgets.nobody.Body }}, which renders empty: no state is named "nobody" (a subflow may read its parent\'s widgets)',
        'state "hello": properties.body reads {{ trigger.mesage.Body }}, which renders empty: trigger has no "mesage" (it has message, conversation, request, call, parent)',
        'state "hello": properties.body reads {{ customer.name }}, which renders empty: "customer" is not a variable Studio has (trigger, widgets, flow, contact)',
      ]),
    );
  });

  it('has no tag that reads files from the server’s disk', () => {
    for (const tag of ['include', 'render', 'layout']) {
      expect(() => render(`{% ${tag} "package.json" %}`, {})).toThrow(/template failed \(syntax\)/);
      expect(checkDefinition(withHello({ body: `{% ${tag} "package.json" %}` })).errors).toHaveLength(1);
    }
  });
});

describe('the shape of a definition', () => {
  it('names a state without name or type by its index, and a transition without event by its next', () => {
    const problems = checkDefinition({
      initial_state: 'Trigger',
      states: [
        trigger,
        { type: 'send-message', properties: { body: 'x' }, transitions: [] },
        { name: 'hello', properties: { body: 'x' }, transitions: [] },
        { name: 'bye', type: 'send-message', properties: { body: 'x' }, transitions: [{ next: 'hello' }] },
      ],
    }).errors;
    expect(problems).toEqual([
      {
        state: null,
        field: 'states[1].name',
        message:
          'states[1] (a send-message widget) has no name: add "name", a text the transitions can point to',
      },
      {
        state: 'hello',
        field: 'states[2].type',
        message: 'states[2] ("hello") has no type: add "type", e.g. "send-message"',
      },
      {
        state: 'bye',
        field: 'transitions[0]',
        message: 'state "bye" has a transition to "hello" without an event: add "event", one of sent, failed',
      },
    ]);
  });

  it('reads JSON text, an exported flow and the Twilio CLI’s list, and places broken JSON', () => {
    const definition = withHello({ body: 'x' });
    expect(readDefinition(JSON.stringify(definition))).toEqual({ definition });
    expect(readDefinition({ sid: 'FW1', friendlyName: 'x', definition })).toEqual({ definition });
    expect(readDefinition([{ sid: 'FW1', definition: JSON.stringify(definition) }])).toEqual({ definition });
    expect(readDefinition('{\n  "initial_state": "Trigger",\n  "states": [,]\n}')).toEqual({
      problem: 'is not valid JSON: unexpected "," at line 3, column 14',
    });
    expect(readDefinition('{"states": [')).toEqual({
      problem: 'is not valid JSON: unexpected end of the text at line 1, column 13',
    });
  });
});
