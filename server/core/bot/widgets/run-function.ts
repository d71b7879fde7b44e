/**
 * `run-function`: Studio's Function call. `url` (or `service_sid` / `function_sid`) names the
 * function, `parameters: [{key, value}]` (each templated) are its event. A local function of
 * that name in PARLEY_FUNCTIONS_DIR runs in its own process; else the parameters are POSTed
 * form-encoded to `url`. Events `success` (2xx) and `fail`; outputs `body`, `parsed` (JSON
 * answers), `status_code`.
 */
import { render } from '../templates.ts';
import type { Widget } from './types.ts';

export const runFunction: Widget = {
  type: 'run-function',
  required: [],
  events: ['success', 'fail'],
  check(properties) {
    return properties.url || properties.function_sid
      ? []
      : ['needs "url" (a function URL, or the name of a local function) or "function_sid"'];
  },
  enter(properties, { scope }) {
    const parameters = Array.isArray(properties.parameters)
      ? Object.fromEntries(
          (properties.parameters as { key: string; value: unknown }[]).map((p) => [
            p.key,
            render(p.value, scope),
          ]),
        )
      : {};
    return {
      effects: [
        {
          type: 'runFunction',
          url: properties.url === undefined ? undefined : render(properties.url, scope).trim(),
          functionSid: properties.function_sid === undefined ? undefined : String(properties.function_sid),
          parameters,
        },
      ],
    };
  },
  resume(_properties, _context, input) {
    if (input.kind !== 'effect') return null;
    return { event: input.outcome === 'success' ? 'success' : 'fail', outputs: input.outputs };
  },
};
