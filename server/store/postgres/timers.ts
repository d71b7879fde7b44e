/**
 * PostgreSQL repository of timers: at most one per kind and ref. Due timers are claimed with
 * FOR UPDATE SKIP LOCKED, so nodes polling together never claim the same one; a claim not
 * completed within the lease (its node died) is handed out again.
 */
import type { TimerRepository } from '../types.ts';
import { all, type Deps } from './db.ts';

const CLAIM_LEASE_MS = 60_000;

export function timerRepository({ pool }: Deps): TimerRepository {
  return {
    async schedule(kind, ref, dueAt) {
      await pool.query(
        `INSERT INTO timers (kind, ref, due_at) VALUES ($1, $2, $3)
         ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL`,
        [kind, ref, dueAt],
      );
    },
    async cancel(kind, ref) {
      await pool.query('DELETE FROM timers WHERE kind = $1 AND ref = $2', [kind, ref]);
    },
    async claimDue(now, limit) {
      const staleBefore = new Date(Date.parse(now) - CLAIM_LEASE_MS).toISOString();
      const rows = await all(
        pool,
        `UPDATE timers SET claimed_at = $1 WHERE id IN (
           SELECT id FROM timers WHERE due_at <= $1 AND (claimed_at IS NULL OR claimed_at < $2)
           ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, ref, due_at`,
        [now, staleBefore, limit],
      );
      return rows.map((r) => ({ id: Number(r.id), kind: r.kind, ref: r.ref, dueAt: r.due_at }));
    },
    async complete(id) {
      await pool.query('DELETE FROM timers WHERE id = $1', [id]);
    },
  };
}
