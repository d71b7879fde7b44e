/**
 * Studio's split conditions. Text comparisons ignore case and surrounding spaces;
 * `matches_any_of` / `does_not_match_any_of` take a comma-separated list; `less_than` and
 * `greater_than` compare numbers (false when either side is not a number). `regex` is
 * case-sensitive unless the pattern starts with `(?i)`, and runs in linear time (RE2).
 */
import type { ConditionType } from './definition.ts';
import { testRegex } from './regex.ts';

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
      return testRegex(value, input);
    case 'less_than':
      return number(input) < number(value);
    case 'greater_than':
      return number(input) > number(value);
  }
}
