/**
 * `set-variables`: `variables: [{key, value, type}]`, each value templated, into
 * `flow.variables`; event `next`. `type: "object"` is Studio's "Parse as JSON object": the
 * value is kept as the object it names or the JSON it renders, so `{{ flow.variables.KEY.field }}`
 * reads into it. Other types (Studio exports `"string"`) keep the rendered text, or a number
 * for a value that is one unquoted (`5`, `{{ flow.variables.count | plus: 1 }}`), as Twilio
 * documents. The values are at `widgets.NAME.KEY` too, where exported flows also read them.
 */
import { renderNumberOrText, renderValue } from '../templates.ts';
import type { Widget } from './types.ts';

/** The types that mean "Parse as JSON object" (`object`, as Studio exports it; `json`, `json_object` as some tools write it). */
const JSON_TYPES = ['object', 'json', 'json_object'];

interface Variable {
  key: string;
  value: unknown;
  type?: unknown;
}

export const setVariables: Widget = {
  type: 'set-variables',
  required: ['variables'],
  events: ['next'],
  check(properties) {
    const vars = properties.variables;
    if (vars === undefined) return [];
    if (
      !Array.isArray(vars) ||
      vars.some((v) => !v || typeof v !== 'object' || typeof (v as { key?: unknown }).key !== 'string')
    ) {
      return ['variables must be a list of {"key": "name", "value": "text or {{template}}"}'];
    }
    return [];
  },
  enter(properties, { scope }) {
    const variables: Record<string, unknown> = {};
    const flow = scope.flow as { variables: Record<string, unknown> };
    for (const { key, value, type } of properties.variables as Variable[]) {
      // Each value sees the ones set before it in the same widget, as in Studio.
      const seen = { ...scope, flow: { ...flow, variables: { ...flow.variables, ...variables } } };
      variables[key] = JSON_TYPES.includes(String(type ?? '').toLowerCase())
        ? renderValue(value, seen)
        : renderNumberOrText(value, seen);
    }
    // Flows read them as flow.variables.KEY and as widgets.NAME.KEY alike.
    return { event: 'next', outputs: { ...variables, variables } };
  },
};
