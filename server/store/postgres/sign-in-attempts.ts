/**
 * PostgreSQL: failed sign-ins per username, for the per-account backoff. Each attempt is one
 * conditional write, so two attempts racing on the same count (on any node) cannot both pass.
 */
import { toSignInAttempts } from '../sqlite/sign-in-attempts.ts';
import type { WorkerRepository } from '../types.ts';
import { type Deps, one } from './db.ts';

type SignInMethods = Pick<
  WorkerRepository,
  'getSignInAttempts' | 'recordSignInAttempt' | 'clearSignInAttempts' | 'pruneSignInAttempts'
>;

export function signInAttemptMethods({ pool }: Pick<Deps, 'pool'>): SignInMethods {
  return {
    async getSignInAttempts(username) {
      const row = await one(pool, 'SELECT * FROM sign_in_attempts WHERE username = $1', [username]);
      return row ? toSignInAttempts(row) : null;
    },
    async recordSignInAttempt(username, expected, { failures, lockedUntil, at }) {
      const { rowCount } =
        expected === 0
          ? await pool.query(
              `INSERT INTO sign_in_attempts (username, failures, locked_until, last_attempt_at)
               VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING`,
              [username, failures, lockedUntil, at],
            )
          : await pool.query(
              `UPDATE sign_in_attempts SET failures = $2, locked_until = $3, last_attempt_at = $4
               WHERE username = $1 AND failures = $5`,
              [username, failures, lockedUntil, at, expected],
            );
      return (rowCount ?? 0) > 0;
    },
    async clearSignInAttempts(username) {
      await pool.query('DELETE FROM sign_in_attempts WHERE username = $1', [username]);
    },
    async pruneSignInAttempts(before) {
      await pool.query('DELETE FROM sign_in_attempts WHERE last_attempt_at < $1', [before]);
    },
  };
}
