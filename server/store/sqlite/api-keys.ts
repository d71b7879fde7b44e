/** SQLite: API keys (digests of their secrets, never the secrets). */
import { type ApiKeyRepository, toApiKey } from '../api-keys.ts';
import type { Row } from '../rows.ts';
import type { Deps } from './conversations.ts';

const COLUMNS = 'sid, friendly_name, date_created, date_last_used';

export function apiKeyRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): ApiKeyRepository {
  const byId = db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE sid = ?`);
  const byHash = db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE secret_hash = ?`);
  const insert = db.prepare(
    'INSERT INTO api_keys (sid, friendly_name, secret_hash, date_created) VALUES (?, ?, ?, ?)',
  );
  const touch = db.prepare(
    'UPDATE api_keys SET date_last_used = ? WHERE sid = ? AND (date_last_used IS NULL OR date_last_used < ?)',
  );
  const get = (sid: string) => {
    const row = byId.get(sid) as Row | undefined;
    return row ? toApiKey(row) : null;
  };
  return {
    async create({ sid, friendlyName, secretHash }) {
      insert.run(sid, friendlyName, secretHash, clock().toISOString());
      return get(sid) as NonNullable<ReturnType<typeof get>>;
    },
    async get(sid) {
      return get(sid);
    },
    async findBySecretHash(secretHash) {
      const row = byHash.get(secretHash) as Row | undefined;
      return row ? toApiKey(row) : null;
    },
    async list() {
      return (db.prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY date_created, sid`).all() as Row[]).map(
        toApiKey,
      );
    },
    async delete(sid) {
      return db.prepare('DELETE FROM api_keys WHERE sid = ?').run(sid).changes === 1;
    },
    async touch(sid, usedAt, notBefore) {
      touch.run(usedAt, sid, notBefore);
    },
  };
}
