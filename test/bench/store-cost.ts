/**
 * The SQLite store's own CPU per message, without sockets: N messages over 50 channels, first
 * one at a time (each awaited), then all at once (group commit). Includes the deferred search
 * indexing that runs meanwhile. Run: `node --import tsx test/bench/store-cost.ts` (N=4000).
 * STORE_COST_SEARCH=off leaves new messages out of search (drops the insert trigger of
 * migration 131), to show what indexing costs; =inline indexes each message inside its
 * transaction, as migration 130 did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';

const N = Number(process.env.N ?? 4000);
const dir = mkdtempSync(join(tmpdir(), 'parley-micro-'));
const file = join(dir, 'p.db');
createSqliteStore({ file }).close();
const search = process.env.STORE_COST_SEARCH;
if (search === 'off' || search === 'inline') {
  const raw = new Database(file);
  raw.exec('DROP TRIGGER messages_fts_insert');
  if (search === 'inline')
    raw.exec(`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.author_role <> 'system' BEGIN
      INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
    END`);
  raw.close();
}
const store = createSqliteStore({ file });
const flexFlow = await store.flexFlows.create({
  friendlyName: 'W',
  channelType: 'web',
  contactIdentity: 'x',
  enabled: true,
  integrationType: 'task',
  integration: {},
  longLived: false,
  janitorEnabled: true,
  allowedOrigins: [],
});
const channels: string[] = [];
for (let i = 0; i < 50; i++) {
  const contact = await store.contacts.create({
    identity: `v${i}`,
    friendlyName: `V ${i}`,
    address: `v${i}`,
  });
  const ch = await store.channels.create({
    flexFlowSid: flexFlow.sid,
    contactSid: contact.sid,
    friendlyName: 'c',
    attributes: {},
  });
  await store.members.add({
    channelSid: ch.sid,
    identity: `v${i}`,
    role: 'customer',
    friendlyName: `V ${i}`,
  } as never);
  channels.push(ch.sid);
}
const post = (i: number) =>
  store.messages.post({
    channelSid: channels[i % 50] as string,
    from: `v${i % 50}`,
    body: `hello there number ${i} where is my parcel`,
    clientId: `c${i}`,
  } as never);
for (let i = 0; i < 300; i++) await post(1e6 + i);
for (const mode of ['one', 'flood']) {
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  if (mode === 'one')
    for (let i = 0; i < N; i++) {
      const r = await post(i + (mode === 'one' ? 0 : N));
      if ((r as { status: string }).status !== 'stored') throw new Error(JSON.stringify(r));
    }
  else await Promise.all(Array.from({ length: N }, (_, i) => post(i + N)));
  const t = process.cpuUsage(t0);
  console.log(
    `search ${search ?? 'deferred'}`,
    mode,
    'cpu µs/msg',
    ((t.user + t.system) / N).toFixed(1),
    'wall µs/msg',
    (((performance.now() - w0) * 1000) / N).toFixed(1),
  );
}
await new Promise((r) => setTimeout(r, 1500));
await store.close();
rmSync(dir, { recursive: true, force: true });
