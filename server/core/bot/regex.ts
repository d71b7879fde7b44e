/**
 * Regular expressions of `regex` conditions, run by RE2 (re2-wasm): matching time grows
 * linearly with the text, so no visitor message can make a condition run for seconds, whatever
 * the pattern. RE2 refuses what needs backtracking (backreferences, lookahead, lookbehind);
 * `regexProblem` tells a flow author what to write instead. Compiled patterns are cached (a
 * pattern can be templated, so the cache is bounded) and their WASM memory is freed on eviction.
 */
import { createRequire } from 'node:module';

interface Re2 {
  test(input: string): boolean;
}
interface Re2Constructor {
  new (pattern: string, flags?: string): Re2;
}

const { RE2 } = createRequire(import.meta.url)('re2-wasm') as { RE2: Re2Constructor };

const CACHE_SIZE = 256;
const cache = new Map<string, Re2>();

/** Frees the WASM side of a compiled pattern (re2-wasm has no public way to do it). */
function release(re: Re2) {
  (re as unknown as { wrapper?: { delete?: () => void } }).wrapper?.delete?.();
}

/**
 * A compiled pattern. It ignores case, as every Studio condition does; `(?-i)` makes (a group
 * of) it case-sensitive. Throws a SyntaxError for a pattern RE2 cannot run.
 */
export function compileRegex(pattern: string): Re2 {
  const hit = cache.get(pattern);
  if (hit) {
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  // 'u' is how re2-wasm reads patterns: code points, as \p{…} and non-ASCII text need; 'i'
  // because Studio's conditions are not case-sensitive.
  const re = new RE2(pattern, 'iu');
  cache.set(pattern, re);
  if (cache.size > CACHE_SIZE) {
    const [oldest, evicted] = cache.entries().next().value as [string, Re2];
    cache.delete(oldest);
    release(evicted);
  }
  return re;
}

/** Whether `pattern` matches somewhere in `input`; a pattern RE2 cannot run throws. */
export function testRegex(pattern: string, input: string): boolean {
  return compileRegex(pattern).test(input);
}

const UNSUPPORTED: [RegExp, string][] = [
  [
    /\(\?<?[=!]/,
    'lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: match the text itself, or split it over two conditions (a regex and a does_not_contain)',
  ],
  [
    /\\[1-9]|\\k</,
    'backreferences (\\1, \\k<name>) are not supported: spell the repeated part out, e.g. (ab)(ab) instead of (ab)\\1',
  ],
];

/**
 * Why `pattern` cannot be a regex condition, with what to write instead; null when it can.
 * Patterns run with RE2 semantics (linear time, no backtracking).
 */
export function regexProblem(pattern: string): string | null {
  try {
    compileRegex(pattern);
    return null;
  } catch (err) {
    for (const [construct, advice] of UNSUPPORTED) if (construct.test(pattern)) return advice;
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/u: /s, '');
    return `it is not a regular expression Parley can run (${reason}); patterns use RE2 syntax, as JavaScript's without backreferences and lookaround`;
  }
}
