/**
 * Studio's Liquid: Shopify's as liquidjs runs it, with what Studio has and liquidjs lacks or
 * does otherwise — `to_json`, the `<>` operator, integer `divided_by`, dates in Pacific time,
 * loops of at most 15 iterations — and without the tags that read files from the server's disk.
 */
import { defaultOperators, Liquid, type Operators } from 'liquidjs';
import { STUDIO_TIME_ZONE, wallTime, zoneAbbreviation, zoneOffset } from './studio-dates.ts';

export const liquid = new Liquid({
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

// A date without a zone (`2024-01-15`, `2024-01-15 09:30`) is a wall time in the zone it is
// shown in, as Ruby's Liquid reads it; JavaScript would take a bare date as UTC midnight and
// show the day before in Pacific time. `%Z` is the zone's abbreviation (`PDT`), as Ruby's
// strftime prints it, where liquidjs would print its IANA name.
const builtinDate = liquid.filters.date as (this: unknown, ...args: unknown[]) => unknown;
const FORMAT_CODE = /%([-_0^#:]*\d*[EO]?)(.)/g;
liquid.registerFilter('date', function (this: unknown, value: unknown, format?: unknown, zone?: unknown) {
  const shownIn = typeof zone === 'string' || typeof zone === 'number' ? zone : STUDIO_TIME_ZONE;
  const wall = typeof value === 'string' ? wallTime(value) : null;
  let date = value;
  if (wall !== null) {
    let instant = wall - zoneOffset(shownIn, wall);
    instant = wall - zoneOffset(shownIn, instant);
    date = Math.floor(instant / 1000);
  }
  let pattern = format;
  if (typeof format === 'string' && typeof shownIn === 'string' && format.includes('Z')) {
    const seconds = Number(builtinDate.call(this, date, '%s', zone));
    if (Number.isFinite(seconds)) {
      const abbreviation = zoneAbbreviation(seconds * 1000, shownIn);
      pattern = format.replace(FORMAT_CODE, (code, _flags, letter) => (letter === 'Z' ? abbreviation : code));
    }
  }
  return builtinDate.call(this, date, pattern, zone);
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
const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const;
for (const tag of FILE_TAGS) delete liquid.tags[tag];
