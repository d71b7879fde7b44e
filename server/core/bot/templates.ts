/**
 * Liquid templates with Studio's variables (`trigger`, `widgets`, `flow`, `contact`), rendered
 * synchronously so the engine stays a pure function. Limits keep a hostile template from
 * eating the server: output and work are bounded.
 */
import { defaultOperators, Liquid, type Operators } from 'liquidjs';

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
 * The time zone Studio's Liquid renders dates in (Twilio documents Pacific time), so a flow
 * that reads `{{ 'now' | date: '%H' }}` for its opening hours keeps them. A template can name
 * another one: `{{ 'now' | date: '%H:%M', 'Europe/Paris' }}`.
 */
export const STUDIO_TIME_ZONE = 'America/Los_Angeles';

const liquid = new Liquid({
  // Shopify Liquid's `<>` is `!=`.
  operators: { ...defaultOperators, '<>': defaultOperators['!='] as Operators[string] },
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: 20_000,
  renderLimit: 200,
  memoryLimit: 1_000_000,
  timezoneOffset: STUDIO_TIME_ZONE,
});

// Studio's `to_json`: any value as JSON, nil as null.
liquid.registerFilter('to_json', (value: unknown) => JSON.stringify(value ?? null));

export type DateParts = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;

/** The calendar and clock of `instant` (ms) in `zone` (an IANA name). */
export function zonedParts(instant: number, zone: string): DateParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  return Object.fromEntries(
    parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]),
  ) as DateParts;
}

/** The offset from UTC (ms) of `zone` (an IANA name, or liquidjs's minutes west of UTC) at `instant`. */
function zoneOffset(zone: string | number, instant: number): number {
  if (typeof zone === 'number') return -zone * 60_000;
  const p = zonedParts(instant, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

const ISO_WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const HAS_ZONE = /(?:\dZ|[+-]\d{2}:?\d{2}|\b(?:UTC|GMT)\b.*)$/i;

/** The wall time (as a UTC timestamp) a date text without a zone names, or null. */
export function wallTime(text: string): number | null {
  const value = text.trim();
  if (/^\d+$/.test(value) || value === 'now' || value === 'today' || HAS_ZONE.test(value)) return null;
  const iso = ISO_WALL.exec(value);
  if (iso) {
    const [y, mo, d, h, mi, sec] = iso.slice(1).map((x) => Number(x ?? 0)) as number[];
    return Date.UTC(y as number, (mo as number) - 1, d, h, mi, sec);
  }
  // Other forms (`March 5, 2024 10:00`) JavaScript reads in the server's zone: keep the wall time.
  const local = new Date(value);
  if (Number.isNaN(local.getTime())) return null;
  return Date.UTC(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
  );
}

// A date without a zone (`2024-01-15`, `2024-01-15 09:30`) is a wall time in the zone it is
// shown in, as Ruby's Liquid reads it; JavaScript would take a bare date as UTC midnight and
// show the day before in Pacific time.
const builtinDate = liquid.filters.date as (this: unknown, ...args: unknown[]) => unknown;
liquid.registerFilter('date', function (this: unknown, value: unknown, format?: unknown, zone?: unknown) {
  const wall = typeof value === 'string' ? wallTime(value) : null;
  if (wall === null) return builtinDate.call(this, value, format, zone);
  const shownIn = typeof zone === 'string' || typeof zone === 'number' ? zone : STUDIO_TIME_ZONE;
  let instant = wall - zoneOffset(shownIn, wall);
  instant = wall - zoneOffset(shownIn, instant);
  return builtinDate.call(this, Math.floor(instant / 1000), format, zone);
});

// Shopify Liquid (and so Studio) divides integers as integers: `{{ 7 | divided_by: 2 }}` is 3,
// `{{ 7 | divided_by: 2.0 }}` is 3.5; liquidjs would give 3.5 for both. Dividing by 0 is an error.
const isInteger = (v: unknown) =>
  typeof v === 'number' ? Number.isInteger(v) : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v);
type FilterThis = { token?: { args: unknown[] } };
liquid.registerFilter('divided_by', function (this: FilterThis, dividend: unknown, divisor: unknown) {
  const a = Number(dividend);
  const b = Number(divisor);
  if (b === 0) throw new Error('divided by 0');
  // A literal `2.0` reaches the filter as the number 2: its text says it is a float.
  const written = this.token?.args[0] as { getText?: () => string } | undefined;
  const floatLiteral = /^-?\d+\.\d+$/.test(written?.getText?.() ?? '');
  return isInteger(dividend) && isInteger(divisor) && !floatLiteral ? Math.floor(a / b) : a / b;
});

/** Studio runs at most 15 iterations of a Liquid loop: a `for` stops there, as if given `limit: 15`. */
export const MAX_LOOP = 15;
type Hash = { render(ctx: unknown): Generator<unknown, Record<string, unknown>, unknown> };
const BuiltinFor = liquid.tags.for as unknown as new (...args: unknown[]) => { hash: Hash };
class StudioFor extends BuiltinFor {
  constructor(...args: unknown[]) {
    super(...args);
    const hash = this.hash;
    const render = hash.render.bind(hash);
    hash.render = function* (ctx) {
      const options = yield* render(ctx);
      const limit = Number(options.limit ?? MAX_LOOP);
      return { ...options, limit: Number.isFinite(limit) ? Math.min(limit, MAX_LOOP) : MAX_LOOP };
    };
  }
}
liquid.registerTag('for', StudioFor as unknown as Parameters<typeof liquid.registerTag>[1]);

// Studio's Liquid has no files to include; liquidjs would read them from the server's disk.
export const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const;
for (const tag of FILE_TAGS) delete liquid.tags[tag];

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
