/**
 * The media records' contract, on both store engines: a file is recorded only while its channel
 * is active and within its quota, atomically, also when two nodes record at once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { MediaRecord, Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

/** Two store instances on one fresh database: two nodes. */
const engines: [string, () => Promise<{ open: () => Promise<Store>; cleanup: () => void }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-media-store-'));
      return {
        open: async () => createSqliteStore({ file: join(dir, 'parley.db') }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      return { open: () => createPostgresStore({ url }), cleanup: () => {} };
    },
  ],
];

describe.each(engines)('the %s media records', (_engine, make) => {
  let stores: Store[] = [];
  let cleanup = () => {};
  afterEach(async () => {
    for (const s of stores) await s.close();
    stores = [];
    cleanup();
  });

  async function nodes(): Promise<[Store, Store]> {
    const made = await make();
    cleanup = made.cleanup;
    const a = await made.open();
    const b = await made.open();
    stores.push(a, b);
    return [a, b];
  }

  async function channel(s: Store) {
    const flexFlow = await s.flexFlows.create(webFlexFlow());
    const contact = await s.contacts.create({ identity: `c-${Math.random()}`, friendlyName: 'Dana' });
    return s.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid: contact.sid,
      friendlyName: 'chat',
      attributes: {},
    });
  }

  const file = (channelSid: string, size = 10): MediaRecord => ({
    sid: `ME${randomBytes(16).toString('hex')}`,
    channelSid,
    filename: 'a.png',
    contentType: 'image/png',
    size,
    uploadedBy: 'US1',
    dateCreated: new Date().toISOString(),
  });
  const roomy = { maxFiles: 100, maxBytes: 1_000_000 };

  it('records a file of an active channel, and describes it on the other node', async () => {
    const [a, b] = await nodes();
    const ch = await channel(a);
    const record = file(ch.sid, 1234);
    expect(await a.media.add(record, roomy)).toBe('added');
    expect(await b.media.get(record.sid)).toEqual(record);
    expect(await b.media.usage(ch.sid)).toEqual({ files: 1, bytes: 1234 });
    expect(await b.media.listByChannels([ch.sid, 'CHnone'])).toEqual([record]);
  });

  it('refuses a file of an ended or missing channel', async () => {
    const [a] = await nodes();
    const ch = await channel(a);
    await a.channels.update(ch.sid, { status: 'inactive' });
    expect(await a.media.add(file(ch.sid), roomy)).toBe('channel_inactive');
    expect(await a.media.add(file('CH00000000000000000000000000000000'), roomy)).toBe('channel_inactive');
  });

  it('refuses a file past the count or the bytes of the quota', async () => {
    const [a] = await nodes();
    const ch = await channel(a);
    const quota = { maxFiles: 2, maxBytes: 100 };
    expect(await a.media.add(file(ch.sid, 60), quota)).toBe('added');
    expect(await a.media.add(file(ch.sid, 41), quota)).toBe('too_many_bytes');
    expect(await a.media.add(file(ch.sid, 40), quota)).toBe('added');
    expect(await a.media.add(file(ch.sid, 0), quota)).toBe('too_many_files');
  });

  it('keeps the quota when two nodes record twenty files at once', async () => {
    const [a, b] = await nodes();
    const ch = await channel(a);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).media.add(file(ch.sid), { maxFiles: 5, maxBytes: 1000 }),
      ),
    );
    expect(results.filter((r) => r === 'added')).toHaveLength(5);
    expect(await a.media.usage(ch.sid)).toEqual({ files: 5, bytes: 50 });
  });

  it('deletes records, and adopts an old file once', async () => {
    const [a] = await nodes();
    const ch = await channel(a);
    const kept = file(ch.sid);
    const gone = file(ch.sid);
    await a.media.add(kept, roomy);
    await a.media.add(gone, roomy);
    expect(await a.media.delete([gone.sid, 'MEnone'])).toBe(1);
    expect(await a.media.listByChannels([ch.sid])).toEqual([kept]);
    const old = file(ch.sid);
    expect(await a.media.adopt(old)).toBe(true);
    expect(await a.media.adopt(old)).toBe(false);
    expect(await a.media.get(old.sid)).toEqual(old);
  });
});
