/**
 * Liquid templates with Studio's variables (`trigger`, `widgets`, `flow`, `contact`), rendered
 * synchronously so the engine stays a pure function. Limits keep a hostile template from
 * eating the server: Studio allows 15 loop iterations; output and work are bounded too.
 */
import { Liquid } from 'liquidjs';

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    cause: unknown,
  ) {
    super(`template ${JSON.stringify(template.slice(0, 80))} failed: ${(cause as Error)?.message ?? cause}`);
    this.name = 'TemplateError';
  }
}

const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: 20_000,
  renderLimit: 200,
  memoryLimit: 1_000_000,
});

const MAX_OUTPUT = 20_000;

export type TemplateScope = Record<string, unknown>;

/** Renders a string template; anything else is turned to text first. */
export function render(template: unknown, scope: TemplateScope): string {
  const text = template === undefined || template === null ? '' : String(template);
  if (!text.includes('{{') && !text.includes('{%')) return text;
  let out: string;
  try {
    out = liquid.parseAndRenderSync(text, scope);
  } catch (err) {
    throw new TemplateError(text, err);
  }
  if (out.length > MAX_OUTPUT)
    throw new TemplateError(text, new Error(`output longer than ${MAX_OUTPUT} characters`));
  return out;
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
    } catch (err) {
      throw new TemplateError(template, new Error(`rendered text is not JSON (${(err as Error).message})`));
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
