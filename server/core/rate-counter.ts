/**
 * Counting hits per key in fixed windows: the one budget every limit in Parley draws on (chats
 * opened, sign-ins, messages, socket events, uploads). In memory on one node; in Redis when
 * `REDIS_URL` is set, so a visitor who spreads requests over several nodes meets one budget.
 *
 * A counter never throws for the caller's sake: when Redis cannot be reached the hit is
 * counted in memory instead, so an outage of the limiter degrades to per-node limits rather
 * than to no limits or to refusing everyone.
 */

import { isIP } from 'node:net';

/** How many leading bits of an IPv6 address one client is taken to control. */
const IPV6_CLIENT_PREFIX = 56;

/**
 * The key a per-address limit counts a client under. An IPv4 address is itself (and so is
 * one written IPv4-mapped, `::ffff:…`). An IPv6 client is given a whole /64 or /56 by its
 * provider and can send from any address in it, so IPv6 addresses count by their /56
 * prefix, as express-rate-limit keys the HTTP limits: otherwise one home connection would
 * have billions of budgets.
 *
 * @example addressKey('2001:db8:1:2a00::7')  // '2001:db8:1:2a00::/56'
 * @example addressKey('::ffff:203.0.113.9')  // '203.0.113.9'
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped?.[1]) return mapped[1];
  if (isIP(plain) !== 6) return address;
  const groups = ipv6Groups(plain);
  const kept = IPV6_CLIENT_PREFIX >> 4;
  const partial = IPV6_CLIENT_PREFIX % 16;
  const head = groups.slice(0, kept);
  if (partial) head.push((groups[kept] ?? 0) & ((0xffff << (16 - partial)) & 0xffff));
  return `${head.map((g) => g.toString(16)).join(':')}::/${IPV6_CLIENT_PREFIX}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, an IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [left = '', right] = address.split('::');
  const head = parse(left);
  const tail = right === undefined ? [] : parse(right);
  return [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
}

export interface RateCounter {
  /**
   * Counts a hit on `key` in its current window and returns the window's count so far. A
   * `weight` counts one hit as that many (bytes sent, in whatever unit the limit is kept).
   */
  hit(key: string, windowMs: number, weight?: number): Promise<number>;
  /** When the current window of `key` ends (ms since epoch), for Retry-After. */
  resetAt(key: string, windowMs: number): number;
}

/**
 * Fixed windows in a Map, counted synchronously and swept as it grows (entries for idle keys
 * go with the sweep): what every in-memory count in Parley draws on, the shared counter's
 * fallback included.
 */
export function createWindows(now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number; windowMs: number }>();
  let nextSweep = 0;
  function sweep(at: number) {
    if (at < nextSweep && windows.size < 50_000) return;
    nextSweep = at + 10_000;
    for (const [key, w] of windows) if (at - w.start >= w.windowMs) windows.delete(key);
  }
  return {
    /** Counts a hit of `weight` on `key` in its current window; the window's count so far. */
    hit(key: string, windowMs: number, weight = 1): number {
      const at = now();
      sweep(at);
      let window = windows.get(key);
      if (!window || at - window.start >= windowMs) {
        window = { start: at, count: 0, windowMs };
        windows.set(key, window);
      }
      window.count += weight;
      return window.count;
    },
    resetAt(key: string, windowMs: number): number {
      return (windows.get(key)?.start ?? now()) + windowMs;
    },
    size: () => windows.size,
  };
}

/** The shared counter on one node: the same windows, behind the asynchronous interface. */
export function createMemoryCounter(now: () => number = Date.now): RateCounter & { size(): number } {
  const windows = createWindows(now);
  return {
    hit: (key, windowMs, weight) => Promise.resolve(windows.hit(key, windowMs, weight)),
    resetAt: windows.resetAt,
    size: windows.size,
  };
}

/** The part of a node-redis client this counter uses. */
export interface RedisLike {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  isReady: boolean;
}

// INCRBY and set the expiry on the first hit of a window, in one round trip.
const HIT_SCRIPT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Windows in Redis keyed by `parley:rl:<key>:<window number>`; memory when Redis is down. */
export function createRedisCounter(
  redis: RedisLike,
  onError: (err: unknown) => void,
  now: () => number = Date.now,
): RateCounter {
  const fallback = createMemoryCounter(now);
  return {
    async hit(key, windowMs, weight = 1) {
      if (!redis.isReady) return fallback.hit(key, windowMs, weight);
      const slot = Math.floor(now() / windowMs);
      try {
        const count = await redis.eval(HIT_SCRIPT, {
          keys: [`parley:rl:${key}:${slot}`],
          arguments: [String(windowMs), String(weight)],
        });
        return Number(count);
      } catch (err) {
        onError(err);
        return fallback.hit(key, windowMs, weight);
      }
    },
    resetAt: (_key, windowMs) => (Math.floor(now() / windowMs) + 1) * windowMs,
  };
}
