/**
 * Liquid templates with Studio's variables (`trigger`, `widgets`, `flow`, `contact`), rendered
 * synchronously so the engine stays a pure function. Limits keep a hostile template from
 * eating the server: output and work are bounded.
 */
import { liquid } from './studio-liquid.ts';

/**
 * A template that could not be rendered. Its message says what kind of failure it was and
 * never quotes rendered values: those may hold visitor text, and the message reaches the
 * server log and the execution's step log. Syntax errors quote the template, which the flow's
 * author wrote.
 */
export class TemplateError extends Error {
  constructor(
    /** `syntax`, `limit`, `too long`, `not JSON`, `render`, or a widget's own kind (`url`, `regex`). */
    readonly kind: string,
    detail?: string,
  ) {
    super(`template failed (${kind})${detail ? `: ${detail}` : ''}`);
    this.name = 'TemplateError';
  }
}

/** A Liquid failure as a TemplateError that carries no rendered value. */
function templateError(err: unknown): TemplateError {
  const name = (err as Error)?.name;
  if (name === 'ParseError' || name === 'TokenizationError')
    return new TemplateError('syntax', (err as Error).message);
  if (/limit exceeded/.test(String((err as Error)?.message))) return new TemplateError('limit');
  return new TemplateError('render', name && name !== 'RenderError' ? name : undefined);
}

/**
 * Compiles a template as `render` would, without rendering it: throws a TemplateError on a
 * syntax error, an unknown filter or an unknown tag. Returns the variables it reads, each as
 * its path (`['widgets', 'ask', 'inbound', 'Body']`), the ones it assigns itself left out.
 */
export function compileTemplate(text: string): (string | number)[][] {
  try {
    return liquid.globalVariableSegmentsSync(liquid.parse(text)) as (string | number)[][];
  } catch (err) {
    throw templateError(err);
  }
}

const MAX_OUTPUT = 20_000;

// A flow's templates are the same text on every step: each is parsed once. Bounded, since
// flows can be edited without end.
const PARSED_LIMIT = 2000;
const parsedTemplates = new Map<string, ReturnType<typeof liquid.parse>>();
function parsed(text: string) {
  let templates = parsedTemplates.get(text);
  if (!templates) {
    templates = liquid.parse(text);
    if (parsedTemplates.size >= PARSED_LIMIT) parsedTemplates.clear();
    parsedTemplates.set(text, templates);
  }
  return templates;
}

export type TemplateScope = Record<string, unknown>;

/** Renders a string template; anything else is turned to text first. */
export function render(template: unknown, scope: TemplateScope): string {
  const text = template === undefined || template === null ? '' : String(template);
  if (!text.includes('{{') && !text.includes('{%')) return text;
  let out: string;
  try {
    out = liquid.renderSync(parsed(text), scope) as string;
  } catch (err) {
    throw templateError(err);
  }
  if (out.length > MAX_OUTPUT) throw new TemplateError('too long', `output over ${MAX_OUTPUT} characters`);
  return out;
}

// `{{ expression }}` and nothing else around it.
const SINGLE_OUTPUT = /^\s*\{\{-?((?:(?!\}\}|\{\{|\{%).)*?)-?\}\}\s*$/s;

/**
 * A template as a value, as Studio's "Parse as JSON object" option reads it: a template that
 * is one `{{ expression }}` gives the expression's value (`{{ widgets.api.parsed }}` is the
 * object itself, not its text); anything else is rendered, then parsed as JSON when it is JSON.
 * Text that is not JSON stays text.
 */
export function renderValue(template: unknown, scope: TemplateScope): unknown {
  if (typeof template !== 'string') return template;
  const single = SINGLE_OUTPUT.exec(template);
  if (single?.[1]) {
    let value: unknown;
    try {
      value = liquid.evalValueSync(single[1], scope);
    } catch (err) {
      throw templateError(err);
    }
    if (value !== null && typeof value === 'object') {
      const json = JSON.stringify(value);
      if (json.length > MAX_OUTPUT)
        throw new TemplateError('too long', `output over ${MAX_OUTPUT} characters`);
      return JSON.parse(json);
    }
    if (typeof value !== 'string') return value ?? null;
  }
  const text = render(template, scope);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// A number as Liquid and JSON write one, that renders back to the same text: `5`, `-2`, `0.5`
// (not `007`, `1.50` or sixteen digits, which would not).
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const plainNumber = (text: string) => NUMBER.test(text) && String(Number(text)) === text;

/**
 * A value as Studio's Set Variables keeps it (Twilio: a variable is numeric unless its value is
 * in quotation marks): a number written as one (`5`) or a template that is one expression whose
 * value is a number (`{{ flow.variables.count | plus: 1 }}`) is that number; anything else is
 * its rendered text, a number in quotes (`"5"`) and the text of a message (`{{ trigger.message.Body }}`)
 * included. A number renders as the same text, so only comparisons see the difference.
 */
export function renderNumberOrText(template: unknown, scope: TemplateScope): number | string {
  if (typeof template === 'number' && Number.isFinite(template)) return template;
  if (typeof template !== 'string') return render(template, scope);
  if (plainNumber(template)) return Number(template);
  const single = SINGLE_OUTPUT.exec(template);
  if (single?.[1]) {
    let value: unknown;
    try {
      value = liquid.evalValueSync(single[1], scope);
    } catch (err) {
      throw templateError(err);
    }
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return render(template, scope);
}

/**
 * Renders templated JSON: a string is rendered, then parsed as JSON; an object has each string
 * inside it rendered. A result that is not valid JSON is a template error.
 */
export function renderJson(template: unknown, scope: TemplateScope): unknown {
  if (typeof template === 'string') {
    const text = render(template, scope);
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      // JSON.parse quotes the text it read, which may be the visitor's.
      throw new TemplateError('not JSON', 'the rendered text is not valid JSON');
    }
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, scope));
  if (template && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([k, v]) => [
        k,
        typeof v === 'string' ? render(v, scope) : renderJson(v, scope),
      ]),
    );
  }
  return template;
}
