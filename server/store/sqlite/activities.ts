/** SQLite: custom activities. */
import {
  type ActivityRepository,
  type CustomActivity,
  newActivitySid,
  toCustomActivity,
} from '../activities.ts';
import type { Row } from '../rows.ts';
import type { Deps } from './conversations.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function activityRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): ActivityRepository {
  const byId = db.prepare('SELECT * FROM activities WHERE sid = ?');
  const get = (sid: string) => {
    const row = byId.get(sid) as Row | undefined;
    return row ? toCustomActivity(row) : null;
  };
  const remove = db.prepare(
    'DELETE FROM activities WHERE sid = ? AND NOT EXISTS (SELECT 1 FROM workers WHERE activity_sid = ?)',
  );
  return {
    async create({ friendlyName, available }) {
      const sid = newActivitySid();
      const now = clock().toISOString();
      try {
        db.prepare(
          `INSERT INTO activities (sid, friendly_name, available, date_created, date_updated)
           VALUES (?, ?, ?, ?, ?)`,
        ).run(sid, friendlyName, available ? 1 : 0, now, now);
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
      return get(sid);
    },
    async get(sid) {
      return get(sid);
    },
    async list() {
      return (db.prepare('SELECT * FROM activities ORDER BY date_created, rowid').all() as Row[]).map(
        toCustomActivity,
      );
    },
    async update(sid, patch) {
      const held = get(sid);
      if (!held) return null;
      const next: CustomActivity = { ...held, ...patch };
      try {
        db.prepare(
          'UPDATE activities SET friendly_name = ?, available = ?, date_updated = ? WHERE sid = ?',
        ).run(next.friendlyName, next.available ? 1 : 0, clock().toISOString(), sid);
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
      return get(sid);
    },
    async delete(sid) {
      if (remove.run(sid, sid).changes > 0) return 'deleted';
      return get(sid) ? 'in_use' : 'missing';
    },
  };
}
