/**
 * `run-subflow`: Studio's call of another flow. `flow_sid` names the flow, `flow_revision` its
 * revision (a number, or `LatestPublished` / `LatestDraft`: the latest one here),
 * `parameters: [{key, value, type}]` (each templated; `type` marks Studio's "Parse as JSON
 * object") become the subflow's `flow.data`. The engine runs the subflow inside the same
 * execution (see engine.ts) and comes back on `completed` (the subflow reached its end) or
 * `failed` (it could not be loaded or run); what the subflow stored with set-variables is then
 * at `widgets.NAME.KEY`.
 */
import { render, renderValue, type TemplateScope } from '../templates.ts';
import type { Widget } from './types.ts';

/**
 * Studio's "Parse as JSON object" option, as an exported parameter carries it in its `type`:
 * `object`, as set-variables reads it (`json` and `json_object` too); `string`, the default,
 * passes the rendered text.
 */
const JSON_TYPES = ['object', 'json', 'json_object'];

interface Parameter {
  key: string;
  value: unknown;
  type?: unknown;
}

/**
 * The subflow's flow.data: each parameter rendered as text or, marked "Parse as JSON object", as
 * the object it names or the JSON it renders (`{{ flow.data.order.status }}` reads into it).
 */
function parametersOf(properties: Record<string, unknown>, scope: TemplateScope): Record<string, unknown> {
  if (!Array.isArray(properties.parameters)) return {};
  return Object.fromEntries(
    (properties.parameters as Parameter[]).map((p) => [
      p.key,
      JSON_TYPES.includes(String(p.type ?? '').toLowerCase())
        ? renderValue(p.value, scope)
        : render(p.value, scope),
    ]),
  );
}

/** The revision a `flow_revision` names: a number, or null for the latest one. */
export function subflowRevision(value: unknown): number | null {
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value ?? '')) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

const LATEST = ['LatestPublished', 'LatestDraft', 'latest'];

export const runSubflow: Widget = {
  type: 'run-subflow',
  required: ['flow_sid'],
  events: ['completed', 'failed'],
  check(properties) {
    const problems: string[] = [];
    const revision = properties.flow_revision;
    if (revision !== undefined && subflowRevision(revision) === null && !LATEST.includes(String(revision)))
      problems.push(
        `flow_revision must be a revision number, "LatestPublished" or "LatestDraft", got "${String(revision)}"`,
      );
    const parameters = properties.parameters;
    if (
      parameters !== undefined &&
      (!Array.isArray(parameters) ||
        parameters.some(
          (p) => !p || typeof p !== 'object' || typeof (p as { key?: unknown }).key !== 'string',
        ))
    )
      problems.push('parameters must be a list of {"key": "name", "value": "text or {{template}}"}');
    return problems;
  },
  enter(properties, { scope }) {
    return {
      subflow: {
        flowSid: String(properties.flow_sid),
        revision: subflowRevision(properties.flow_revision),
        parameters: parametersOf(properties, scope),
      },
    };
  },
};
