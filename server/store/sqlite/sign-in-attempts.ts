/**
 * SQLite: failed sign-ins per username, for the per-account backoff. Each attempt is one
 * conditional write, so two attempts racing on the same count cannot both pass.
 */
import type { Row } from '../rows.ts';
import type { SignInAttempts, WorkerRepository } from '../types.ts';
import type { Deps } from './conversations.ts';

type SignInMethods = Pick<
  WorkerRepository,
  'getSignInAttempts' | 'recordSignInAttempt' | 'clearSignInAttempts' | 'pruneSignInAttempts'
>;

export const toSignInAttempts = (r: Row): SignInAttempts => ({
  username: r.username,
  failures: Number(r.failures),
  lockedUntil: r.locked_until ?? null,
  lastAttemptAt: r.last_attempt_at,
});

export function signInAttemptMethods({ db }: Pick<Deps, 'db'>): SignInMethods {
  const byUsername = db.prepare('SELECT * FROM sign_in_attempts WHERE username = ?');
  const insert = db.prepare(
    `INSERT INTO sign_in_attempts (username, failures, locked_until, last_attempt_at)
     VALUES (@username, @failures, @lockedUntil, @at) ON CONFLICT (username) DO NOTHING`,
  );
  const advance = db.prepare(
    `UPDATE sign_in_attempts SET failures = @failures, locked_until = @lockedUntil, last_attempt_at = @at
     WHERE username = @username AND failures = @expected`,
  );
  return {
    async getSignInAttempts(username) {
      const row = byUsername.get(username) as Row | undefined;
      return row ? toSignInAttempts(row) : null;
    },
    async recordSignInAttempt(username, expected, next) {
      const params = { username, expected, ...next };
      return (expected === 0 ? insert.run(params) : advance.run(params)).changes > 0;
    },
    async clearSignInAttempts(username) {
      db.prepare('DELETE FROM sign_in_attempts WHERE username = ?').run(username);
    },
    async pruneSignInAttempts(before) {
      db.prepare('DELETE FROM sign_in_attempts WHERE last_attempt_at < ?').run(before);
    },
  };
}
