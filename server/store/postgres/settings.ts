/** PostgreSQL: settings an admin edits at run time, one JSON value per key, shared by every node. */
import type { SettingsRepository } from '../settings.ts';
import { type Deps, one } from './db.ts';

export function settingsRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): SettingsRepository {
  return {
    async get<T>(key: string) {
      const row = await one(pool, 'SELECT value FROM settings WHERE key = $1', [key]);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(key, value) {
      await pool.query(
        `INSERT INTO settings (key, value, date_updated) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, date_updated = excluded.date_updated`,
        [key, JSON.stringify(value), clock().toISOString()],
      );
    },
  };
}
