/**
 * Migration 190 on both engines: conversations' unique names become unique. A database that
 * already gave one name to several channels keeps it on the oldest; each other one keeps the
 * name followed by `#` and its sid, and nothing else of it changes. The database is migrated,
 * then set back to before 190 by hand (index dropped, version forgotten) and filled with raw
 * SQL, and the store opened again runs 190 on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(() => postgres?.stop());

const sid = (n: number) => `CH${String(n).repeat(32)}`;
/** Channels as a database before 190 may hold them: `dup` given three times, oldest first. */
const channels = [
  { sid: sid(3), at: '2026-11-01T10:00:00.000Z', attributes: { uniqueName: 'dup', keep: 1 } },
  { sid: sid(1), at: '2026-11-02T10:00:00.000Z', attributes: { uniqueName: 'dup', keep: 2 } },
  { sid: sid(2), at: '2026-11-03T10:00:00.000Z', attributes: { uniqueName: 'dup', keep: 3 } },
  { sid: sid(4), at: '2026-11-04T10:00:00.000Z', attributes: { uniqueName: 'solo' } },
  { sid: sid(5), at: '2026-11-05T10:00:00.000Z', attributes: {} },
];

type Exec = (sql: string, values?: unknown[]) => Promise<void>;
const engines: [
  string,
  () => Promise<{ open: () => Promise<Store>; exec: Exec; done: () => Promise<void> }>,
][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-unique-name-'));
      const file = join(dir, 'parley.db');
      return {
        open: async () => createSqliteStore({ file }),
        exec: async (sql, values = []) => {
          const db = new Database(file);
          db.prepare(sql.replaceAll(/\$\d+/g, '?')).run(...values);
          db.close();
        },
        done: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      return {
        open: () => createPostgresStore({ url }),
        exec: async (sql, values = []) => {
          const client = new pg.Client(url);
          await client.connect();
          await client.query(sql, values);
          await client.end();
        },
        done: async () => {},
      };
    },
  ],
];

describe.each(engines)('migration 190 on %s', (_engine, make) => {
  it('keeps a name given to several channels on the oldest, and renames the others after their sid', async () => {
    const { open, exec, done } = await make();
    try {
      let store = await open();
      const flexFlow = await store.flexFlows.create(webFlexFlow());
      const contact = await store.contacts.create({ identity: 'u', friendlyName: 'U' });
      await store.close();

      await exec('DROP INDEX channels_by_unique_name');
      await exec('DELETE FROM schema_migrations WHERE version = 190');
      for (const c of channels)
        await exec(
          `INSERT INTO channels (sid, flex_flow_sid, contact_sid, friendly_name, status, attributes, date_created, date_updated)
           VALUES ($1, $2, $3, 'c', 'active', $4, $5, $6)`,
          [c.sid, flexFlow.sid, contact.sid, JSON.stringify(c.attributes), c.at, c.at],
        );

      store = await open();
      try {
        // The attributes each channel was given (the store adds its own, such as taskSid).
        const named = async (n: number) => {
          const { uniqueName, keep } = ((await store.channels.get(sid(n)))?.attributes ?? {}) as Record<
            string,
            unknown
          >;
          return { uniqueName, keep };
        };
        expect(await named(3)).toEqual({ uniqueName: 'dup', keep: 1 });
        expect(await named(1)).toEqual({ uniqueName: `dup#${sid(1)}`, keep: 2 });
        expect(await named(2)).toEqual({ uniqueName: `dup#${sid(2)}`, keep: 3 });
        expect(await named(4)).toEqual({ uniqueName: 'solo', keep: undefined });
        expect(await named(5)).toEqual({ uniqueName: undefined, keep: undefined });
        expect((await store.channels.findByUniqueName('dup'))?.sid).toBe(sid(3));
        await expect(
          store.channels.update(sid(5), { attributes: { uniqueName: 'solo' } }),
        ).rejects.toMatchObject({ status: 409 });
      } finally {
        await store.close();
      }
    } finally {
      await done();
    }
  });
});
