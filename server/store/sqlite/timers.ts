/** SQLite repository of timers: at most one per kind and ref, claimed in due order once due. */
import type { Row } from '../rows.ts';
import type { TimerRepository } from '../types.ts';
import type { Deps } from './conversations.ts';

/** A claimed timer that was not completed within this time (its node died) is handed out again. */
const CLAIM_LEASE_MS = 60_000;

export function timerRepository({ db }: Deps): TimerRepository {
  return {
    async schedule(kind, ref, dueAt) {
      db.prepare(
        `INSERT INTO timers (kind, ref, due_at) VALUES (?, ?, ?)
         ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL`,
      ).run(kind, ref, dueAt);
    },
    async cancel(kind, ref) {
      db.prepare('DELETE FROM timers WHERE kind = ? AND ref = ?').run(kind, ref);
    },
    async claimDue(now, limit) {
      const staleBefore = new Date(Date.parse(now) - CLAIM_LEASE_MS).toISOString();
      const rows = db
        .prepare(
          `UPDATE timers SET claimed_at = @now WHERE id IN (
             SELECT id FROM timers WHERE due_at <= @now AND (claimed_at IS NULL OR claimed_at < @staleBefore)
             ORDER BY due_at LIMIT @limit)
           RETURNING id, kind, ref, due_at`,
        )
        .all({ now, staleBefore, limit }) as Row[];
      return rows.map((r) => ({ id: r.id, kind: r.kind, ref: r.ref, dueAt: r.due_at }));
    },
    async complete(id) {
      db.prepare('DELETE FROM timers WHERE id = ?').run(id);
    },
  };
}
