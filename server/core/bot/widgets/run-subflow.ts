/**
 * `run-subflow`: Studio's call of another flow. `flow_sid` names the flow, `flow_revision` its
 * revision (a number, or `LatestPublished` / `LatestDraft`: the latest one here),
 * `parameters: [{key, value, type}]` (each templated; `type` marks Studio's "Parse as JSON
 * object") become the subflow's `flow.data`. The engine runs the subflow inside the same
 * execution (see engine.ts) and comes back on `completed`
 * (the subflow reached its end) or `failed` (it could not be loaded or run); what the subflow
 * stored with set-variables is then at `widgets.NAME.KEY`.
 */
import { render, renderJson, type TemplateScope } from '../templates.ts';
import type { Widget } from './types.ts';

/**
 * Studio's "Parse as JSON object" option, as an exported parameter carries it in its `type`
 * (`string`, the default, passes the rendered text).
 */
const JSON_TYPES = ['json', 'json_object', 'object'];

interface Parameter {
  key: string;
  value: unknown;
  type?: unknown;
}

/** A value that is one variable (`{{ widgets.lookup.parsed }}`): the object itself is passed. */
const ONE_VARIABLE = /^\s*\{\{-?\s*([A-Za-z_][\w.-]*(?:\[[^\]{}|]+\][\w.-]*)*)\s*-?\}\}\s*$/;

/**
 * A parameter with "Parse as JSON object": an object or list the subflow reads member by member
 * (`{{ flow.data.order.status }}`). Its value may name an object, or render to JSON text (a
 * variable holding JSON text, or JSON with templates inside); text that is not JSON fails the
 * widget along `failed`.
 */
function jsonParameter(value: unknown, scope: TemplateScope): unknown {
  const variable = typeof value === 'string' ? ONE_VARIABLE.exec(value)?.[1] : undefined;
  const parsed = renderJson(variable ? `{{ ${variable} | to_json }}` : value, scope);
  if (typeof parsed !== 'string') return parsed;
  try {
    return JSON.parse(parsed);
  } catch {
    return parsed;
  }
}

/** The subflow's flow.data: each parameter rendered, as text or (marked so) as JSON. */
function parametersOf(properties: Record<string, unknown>, scope: TemplateScope): Record<string, unknown> {
  if (!Array.isArray(properties.parameters)) return {};
  return Object.fromEntries(
    (properties.parameters as Parameter[]).map((p) => [
      p.key,
      JSON_TYPES.includes(String(p.type ?? '').toLowerCase())
        ? jsonParameter(p.value, scope)
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
