/** SQLite: settings an admin edits at run time, one JSON value per key. */
import type { Row } from '../rows.ts';
import type { SettingsRepository } from '../settings.ts';
import type { Deps } from './conversations.ts';

export function settingsRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): SettingsRepository {
  return {
    async get<T>(key: string) {
      const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(key, value) {
      db.prepare(
        `INSERT INTO settings (key, value, date_updated) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, date_updated = excluded.date_updated`,
      ).run(key, JSON.stringify(value), clock().toISOString());
    },
  };
}
