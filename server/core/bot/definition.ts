/**
 * Bot flows in Twilio Studio's JSON format, and their validation. A definition is frozen data;
 * `validateDefinition` reports every problem with the state it is in and how to fix it.
 */
import {
  CONDITION_TYPES,
  type Condition,
  type ConditionType,
  type FlowDefinition,
  type StateDefinition,
  type Transition,
} from '../../studio-types.ts';
import { dayOf, secondsOfDay } from './conditions.ts';
import { callOnlyStates, reach } from './reachability.ts';
import { regexProblem } from './regex.ts';
import { checkTemplates } from './template-check.ts';
import { widgets } from './widgets/index.ts';

export {
  CONDITION_TYPES,
  type Condition,
  type ConditionType,
  type FlowDefinition,
  type StateDefinition,
  type Transition,
};

export interface ValidationProblem {
  state: string | null;
  /** Where in the state (`properties.body`, `transitions[1]`), when it is one field. */
  field?: string;
  message: string;
}

export interface DefinitionCheck {
  /** What keeps the flow from running; the flow is refused while there are any. */
  errors: ValidationProblem[];
  /** What runs but deserves a look (Studio publishes such flows too): unreachable states. */
  warnings: ValidationProblem[];
}

/** Studio widgets that only work on a voice call, with the messaging widget to use instead. */
const VOICE_ONLY: Record<string, string> = {
  'say-play': 'send-message',
  'gather-input-on-call': 'send-and-wait-for-reply',
  'connect-call-to': 'send-to-flex',
  'record-voicemail': 'send-and-wait-for-reply',
  'enqueue-call': 'send-to-flex',
  'fork-stream': 'make-http-request',
  'add-twiml-redirect': 'make-http-request',
  'make-outgoing-call-v2': 'send-message',
  'record-call': 'send-message',
  'capture-payments': 'make-http-request',
  'connect-virtual-agent': 'make-http-request',
};
/** Studio widgets Twilio has retired. */
const RETIRED: Record<string, string> = {
  'send-to-auto-pilot': 'make-http-request (to your bot service) or send-and-wait-for-reply',
};

/** The time and date conditions: how their value is read, and what it should look like. */
const TIME_CONDITIONS: Record<string, [(s: string) => number, string]> = {
  is_before_time: [secondsOfDay, 'time of day (e.g. 17:00 or 5:00 PM)'],
  is_after_time: [secondsOfDay, 'time of day (e.g. 17:00 or 5:00 PM)'],
  is_before_date: [dayOf, 'date (e.g. 2024-12-24)'],
  is_after_date: [dayOf, 'date (e.g. 2024-12-24)'],
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem in a definition that keeps it from running; an empty list means it can run. */
export function validateDefinition(input: unknown): ValidationProblem[] {
  return checkDefinition(input).errors;
}

/** Errors (the flow cannot run) and warnings (it runs; look at these) of a definition. */
export function checkDefinition(input: unknown): DefinitionCheck {
  const warnings: ValidationProblem[] = [];
  return { errors: findProblems(input, warnings), warnings };
}

function findProblems(input: unknown, warnings: ValidationProblem[]): ValidationProblem[] {
  if (!isObject(input))
    return [{ state: null, message: 'the definition must be a JSON object with initial_state and states' }];
  const problems: ValidationProblem[] = [];
  let unknownTypes = 0;
  const { initial_state: initial, states } = input;
  if (typeof initial !== 'string' || !initial) {
    problems.push({
      state: null,
      message: 'initial_state is missing: name the trigger state, e.g. "Trigger"',
    });
  }
  if (!Array.isArray(states) || states.length === 0) {
    problems.push({
      state: null,
      message: 'states must be a non-empty array of {name, type, properties, transitions}',
    });
    return problems;
  }
  const names = new Map<string, number>();
  for (const [i, state] of states.entries()) {
    if (!isObject(state)) {
      problems.push({
        state: null,
        field: `states[${i}]`,
        message: `states[${i}] must be an object {name, type, properties, transitions}`,
      });
      continue;
    }
    const hasType = typeof state.type === 'string' && state.type !== '';
    if (typeof state.name !== 'string' || !state.name) {
      const what = hasType ? ` (a ${String(state.type)} widget)` : '';
      problems.push({
        state: null,
        field: `states[${i}].name`,
        message: `states[${i}]${what} has no name: add "name", a text the transitions can point to`,
      });
      continue;
    }
    if (!hasType)
      problems.push({
        state: state.name,
        field: `states[${i}].type`,
        message: `states[${i}] ("${state.name}") has no type: add "type", e.g. "send-message"`,
      });
    names.set(state.name, (names.get(state.name) ?? 0) + 1);
  }
  for (const [name, count] of names) {
    if (count > 1)
      problems.push({
        state: name,
        message: `${count} states are named "${name}": give each state its own name`,
      });
  }
  if (typeof initial === 'string' && initial && !names.has(initial)) {
    problems.push({ state: null, message: `initial_state "${initial}" is not the name of any state` });
  }

  const stateNames = new Set(names.keys());
  const byName = new Map(states.filter(isObject).map((s) => [String(s.name), s]));
  const reachable =
    typeof initial === 'string' && names.has(initial) ? reach(byName, initial) : new Set<string>();
  const onCallsOnly = callOnlyStates(byName, initial as string, reachable);
  let legacyTypes = false;
  for (const state of states.filter(isObject)) {
    const name = String(state.name ?? '');
    if (!name || typeof state.type !== 'string' || !state.type) continue;
    const type = state.type;
    const widget = typeof state.type === 'string' ? widgets[state.type] : undefined;
    if (!widget) {
      const a = /^[aeiou]/.test(type) ? 'an' : 'a';
      const why = VOICE_ONLY[type]
        ? `is voice-only: a chat has no call; use ${VOICE_ONLY[type]} instead`
        : RETIRED[type]
          ? `is retired by Twilio; use ${RETIRED[type]} instead`
          : null;
      // A flow for calls and messages alike: its call branch never runs on Parley, whatever it holds.
      if (onCallsOnly.has(name)) {
        warnings.push({
          state: name,
          field: 'type',
          message: `state "${name}" is ${why ? `${a} ${type} widget` : `of type "${type}", which Parley does not run`}; only the trigger's incomingCall leads to it, and chats never start with a call, so it never runs on Parley`,
        });
        continue;
      }
      // The list of known types is given once, after the last unknown one.
      unknownTypes += 1;
      legacyTypes ||= /^[A-Z]/.test(type);
      problems.push({
        state: name,
        field: 'type',
        message: why
          ? `state "${name}" is ${a} ${type} widget, which ${why}`
          : `state "${name}" has unknown widget type "${type}"`,
      });
      continue;
    }
    const properties = isObject(state.properties) ? state.properties : {};
    const required = typeof widget.required === 'function' ? widget.required(properties) : widget.required;
    for (const key of required) {
      const value = properties[key];
      if (value === undefined || value === null || value === '') {
        problems.push({
          state: name,
          field: `properties.${key}`,
          message: `state "${name}" (${widget.type}) is missing required property "${key}"`,
        });
      }
    }
    for (const problem of widget.check?.(properties) ?? [])
      problems.push({ state: name, field: 'properties', message: `state "${name}": ${problem}` });
    for (const warning of widget.warn?.(properties) ?? [])
      warnings.push({ state: name, field: 'properties', message: `state "${name}": ${warning}` });
    const templates = checkTemplates(state, stateNames);
    problems.push(...templates.errors);
    warnings.push(...templates.warnings);
    if (!Array.isArray(state.transitions))
      problems.push({
        state: name,
        field: 'transitions',
        message: `state "${name}" has no transitions list: add "transitions": [] (Studio exports one on every state; a state whose events lead nowhere ends the execution)`,
      });
    const transitions = Array.isArray(state.transitions) ? state.transitions : [];
    for (const [i, t] of transitions.entries()) {
      const field = `transitions[${i}]`;
      if (!isObject(t) || typeof t.event !== 'string' || !t.event) {
        const to = isObject(t) && typeof t.next === 'string' && t.next ? ` to "${t.next}"` : '';
        problems.push({
          state: name,
          field,
          message: `state "${name}" has a transition${to} without an event: add "event", one of ${widget.events.join(', ')}`,
        });
        continue;
      }
      if (!widget.events.includes(t.event)) {
        problems.push({
          state: name,
          field: `${field}.event`,
          message: `state "${name}" has a transition on unknown event "${t.event}": ${widget.type} emits ${widget.events.join(', ')}`,
        });
      }
      if (t.next !== undefined && t.next !== '' && !names.has(String(t.next))) {
        problems.push({
          state: name,
          field: `${field}.next`,
          message: `state "${name}" goes to "${String(t.next)}" on ${t.event}, and no state has that name`,
        });
      }
      if (t.event === 'match') {
        const conditions = Array.isArray(t.conditions) ? t.conditions : [];
        if (conditions.length === 0)
          problems.push({
            state: name,
            field: `${field}.conditions`,
            message: `state "${name}" has a match transition without conditions`,
          });
        for (const [j, c] of conditions.entries()) {
          if (!isObject(c) || !CONDITION_TYPES.includes(c.type as ConditionType)) {
            problems.push({
              state: name,
              field: `${field}.conditions[${j}].type`,
              message: `state "${name}" has a condition of unknown type "${isObject(c) ? String(c.type) : c}": use one of ${CONDITION_TYPES.join(', ')}`,
            });
          } else if (TIME_CONDITIONS[c.type as string]) {
            const value = String(c.value ?? '');
            const [parse, example] = TIME_CONDITIONS[c.type as string] as [(s: string) => number, string];
            if (!value.includes('{{') && !value.includes('{%') && Number.isNaN(parse(value)))
              warnings.push({
                state: name,
                field: `${field}.conditions[${j}].value`,
                message: `state "${name}": the ${String(c.type)} condition compares with ${JSON.stringify(value)}, which is not a ${example}, so it never holds`,
              });
          } else if (c.type === 'regex') {
            // A templated pattern is only known at run time; a literal one is checked now.
            const pattern = String(c.value ?? '');
            const problem = pattern.includes('{{') || pattern.includes('{%') ? null : regexProblem(pattern);
            if (problem) {
              const label =
                typeof c.friendly_name === 'string' && c.friendly_name ? ` "${c.friendly_name}"` : '';
              problems.push({
                state: name,
                field: `${field}.conditions[${j}].value`,
                message: `state "${name}": the regex condition${label} /${pattern}/ cannot run: ${problem}`,
              });
            }
          }
        }
      }
    }
  }

  if (typeof initial === 'string' && names.has(initial)) {
    for (const name of names.keys()) {
      if (!reachable.has(name)) {
        warnings.push({
          state: name,
          message: `state "${name}" is unreachable: no transition leads to it from "${initial}" (it never runs)`,
        });
      }
    }
  }
  if (unknownTypes > 0)
    problems.push({
      state: null,
      message: `the widget types Parley runs are ${Object.keys(widgets).join(', ')}`,
    });
  if (legacyTypes)
    problems.push({
      state: null,
      message:
        'types such as "InitialState" or "SetVariables" are from an old Studio export format: export the flow again from Studio (Flow > Export to JSON, or GET /v2/Flows/FW… from Twilio), which names widgets as "send-message", "set-variables"',
    });
  return problems;
}
