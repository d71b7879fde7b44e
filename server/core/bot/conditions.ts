/**
 * Studio's split conditions. As Twilio documents them, they are not case-sensitive and trim
 * the spaces around the values: text comparisons and `regex` (which runs on the trimmed input,
 * in linear time: RE2) ignore case and surrounding spaces. `matches_any_of` /
 * `does_not_match_any_of` take a comma-separated list; `less_than` and `greater_than` compare
 * numbers (false when either side is not a number).
 * The time and date conditions compare a time of day (`14:30`, `2:30 PM`) or a calendar day
 * (`2024-12-24`, `12/24/2024`); a full timestamp counts in Studio's time zone (Pacific), as
 * `{{ 'now' | date: … }}` renders. A side that is not a time (or a date) makes them false.
 */
import type { ConditionType } from './definition.ts';
import { testRegex } from './regex.ts';
import { type DateParts, STUDIO_TIME_ZONE, wallTime, zonedParts } from './studio-dates.ts';

const norm = (s: string) => s.trim().toLowerCase();
const list = (s: string) => s.split(',').map(norm).filter(Boolean);
const number = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

export function testCondition(type: ConditionType, input: string, value: string): boolean {
  const a = norm(input);
  const b = norm(value);
  switch (type) {
    case 'equal_to':
      return a === b;
    case 'not_equal_to':
      return a !== b;
    case 'matches_any_of':
      return list(value).includes(a);
    case 'does_not_match_any_of':
      return !list(value).includes(a);
    case 'contains':
      return a.includes(b);
    case 'does_not_contain':
      return !a.includes(b);
    case 'starts_with':
      return a.startsWith(b);
    case 'does_not_start_with':
      return !a.startsWith(b);
    case 'is_blank':
      return a === '';
    case 'is_not_blank':
      return a !== '';
    case 'regex':
      return testRegex(value, input.trim());
    case 'less_than':
      return number(input) < number(value);
    case 'greater_than':
      return number(input) > number(value);
    case 'is_before_time':
      return secondsOfDay(input) < secondsOfDay(value);
    case 'is_after_time':
      return secondsOfDay(input) > secondsOfDay(value);
    case 'is_before_date':
      return dayOf(input) < dayOf(value);
    case 'is_after_date':
      return dayOf(input) > dayOf(value);
  }
}

/** The calendar and clock of a timestamp text in Studio's time zone, or null when it is none. */
function partsOf(text: string): DateParts | null {
  if (!/\d{4}/.test(text)) return null;
  // Without a zone (`2024-12-24 09:30`) it is a wall time in Studio's zone as it stands.
  const wall = wallTime(text);
  if (wall !== null) return zonedParts(wall, 'UTC');
  const instant = Date.parse(text.trim());
  return Number.isNaN(instant) ? null : zonedParts(instant, STUDIO_TIME_ZONE);
}

/** `14:30`, `14:30:15`, `1430`, `2:30 PM`, `2pm`, or the time of day of a timestamp; NaN otherwise. */
export function secondsOfDay(text: string): number {
  const trimmed = text.trim();
  const military = /^(\d{1,2})(\d{2})$/.exec(trimmed);
  if (military) return secondsOfDay(`${military[1]}:${military[2]}`);
  const match = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])?\.?m?\.?$/i.exec(trimmed);
  if (match && (match[2] !== undefined || match[4] !== undefined)) {
    let hours = Number(match[1]);
    const minutes = Number(match[2] ?? 0);
    const seconds = Number(match[3] ?? 0);
    const half = match[4]?.toLowerCase();
    if (half) {
      if (hours < 1 || hours > 12) return Number.NaN;
      hours = (hours % 12) + (half === 'p' ? 12 : 0);
    }
    if (hours > 23 || minutes > 59 || seconds > 59) return Number.NaN;
    return hours * 3600 + minutes * 60 + seconds;
  }
  const parts = partsOf(text);
  return parts ? parts.hour * 3600 + parts.minute * 60 + parts.second : Number.NaN;
}

/** A calendar day as a number (`20241224`): `2024-12-24`, `12/24/2024`, or a timestamp's day; NaN otherwise. */
export function dayOf(text: string): number {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  const ymd = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : null;
  if (ymd) {
    const [year, month, day] = ymd.map(Number) as [number, number, number];
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? year * 10000 + month * 100 + day : Number.NaN;
  }
  const parts = partsOf(trimmed);
  return parts ? parts.year * 10000 + parts.month * 100 + parts.day : Number.NaN;
}
