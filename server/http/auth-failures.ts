/**
 * Guessing credentials over HTTP: the admin key, an API key's secret, Basic credentials on the
 * Twilio-shaped surface, an agent's or a visitor's token. Every request that carried an
 * `Authorization` header and was answered 401 counts against its address, through the shared
 * counter (one count across nodes with Redis). Past the limit in a minute, that address's
 * requests with credentials are answered 429 before any check until the minute ends, so a key
 * can be guessed at a few dozen tries a minute, not thousands a second. Requests without
 * credentials (sign-in, which has its own limits; the widget's public routes) are not touched.
 */
import type { RequestHandler } from 'express';
import { addressKey, type RateCounter } from '../core/rate-counter.ts';
import { ParleyError } from '../errors.ts';

export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

export function limitFailedAuth(counter: RateCounter, perMinute: number): RequestHandler {
  // When each address's lock ends, learned on this node from the shared count of its failures.
  const lockedUntil = new Map<string, number>();
  function lock(address: string, until: number) {
    if (lockedUntil.size > 10_000) {
      const now = Date.now();
      for (const [key, end] of lockedUntil) if (end <= now) lockedUntil.delete(key);
    }
    lockedUntil.set(address, until);
  }
  return (req, res, next) => {
    if (req.get('authorization') === undefined) return next();
    const address = addressKey(req.ip ?? '');
    const until = lockedUntil.get(address);
    const now = Date.now();
    if (until !== undefined && until > now) {
      res.setHeader('Retry-After', String(Math.ceil((until - now) / 1000)));
      return next(
        new ParleyError(
          'rate_limited',
          `Too many requests with wrong credentials from this address (at most ${perMinute} a minute): check the key or token, and try again in a minute`,
          429,
        ),
      );
    }
    if (until !== undefined) lockedUntil.delete(address);
    res.on('finish', () => {
      if (res.statusCode !== 401) return;
      const key = `auth-failures:${address}`;
      counter.hit(key, WINDOW_MS).then(
        (failures) => {
          if (failures > perMinute) lock(address, counter.resetAt(key, WINDOW_MS));
        },
        // Counting must never fail a request that has already been answered.
        () => {},
      );
    });
    next();
  };
}
