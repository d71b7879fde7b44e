/** `set-variables`: `variables: [{key, value}]`, each value templated, into `flow.variables`; event `next`. */
import { render } from '../templates.ts';
import type { Widget } from './types.ts';

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
    const variables: Record<string, string> = {};
    const flow = scope.flow as { variables: Record<string, unknown> };
    for (const { key, value } of properties.variables as { key: string; value: unknown }[]) {
      // Each value sees the ones set before it in the same widget, as in Studio.
      variables[key] = render(value, {
        ...scope,
        flow: { ...flow, variables: { ...flow.variables, ...variables } },
      });
    }
    return { event: 'next', outputs: { variables } };
  },
};
