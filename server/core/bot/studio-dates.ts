/**
 * Dates as Studio's Liquid reads them: in Pacific time, the zone Twilio documents for Studio,
 * and a date written without a zone (`2024-12-24`, `2024-12-24 09:30`) as that wall time, as
 * Ruby's Liquid reads it (JavaScript would take a bare date as UTC midnight, the day before in
 * Pacific time). Used by the `date` filter and the time and date conditions.
 */

/**
 * The time zone Studio's Liquid renders dates in (Twilio documents Pacific time), so a flow
 * that reads `{{ 'now' | date: '%H' }}` for its opening hours keeps them. A template can name
 * another one: `{{ 'now' | date: '%H:%M', 'Europe/Paris' }}`.
 */
export const STUDIO_TIME_ZONE = 'America/Los_Angeles';

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

/**
 * The abbreviation of `zone` at `instant` (ms), as Ruby's `strftime('%Z')` prints it: `PST` or
 * `PDT` in Studio's zone, `CET` or `CEST` in Paris. Where English has no name for the zone it is
 * its offset (`GMT+9`).
 */
export function zoneAbbreviation(instant: number, zone: string): string {
  const named = (locale: string) =>
    new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(instant)
      .find((part) => part.type === 'timeZoneName')?.value ?? '';
  // American English names American zones; British English names European ones.
  const american = named('en-US');
  return /^GMT[+-]/.test(american) ? named('en-GB') || american : american;
}

/** The offset from UTC (ms) of `zone` (an IANA name, or liquidjs's minutes west of UTC) at `instant`. */
export function zoneOffset(zone: string | number, instant: number): number {
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
