/**
 * Per-account sign-in backoff, beside the per-address limit of the route: after
 * `freeAttempts` failed sign-ins of one username, each further attempt locks the username for
 * `baseSeconds`, doubling with every failure up to `maxSeconds`; a locked username is refused
 * (429 with Retry-After) without its password being checked. A success forgets the failures;
 * so does `resetAfterSeconds` without an attempt.
 *
 * Unknown usernames are counted exactly like known ones, so the answers never tell which
 * usernames exist. The counts live in the store, so every node sees the same ones, and an
 * attempt is counted before its password is checked: a burst of parallel guesses cannot slip
 * in under the lock.
 */
import { ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Store } from '../store/types.ts';

export interface SignInBackoffOptions {
  /** Failed attempts per username before the first lock (default 5). */
  freeAttempts: number;
  /** The first lock; each further failure doubles it (default 15 s). */
  baseSeconds: number;
  /** The longest lock (default 1 hour). */
  maxSeconds: number;
  /** Failures are forgotten after this long without an attempt (default 1 day). */
  resetAfterSeconds: number;
}

export const DEFAULT_SIGN_IN_BACKOFF: SignInBackoffOptions = {
  freeAttempts: 5,
  baseSeconds: 15,
  maxSeconds: 3600,
  resetAfterSeconds: 86_400,
};

/** A username locked by the backoff: REST answers 429 with `Retry-After: retryAfterSeconds`. */
export class SignInLocked extends ParleyError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'sign_in_locked',
      `Too many failed sign-ins for this username: try again in ${retryAfterSeconds} s`,
      429,
    );
  }
}

/** Concurrent attempts on the same count retry this often before being refused. */
const MAX_RACES = 5;

export function createSignInBackoff(store: Store, clock: Clock, options: Partial<SignInBackoffOptions> = {}) {
  const { freeAttempts, baseSeconds, maxSeconds, resetAfterSeconds } = {
    ...DEFAULT_SIGN_IN_BACKOFF,
    ...options,
  };
  const lockSeconds = (failures: number) =>
    Math.min(maxSeconds, baseSeconds * 2 ** (failures - freeAttempts - 1));
  let prunedAt = 0;

  return {
    /** Counts an attempt of `username`, or throws `SignInLocked` while it is locked. */
    async begin(username: string): Promise<void> {
      const now = clock().getTime();
      if (now - prunedAt > 60_000) {
        prunedAt = now;
        await store.workers.pruneSignInAttempts(new Date(now - resetAfterSeconds * 1000).toISOString());
      }
      for (let race = 0; race < MAX_RACES; race++) {
        const counted = await store.workers.getSignInAttempts(username);
        const lockedUntil = counted?.lockedUntil ? Date.parse(counted.lockedUntil) : 0;
        if (lockedUntil > now) throw new SignInLocked(Math.ceil((lockedUntil - now) / 1000));
        const stale = counted && now - Date.parse(counted.lastAttemptAt) > resetAfterSeconds * 1000;
        const failures = counted && !stale ? counted.failures + 1 : 1;
        // The lock is set before the password is checked; a success lifts it again.
        const lock =
          failures > freeAttempts ? new Date(now + lockSeconds(failures) * 1000).toISOString() : null;
        const at = new Date(now).toISOString();
        if (
          await store.workers.recordSignInAttempt(username, counted?.failures ?? 0, {
            failures,
            lockedUntil: lock,
            at,
          })
        )
          return;
      }
      throw new SignInLocked(1);
    },

    /** The password was right: the username starts afresh. */
    async succeeded(username: string): Promise<void> {
      await store.workers.clearSignInAttempts(username);
    },
  };
}
