/** PostgreSQL: custom activities, the same from every node. */
import {
  type ActivityRepository,
  type CustomActivity,
  newActivitySid,
  toCustomActivity,
} from '../activities.ts';
import { all, type Deps, one } from './db.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export function activityRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): ActivityRepository {
  const get = async (sid: string) => {
    const row = await one(pool, 'SELECT * FROM activities WHERE sid = $1', [sid]);
    return row ? toCustomActivity(row) : null;
  };
  return {
    async create({ friendlyName, available }) {
      const now = clock().toISOString();
      try {
        const row = await one(
          pool,
          `INSERT INTO activities (sid, friendly_name, available, date_created, date_updated)
           VALUES ($1, $2, $3, $4, $4) RETURNING *`,
          [newActivitySid(), friendlyName, available, now],
        );
        return row ? toCustomActivity(row) : null;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },
    get,
    async list() {
      return (await all(pool, 'SELECT * FROM activities ORDER BY date_created, sid')).map(toCustomActivity);
    },
    async update(sid, patch) {
      const held = await get(sid);
      if (!held) return null;
      const next: CustomActivity = { ...held, ...patch };
      try {
        const row = await one(
          pool,
          `UPDATE activities SET friendly_name = $2, available = $3, date_updated = $4
           WHERE sid = $1 RETURNING *`,
          [sid, next.friendlyName, next.available, clock().toISOString()],
        );
        return row ? toCustomActivity(row) : null;
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
    },
    async delete(sid) {
      // The check and the delete are one statement, so a worker choosing it meanwhile keeps it.
      const { rowCount } = await pool.query(
        'DELETE FROM activities WHERE sid = $1 AND NOT EXISTS (SELECT 1 FROM workers WHERE activity_sid = $1)',
        [sid],
      );
      if (rowCount) return 'deleted';
      return (await get(sid)) ? 'in_use' : 'missing';
    },
  };
}
