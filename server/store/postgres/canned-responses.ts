/** PostgreSQL: canned responses, shared and per agent, the same from every node. */
import {
  type CannedResponse,
  type CannedResponseRepository,
  newCannedResponseSid,
  SHARED_OWNER,
  toCannedResponse,
} from '../canned-responses.ts';
import { all, type Deps, one } from './db.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export function cannedResponseRepository({
  pool,
  clock,
}: Pick<Deps, 'pool' | 'clock'>): CannedResponseRepository {
  const get = async (sid: string) => {
    const row = await one(pool, 'SELECT * FROM canned_responses WHERE sid = $1', [sid]);
    return row ? toCannedResponse(row) : null;
  };
  return {
    async create({ workerSid, shortcut, title, body }) {
      const now = clock().toISOString();
      try {
        const row = await one(
          pool,
          `INSERT INTO canned_responses (sid, owner_sid, shortcut, title, body, date_created, date_updated)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
          [newCannedResponseSid(), workerSid ?? SHARED_OWNER, shortcut, title, body, now],
        );
        return row ? toCannedResponse(row) : null;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },
    get,
    async list({ workerSid }) {
      const rows =
        workerSid === undefined
          ? await all(pool, 'SELECT * FROM canned_responses ORDER BY shortcut COLLATE "C", owner_sid')
          : await all(
              pool,
              'SELECT * FROM canned_responses WHERE owner_sid IN ($1, $2) ORDER BY shortcut COLLATE "C", owner_sid',
              [SHARED_OWNER, workerSid],
            );
      return rows.map(toCannedResponse);
    },
    async update(sid, patch) {
      const held = await get(sid);
      if (!held) return null;
      const next: CannedResponse = { ...held, ...patch };
      try {
        const row = await one(
          pool,
          `UPDATE canned_responses SET shortcut = $2, title = $3, body = $4, date_updated = $5
           WHERE sid = $1 RETURNING *`,
          [sid, next.shortcut, next.title, next.body, clock().toISOString()],
        );
        return row ? toCannedResponse(row) : null;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },
    async delete(sid) {
      await pool.query('DELETE FROM canned_responses WHERE sid = $1', [sid]);
    },
  };
}
