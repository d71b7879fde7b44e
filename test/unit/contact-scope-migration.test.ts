/**
 * Migration 30 on both engines: verified users from before Flex Flow scoping (`user:<userId>`)
 * keep their conversations, each Flex Flow's under its own `user:<flexFlowSid>:<userId>`.
 * The legacy rows are written through the store, then the migration is run again on them.
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

const SHOP = `FO${'a'.repeat(32)}`;
const HELP = `FO${'b'.repeat(32)}`;

let postgres: TestPostgres;
const dirs: string[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => {
  postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Engine {
  open(): Promise<Store>;
  /** Forgets that migration 30 ran, so the next open runs it on the rows written since. */
  forgetMigration(): Promise<void>;
}

const engines: [string, () => Promise<Engine>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'));
      dirs.push(dir);
      const file = join(dir, 'parley.db');
      return {
        open: async () => createSqliteStore({ file }),
        async forgetMigration() {
          const db = new Database(file);
          db.prepare('DELETE FROM schema_migrations WHERE version = 30').run();
          db.close();
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      return {
        open: () => createPostgresStore({ url }),
        async forgetMigration() {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query('DELETE FROM schema_migrations WHERE version = 30');
          await client.end();
        },
      };
    },
  ],
];

describe.each(engines)('migration 30 on %s', (_engine, make) => {
  it('moves a legacy verified user to the Flex Flows of their channels, one contact each', async () => {
    const engine = await make();
    let store = await engine.open();
    const legacy = await store.contacts.create({
      identity: 'user:42',
      friendlyName: 'Dana',
      attributes: { userId: '42', verified: true },
    });
    const anonymous = await store.contacts.create({ identity: 'visitor-abc', friendlyName: 'Eve' });
    const lonely = await store.contacts.create({ identity: 'user:7', friendlyName: 'No chats' });
    const channelOn = async (flexFlowSid: string, contactSid: string, identity: string, body: string) => {
      const channel = await store.channels.create({
        flexFlowSid,
        contactSid,
        friendlyName: 'Chat',
        attributes: { from: 'Dana', channelType: 'web' },
      });
      await store.members.add({ channelSid: channel.sid, identity, role: 'customer', friendlyName: 'Dana' });
      await store.members.add({
        channelSid: channel.sid,
        identity: 'agent',
        role: 'agent',
        friendlyName: 'Al',
      });
      await store.messages.append({
        channelSid: channel.sid,
        from: identity,
        authorRole: 'customer',
        authorName: 'Dana',
        body,
      });
      await store.messages.append({
        channelSid: channel.sid,
        from: 'agent',
        authorRole: 'agent',
        authorName: 'Al',
        body: 'Hello',
      });
      return channel;
    };
    const shopChat = await channelOn(SHOP, legacy.sid, 'user:42', 'about my order');
    const helpChat = await channelOn(HELP, legacy.sid, 'user:42', 'about my account');
    const visitorChat = await channelOn(SHOP, anonymous.sid, 'visitor-abc', 'just looking');
    await store.close();

    await engine.forgetMigration();
    store = await engine.open();
    try {
      const onShop = await store.contacts.findByIdentity(`user:${SHOP}:42`);
      const onHelp = await store.contacts.findByIdentity(`user:${HELP}:42`);
      expect(await store.contacts.findByIdentity('user:42')).toBeNull();
      // The first Flex Flow keeps the contact; the other gets a copy with the same details.
      expect(onShop?.sid).toBe(legacy.sid);
      expect(onHelp?.sid).toMatch(/^US[0-9a-f]{32}$/);
      expect(onHelp?.sid).not.toBe(legacy.sid);
      expect(onHelp).toMatchObject({ friendlyName: 'Dana', attributes: { userId: '42', verified: true } });

      expect((await store.channels.findActive(legacy.sid, SHOP))?.sid).toBe(shopChat.sid);
      expect(await store.channels.findActive(legacy.sid, HELP)).toBeNull();
      expect((await store.channels.findActive(onHelp?.sid ?? '', HELP))?.sid).toBe(helpChat.sid);

      // Members and messages follow, so the user keeps writing as themselves in old chats.
      const identities = async (channelSid: string) =>
        (await store.members.list(channelSid)).map((m) => m.identity).sort();
      expect(await identities(shopChat.sid)).toEqual(['agent', `user:${SHOP}:42`]);
      expect(await identities(helpChat.sid)).toEqual(['agent', `user:${HELP}:42`]);
      const authors = async (channelSid: string) =>
        (await store.messages.list(channelSid, { limit: 10 })).map((m) => m.from);
      expect(await authors(shopChat.sid)).toEqual([`user:${SHOP}:42`, 'agent']);
      expect(await authors(helpChat.sid)).toEqual([`user:${HELP}:42`, 'agent']);

      // Anonymous visitors and users without a chat are left as they were.
      expect((await store.contacts.get(anonymous.sid))?.identity).toBe('visitor-abc');
      expect(await identities(visitorChat.sid)).toEqual(['agent', 'visitor-abc']);
      expect((await store.contacts.get(lonely.sid))?.identity).toBe('user:7');
    } finally {
      await store.close();
    }
  });
});
