/**
 * Templates checked at validation, as Studio checks them when a flow is saved: every templated
 * property and condition of a state is compiled, so a syntax error, an unknown filter or an
 * unknown tag refuses the flow, naming the state and the field. Variables that can only render
 * empty (`{{ flow.varibles.x }}`, `{{ widgets.no_such_state.body }}`) are warnings.
 */
import type { ValidationProblem } from './definition.ts';
import { compileTemplate, TemplateError } from './templates.ts';

/** What each of Studio's variables has under it (`contact` is the customer: `contact.channel.address`). */
const KNOWN: Record<string, string[] | null> = {
  trigger: ['message', 'conversation', 'request', 'call', 'parent'],
  flow: ['variables', 'data', 'channel', 'flow_sid', 'sid'],
  widgets: null,
  contact: null,
};

const isTemplate = (text: string) => text.includes('{{') || text.includes('{%');

/** Every string in `value` with the path it is at (`properties.attributes`, `properties.parameters[0].value`). */
function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${path}[${i}]`, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (k !== 'offset') strings(v, `${path}.${k}`, out);
  return out;
}

/** The templated fields of a state: its properties and its conditions' values and arguments. */
function templatedFields(state: Record<string, unknown>): [string, string][] {
  const fields = strings(state.properties, 'properties');
  if (Array.isArray(state.transitions))
    state.transitions.forEach((t, i) => {
      const conditions = (t as { conditions?: unknown })?.conditions;
      if (!Array.isArray(conditions)) return;
      conditions.forEach((c, j) => {
        const condition = (c ?? {}) as { value?: unknown; arguments?: unknown };
        strings(condition.value, `transitions[${i}].conditions[${j}].value`, fields);
        strings(condition.arguments, `transitions[${i}].conditions[${j}].arguments`, fields);
      });
    });
  return fields.filter(([, text]) => isTemplate(text));
}

/** Why a variable path can only render empty, or null when it may hold something. */
function unknownVariable(path: (string | number)[], states: Set<string>): string | null {
  const [root = '', child] = path.map(String);
  if (!(root in KNOWN)) return `"${root}" is not a variable Studio has (trigger, widgets, flow, contact)`;
  const children = KNOWN[root];
  if (children && child !== undefined && !children.includes(child))
    return `${root} has no "${child}" (it has ${children.join(', ')})`;
  if (root === 'widgets' && child !== undefined && !states.has(child))
    return `no state is named "${child}" (a subflow may read its parent's widgets)`;
  return null;
}

/** Compiles the state's templates: errors refuse the flow, warnings name variables that render empty. */
export function checkTemplates(
  state: Record<string, unknown>,
  states: Set<string>,
): { errors: ValidationProblem[]; warnings: ValidationProblem[] } {
  const name = String(state.name);
  const errors: ValidationProblem[] = [];
  const warnings: ValidationProblem[] = [];
  for (const [field, text] of templatedFields(state)) {
    let variables: (string | number)[][];
    try {
      variables = compileTemplate(text);
    } catch (err) {
      const reason = err instanceof TemplateError ? err.message : 'template failed';
      errors.push({ state: name, field, message: `state "${name}": ${field} ${reason}` });
      continue;
    }
    const seen = new Set<string>();
    for (const path of variables) {
      const why = unknownVariable(path, states);
      const shown = path.join('.');
      if (!why || seen.has(shown)) continue;
      seen.add(shown);
      warnings.push({
        state: name,
        field,
        message: `state "${name}": ${field} reads {{ ${shown} }}, which renders empty: ${why}`,
      });
    }
  }
  return { errors, warnings };
}
