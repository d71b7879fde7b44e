/**
 * What a visitor's text cannot do to a bot flow: stall the server through a regex condition,
 * change the structure of a make-http-request URL, or reach the logs through a template error.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../server/core/bot/definition.ts';
import { validateDefinition } from '../../server/core/bot/definition.ts';
import { type ExecutionState, newExecution, step } from '../../server/core/bot/engine.ts';
import { regexProblem, testRegex } from '../../server/core/bot/regex.ts';
import { renderUrl } from '../../server/core/bot/url-template.ts';

const SECRET = 'visitor-secret-7731';

const scope = (body: string) => ({
  trigger: { message: { Body: body } },
  flow: { variables: { id: '42' } },
  widgets: {},
});

describe('regex conditions', () => {
  it('match the catastrophic pattern of issue 13 against a long message in linear time', () => {
    // Compiled first: what is timed is the matching, which a backtracking engine takes years over;
    // the ceiling leaves room for a busy machine (RE2 takes ~100 ms here, 4,000 characters).
    testRegex('^(\\w+\\s?)*$', 'warm up');
    const started = performance.now();
    expect(testRegex('^(\\w+\\s?)*$', `${'a'.repeat(4000)}!`)).toBe(false);
    expect(testRegex('^(\\w+\\s?)*$', 'hello world this is fine')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('ignore case as every Studio condition does, unless the pattern says (?-i)', () => {
    expect(testRegex('yes', 'YES')).toBe(true);
    expect(testRegex('(?-i)yes', 'YES')).toBe(false);
    expect(testRegex('(?i)yes', 'YES please')).toBe(true);
    expect(testRegex('^\\d{5}$', '10001')).toBe(true);
    expect(testRegex('caf\\p{L}', 'café')).toBe(true);
  });

  it('refuse backreferences and lookaround at validation, saying what to write instead', () => {
    expect(regexProblem('(ab)\\1')).toMatch(/backreferences .* not supported: spell the repeated part out/);
    expect(regexProblem('^(?!spam)')).toMatch(/lookahead and lookbehind .* not supported/);
    expect(regexProblem('(?<=a)b')).toMatch(/lookahead and lookbehind/);
    expect(regexProblem('[a-')).toMatch(/RE2 syntax/);
    expect(regexProblem('^[^@\\s]+@[^@\\s]+$')).toBeNull();
  });

  it('are named by state and condition in a definition that uses one RE2 cannot run', () => {
    const problems = validateDefinition({
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'check' }],
        },
        {
          name: 'check',
          type: 'split-based-on',
          properties: { input: '{{ trigger.message.Body }}' },
          transitions: [
            { event: 'noMatch' },
            { event: 'match', conditions: [{ friendly_name: 'twice', type: 'regex', value: '(\\w)\\1' }] },
            { event: 'match', conditions: [{ type: 'regex', value: '{{ flow.variables.pattern }}' }] },
          ],
        },
      ],
    });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^state "check": the regex condition "twice" \/\(\\w\)\\1\/ cannot run: backreferences/,
      ),
    ]);
  });
});

describe('URL templates of make-http-request', () => {
  it('keep a visitor value inside one path segment', () => {
    const url = renderUrl(
      'https://api.example.com/orders/{{ trigger.message.Body }}/status',
      scope('../admin/users?delete=all#'),
    );
    expect(url).toBe('https://api.example.com/orders/..%2Fadmin%2Fusers%3Fdelete%3Dall%23/status');
    const parsed = new URL(url);
    expect(parsed.pathname).toBe('/orders/..%2Fadmin%2Fusers%3Fdelete%3Dall%23/status');
    expect(parsed.search).toBe('');
    expect(parsed.hash).toBe('');
  });

  it('keep a visitor value inside one query value and in the fragment', () => {
    const url = new URL(
      renderUrl(
        'https://api.example.com/search?q={{ trigger.message.Body }}&page=1#{{ trigger.message.Body }}',
        scope('a&page=999#x'),
      ),
    );
    expect([...url.searchParams]).toEqual([
      ['q', 'a&page=999#x'],
      ['page', '1'],
    ]);
    expect(decodeURIComponent(url.hash.slice(1))).toBe('a&page=999#x');
  });

  it('refuse a path segment that is only dots, and a host that is not a host name', () => {
    expect(() => renderUrl('https://api.example.com/a/{{ trigger.message.Body }}', scope('..'))).toThrow(
      /"\." or "\.\."/,
    );
    expect(() => renderUrl('https://{{ trigger.message.Body }}.example.com/', scope('evil.com/x?'))).toThrow(
      /not a host name/,
    );
    expect(renderUrl('https://{{ flow.variables.id }}.example.com/', scope(''))).toBe(
      'https://42.example.com/',
    );
  });

  it('resolve relative URLs as before, and leave a value the author url_encoded alone', () => {
    expect(renderUrl('/demo/orders/{{ flow.variables.id }}', scope(''))).toBe('/demo/orders/42');
    expect(renderUrl('https://x.test/?q={{ trigger.message.Body | url_encode }}', scope('a b&c'))).toBe(
      'https://x.test/?q=a+b%26c',
    );
    expect(renderUrl('{{ trigger.message.Body }}', scope('https://x.test/a?b=c'))).toBe(
      'https://x.test/a?b=c',
    );
    expect(
      renderUrl('https://x.test/{% if flow.variables.id %}{{ flow.variables.id }}{% endif %}', scope('')),
    ).toBe('https://x.test/42');
  });
});

describe('template errors', () => {
  const run = (definition: FlowDefinition, body: string): ExecutionState =>
    step(
      definition,
      newExecution({
        trigger: {},
        widgets: {},
        flow: { variables: {}, channel: { address: 'a' }, flow_sid: 'FW1' },
        contact: {},
      }),
      {
        type: 'start',
        trigger: 'incomingMessage',
        message: { Body: body, From: 'v', ChannelSid: 'CH1', MessageSid: 'IM1', ChannelAttributes: {} },
      },
    ).execution;

  it('name the state and the kind of error, never the visitor text', () => {
    const execution = run(
      {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingMessage', next: 'handover' }],
          },
          {
            name: 'handover',
            type: 'send-to-flex',
            properties: { attributes: '{"said": {{ trigger.message.Body }}}' },
            transitions: [{ event: 'failedToEnqueue' }],
          },
        ],
      },
      SECRET,
    );
    expect(execution.endReason).toBe(
      '"handover" failed: template failed (not JSON): the rendered text is not valid JSON',
    );
    expect(JSON.stringify(execution.log)).not.toContain(SECRET);
  });

  it('of a templated regex that RE2 cannot run do not quote the pattern', () => {
    const execution = run(
      {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingMessage', next: 'check' }],
          },
          {
            name: 'check',
            type: 'split-based-on',
            properties: { input: 'x' },
            transitions: [
              { event: 'noMatch' },
              { event: 'match', conditions: [{ type: 'regex', value: '{{ trigger.message.Body }}' }] },
            ],
          },
        ],
      },
      `${SECRET}(`,
    );
    expect(execution.endReason).toMatch(/template failed \(regex\)/);
    expect(execution.endReason).not.toContain(SECRET);
  });
});
