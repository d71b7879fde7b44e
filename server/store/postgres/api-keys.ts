/** PostgreSQL: API keys (digests of their secrets, never the secrets), the same from every node. */
import { type ApiKey, type ApiKeyRepository, toApiKey } from '../api-keys.ts';
import { all, type Deps, one } from './db.ts';

const COLUMNS = 'sid, friendly_name, date_created, date_last_used';

export function apiKeyRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): ApiKeyRepository {
  const get = async (sid: string) => {
    const row = await one(pool, `SELECT ${COLUMNS} FROM api_keys WHERE sid = $1`, [sid]);
    return row ? toApiKey(row) : null;
  };
  return {
    async create({ sid, friendlyName, secretHash }) {
      const row = await one(
        pool,
        `INSERT INTO api_keys (sid, friendly_name, secret_hash, date_created) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [sid, friendlyName, secretHash, clock().toISOString()],
      );
      return toApiKey(row as NonNullable<typeof row>) satisfies ApiKey;
    },
    get,
    async findBySecretHash(secretHash) {
      const row = await one(pool, `SELECT ${COLUMNS} FROM api_keys WHERE secret_hash = $1`, [secretHash]);
      return row ? toApiKey(row) : null;
    },
    async list() {
      return (await all(pool, `SELECT ${COLUMNS} FROM api_keys ORDER BY date_created, sid`)).map(toApiKey);
    },
    async delete(sid) {
      const { rowCount } = await pool.query('DELETE FROM api_keys WHERE sid = $1', [sid]);
      return rowCount === 1;
    },
    async touch(sid, usedAt, notBefore) {
      await pool.query(
        'UPDATE api_keys SET date_last_used = $1 WHERE sid = $2 AND (date_last_used IS NULL OR date_last_used < $3)',
        [usedAt, sid, notBefore],
      );
    },
  };
}
