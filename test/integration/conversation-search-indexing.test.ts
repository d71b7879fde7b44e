/**
 * SQLite indexes new messages for search just after acknowledging them (migration 131): a
 * message waits in messages_fts_pending, then is indexed with the others sent meanwhile. Search
 * still finds every stored message, a pending message deleted or a store closed before indexing
 * leaves the index consistent, and the waiting rows are indexed within a second on their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';
import { webFlexFlow } from '../helpers/records.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function conversation(store: Store) {
  const contact = await store.contacts.create({ identity: 'web:ivy', friendlyName: 'Ivy', address: 'ivy' });
  const flexFlow = await store.flexFlows.create(webFlexFlow({ friendlyName: 'Web', allowedOrigins: [] }));
  const channel = await store.channels.create({
    flexFlowSid: flexFlow.sid,
    contactSid: contact.sid,
    friendlyName: 'Chat with Ivy',
    attributes: {},
  });
  const send = (body: string, authorRole: 'customer' | 'system' = 'customer') =>
    store.messages.append({
      channelSid: channel.sid,
      from: contact.identity,
      authorRole,
      authorName: 'Ivy',
      body,
    });
  return { channelSid: channel.sid, send };
}

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fts-pending-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'parley.db');
  const store = createSqliteStore({ file });
  cleanups.push(() => store.close());
  // A second connection, as an operator's sqlite3 shell would be, to look at the tables.
  const raw = new Database(file);
  cleanups.push(() => raw.close());
  const pending = () =>
    (raw.prepare('SELECT count(*) AS n FROM messages_fts_pending').get() as { n: number }).n;
  // Whether the index is sound; `againstMessages` also compares it with every message (so only
  // where no system message, which is never indexed, was written).
  const checkIndex = (againstMessages = true) =>
    raw
      .prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', ?)")
      .run(againstMessages ? 1 : 0);
  const indexed = (word: string) =>
    (
      raw.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(word) as {
        n: number;
      }
    ).n;
  return { file, store, pending, checkIndex, indexed };
}

const bodies = async (store: Store, word: string) =>
  (await store.conversationSearch.search({ terms: [word], limit: 10, offset: 0 })).map(
    (hit: { message: { body: string } | null }) => hit.message?.body,
  );

it('finds a message the moment it is stored, and indexes the waiting ones within a second', async () => {
  const { store, pending, checkIndex, indexed } = open();
  const { send } = await conversation(store);
  await send('the kettle whistles');
  await send('Ivy joined', 'system');
  expect(pending()).toBe(1);
  expect(await bodies(store, 'kettle')).toEqual(['the kettle whistles']);
  expect(pending()).toBe(0);

  await Promise.all(Array.from({ length: 50 }, (_, i) => send(`teacup number ${i}`)));
  expect(pending()).toBe(50);
  const deadline = Date.now() + 1000;
  while (pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(pending()).toBe(0);
  expect(indexed('teacup')).toBe(50);
  expect(indexed('joined')).toBe(0);
  checkIndex(false);
});

it('forgets a message deleted before or after it was indexed', async () => {
  const { store, pending, checkIndex } = open();
  const { channelSid, send } = await conversation(store);
  const early = await send('a wobbly saucer');
  expect(await store.messages.delete(channelSid, early.message.sid)).toBe(true);
  expect(pending()).toBe(0);
  const late = await send('a chipped saucer');
  expect(await bodies(store, 'saucer')).toEqual(['a chipped saucer']);
  await store.messages.delete(channelSid, late.message.sid);
  expect(await bodies(store, 'saucer')).toEqual([]);
  // The rowid of a deleted message is used again: the new message is indexed, not skipped.
  await send('a new saucer');
  expect(await bodies(store, 'saucer')).toEqual(['a new saucer']);
  checkIndex();
});

it('indexes after a restart what was stored but not yet indexed', async () => {
  const first = open();
  const { send } = await conversation(first.store);
  await send('the spoon is bent');
  await first.store.close();
  expect(first.pending()).toBe(1);
  const again = createSqliteStore({ file: first.file });
  cleanups.push(() => again.close());
  expect(await bodies(again, 'spoon')).toEqual(['the spoon is bent']);
  first.checkIndex();
});
