/**
 * Migration 130 on a SQLite database that already holds conversations: the full-text indexes
 * are filled from the existing rows (system messages left out), so search finds conversations
 * written before the upgrade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('indexes the messages, names and addresses stored before the upgrade', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fts-'));
  dirs.push(dir);
  const file = join(dir, 'parley.db');

  const before = createSqliteStore({ file });
  const contact = await before.contacts.create({
    identity: 'sms:+15557777',
    friendlyName: 'Zoë Quill',
    address: '+15557777',
  });
  const flexFlow = await before.flexFlows.create({
    friendlyName: 'SMS',
    channelType: 'sms',
    contactIdentity: '+15550100',
    enabled: true,
    integrationType: 'task',
    integration: {},
    longLived: false,
    janitorEnabled: true,
    allowedOrigins: [],
  });
  const channel = await before.channels.create({
    flexFlowSid: flexFlow.sid,
    contactSid: contact.sid,
    friendlyName: 'Chat with Zoë',
    attributes: { from: 'Zoë Quill', channelType: 'sms' },
  });
  const post = (body: string, authorRole: 'customer' | 'system') =>
    before.messages.append({
      channelSid: channel.sid,
      from: contact.identity,
      authorRole,
      authorName: 'Zoë',
      body,
    });
  await post('The ceramic teapot leaks', 'customer');
  await post('Zoë joined the chat via periscope', 'system');
  await before.close();

  // The database as an earlier Parley left it: no search indexes, migrations 130–131 not applied.
  const raw = new Database(file);
  raw.exec(`
    DROP TABLE messages_fts; DROP TABLE contacts_fts; DROP TABLE channel_names_fts; DROP TABLE messages_fts_pending;
    DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; DROP TRIGGER messages_fts_update;
    DROP TRIGGER contacts_fts_insert; DROP TRIGGER contacts_fts_delete; DROP TRIGGER contacts_fts_update;
    DROP TRIGGER channel_names_fts_insert; DROP TRIGGER channel_names_fts_delete; DROP TRIGGER channel_names_fts_update;
    DELETE FROM schema_migrations WHERE version IN (130, 131);`);
  expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%_fts%'").get()).toEqual({
    n: 0,
  });
  raw.close();

  const after = createSqliteStore({ file });
  try {
    const find = async (terms: string[]) =>
      (await after.conversationSearch.search({ terms, limit: 10, offset: 0 })).map(
        (hit) => hit.message?.body ?? null,
      );
    expect(await find(['teapot'])).toEqual(['The ceramic teapot leaks']);
    expect(await find(['zoe', 'quill'])).toEqual([null]);
    expect(await find(['15557777'])).toEqual([null]);
    expect(await find(['periscope'])).toEqual([]);
    // And the triggers are back: a new message is found too.
    await after.messages.append({
      channelSid: channel.sid,
      from: contact.identity,
      authorRole: 'customer',
      authorName: 'Zoë',
      body: 'Also the lid',
    });
    expect(await find(['lid'])).toEqual(['Also the lid']);
  } finally {
    await after.close();
  }
});
