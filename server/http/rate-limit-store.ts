/**
 * express-rate-limit counting through Parley's RateCounter, so HTTP limits (chats opened,
 * sign-ins, offline messages) are one budget across nodes when Redis is configured, exactly
 * like the socket limits.
 */
import type { Options, Store } from 'express-rate-limit';
import type { RateCounter } from '../core/rate-counter.ts';

export function counterStore(counter: RateCounter, prefix: string): Store {
  let windowMs = 60_000;
  return {
    prefix,
    localKeys: false,
    init(options: Options) {
      windowMs = options.windowMs;
    },
    async increment(key: string) {
      const full = `${prefix}:${key}`;
      const totalHits = await counter.hit(full, windowMs);
      return { totalHits, resetTime: new Date(counter.resetAt(full, windowMs)) };
    },
    // Fixed windows forget on their own; nothing is given back or reset early.
    decrement() {},
    resetKey() {},
  };
}
