/**
 * SQLite migration 170: messages' client ids move from the table's UNIQUE (channel_sid,
 * client_id) to an index keyed on the id first, holding only messages that have one. A file
 * migrated up to 160 (the table as it was) is filled with raw SQL, then opened by the store,
 * which runs 170 on it: every row keeps its rowid and values, search still finds what was
 * indexed and what was pending, a retried client id still answers the original, and messages
 * without one no longer enter the index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageIndexer } from '../../server/store/sqlite/conversation-search.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import { migrate } from '../../server/store/sqlite/migrations.ts';
import type { Store } from '../../server/store/types.ts';

const AT = '2026-11-01T10:00:00.000Z';
const FLOW = `FO${'a'.repeat(32)}`;
const CONTACT = `US${'b'.repeat(32)}`;
const CHANNELS = [`CH${'1'.repeat(32)}`, `CH${'2'.repeat(32)}`];

let dir: string;
let file: string;
let store: Store | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-client-index-'));
  file = join(dir, 'parley.db');
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const messageColumns =
  'rowid, sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created';

/** A database as version 160 left it, with messages in two channels: some searched already. */
function oldDatabase() {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, 160);
  expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(160);
  db.prepare(
    `INSERT INTO flex_flows (sid, friendly_name, channel_type, contact_identity, enabled, integration_type, date_created, date_updated)
     VALUES (?, 'Web', 'web', 'x', 1, 'task', ?, ?)`,
  ).run(FLOW, AT, AT);
  db.prepare('INSERT INTO contacts (sid, identity, friendly_name, date_created) VALUES (?, ?, ?, ?)').run(
    CONTACT,
    'visitor',
    'Visitor',
    AT,
  );
  const insert = db.prepare(
    `INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
     VALUES (?, ?, ?, 'visitor', ?, 'Visitor', ?, '{"k":1}', ?, ?)`,
  );
  for (const [c, channel] of CHANNELS.entries()) {
    db.prepare(
      `INSERT INTO channels (sid, flex_flow_sid, contact_sid, friendly_name, status, last_message_index, date_created, date_updated)
       VALUES (?, ?, ?, 'Chat', 'active', 5, ?, ?)`,
    ).run(channel, FLOW, CONTACT, AT, AT);
    db.prepare(
      `INSERT INTO members (sid, channel_sid, identity, role, friendly_name, date_created)
       VALUES (?, ?, 'visitor', 'customer', 'Visitor', ?)`,
    ).run(`MB${String(c).repeat(32)}`, channel, AT);
    for (let i = 0; i < 6; i++) {
      // Two ids repeat across the channels (allowed: one per channel); system lines have none.
      const clientId = i === 5 ? null : i < 2 ? `same-${i}` : `c${c}-${i}`;
      insert.run(
        `IM${String(c)}${String(i).padStart(31, '0')}`,
        channel,
        i,
        i === 5 ? 'system' : 'customer',
        `parcel ${c} number ${i}`,
        clientId,
        AT,
      );
    }
  }
  // The first channel's messages are searched already; the second's still wait in pending.
  db.prepare('DELETE FROM messages WHERE channel_sid = ? AND idx = 3').run(CHANNELS[0]);
  messageIndexer(db).catchUp();
  insert.run(`IM9${'0'.repeat(31)}`, CHANNELS[1], 6, 'customer', 'late parcel', 'late', AT);
  const rows = db.prepare(`SELECT ${messageColumns} FROM messages ORDER BY rowid`).all();
  const pending = db.prepare('SELECT count(*) FROM messages_fts_pending').pluck().get();
  db.close();
  return { rows, pending };
}

describe('SQLite migration 170 (client ids indexed on the id first)', () => {
  it('keeps every message with its rowid, and search finds both indexed and pending ones', async () => {
    const before = oldDatabase();
    expect(before.pending).toBe(1);
    store = createSqliteStore({ file });
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT ${messageColumns} FROM messages ORDER BY rowid`).all()).toEqual(before.rows);
    expect(db.prepare('SELECT count(*) FROM messages_fts_pending').pluck().get()).toBe(1);
    db.close();
    // The search triggers work on the new table: the late message (pending) and the earlier
    // ones (indexed before the migration) are found; one deleted after it leaves the index.
    const search = (text: string) =>
      (store as Store).conversationSearch.search({ terms: [text], text, limit: 10, offset: 0 });
    expect((await search('late')).map((hit) => hit.message?.body)).toEqual(['late parcel']);
    expect((await search('number')).map((hit) => hit.channel.sid).sort()).toEqual(CHANNELS);
    await store.messages.delete(CHANNELS[1] as string, `IM9${'0'.repeat(31)}`);
    expect(await search('late')).toEqual([]);
  });

  it('answers a retried client id with the original and keeps ids unique per channel only', async () => {
    oldDatabase();
    store = createSqliteStore({ file });
    const channelSid = CHANNELS[0] as string;
    const retried = await store.messages.post({
      channelSid,
      from: 'visitor',
      body: 'again',
      clientId: 'same-1',
    });
    expect(retried).toMatchObject({
      status: 'stored',
      created: false,
      message: { index: 1, body: 'parcel 0 number 1' },
    });
    const fresh = await store.messages.post({ channelSid, from: 'visitor', body: 'new', clientId: 'c1-2' });
    expect(fresh).toMatchObject({ status: 'stored', created: true, message: { index: 6 } });
    const other = await store.messages.post({
      channelSid: CHANNELS[1] as string,
      from: 'visitor',
      body: 'new',
      clientId: 'c1-2',
    });
    expect(other).toMatchObject({ status: 'stored', created: false, message: { index: 2 } });
  });

  it('indexes only messages that carry a client id', async () => {
    oldDatabase();
    store = createSqliteStore({ file });
    for (let i = 0; i < 3; i++)
      await store.messages.append({
        channelSid: CHANNELS[0] as string,
        from: 'system',
        authorRole: 'system',
        authorName: 'Parley',
        body: `line ${i}`,
      });
    const db = new Database(file, { readonly: true });
    const indexed = db.prepare(
      'SELECT count(*) FROM messages INDEXED BY messages_client_id WHERE client_id IS NOT NULL',
    );
    expect(indexed.pluck().get()).toBe(10);
    expect(db.prepare('SELECT count(*) FROM messages WHERE client_id IS NULL').pluck().get()).toBe(5);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM messages WHERE channel_sid = '${CHANNELS[0]}' AND client_id = 'same-1'`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toContain('messages_client_id');
    db.close();
  });
});
