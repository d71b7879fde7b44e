/**
 * The file storage contract, run against every backend: local disk (a temp dir), PostgreSQL
 * (a real server started for this file, through the store's migrations) and S3 (a real
 * s3rver on loopback). Files are streamed in and out, and a failed upload leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskFileStorage, readAll } from '../../server/store/files/disk.ts';
import { CHUNK_BYTES, createPostgresFileStorage } from '../../server/store/files/postgres.ts';
import { createS3FileStorage } from '../../server/store/files/s3.ts';
import type { FileStorage } from '../../server/store/files/types.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startS3, type TestS3 } from '../helpers/s3.ts';

let postgres: TestPostgres;
let postgresUrl: string;
let s3: TestS3;
const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
const spoolDir = mkdtempSync(join(tmpdir(), 'parley-spool-'));

beforeAll(async () => {
  [postgres, s3] = await Promise.all([startPostgres(), startS3()]);
  postgresUrl = await postgres.createDatabase();
  // The store's migrations create the chunk table.
  await (await createPostgresStore({ url: postgresUrl })).close();
}, 60_000);
afterAll(async () => {
  postgres?.stop();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(spoolDir, { recursive: true, force: true });
});

const key = () => `ME${randomBytes(16).toString('hex')}`;

/** A body that sends `bytes` in pieces of 64 KiB, then fails with `error` if given. */
function body(bytes: Buffer, error?: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
      if (error) throw error;
    })(),
    { objectMode: false },
  );
}

type Kind = 'disk' | 'postgres' | 's3';

/** What is left behind by the backend besides finished files (for the failed-upload check). */
const leftovers: Record<Kind, () => Promise<string[]>> = {
  disk: async () => readdirSync(dir).filter((name) => name.endsWith('.part')),
  postgres: async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    const { rows } = await client.query('SELECT DISTINCT key FROM file_chunks');
    await client.end();
    return rows.map((r) => r.key);
  },
  s3: async () => readdirSync(spoolDir),
};

const backends: [Kind, () => FileStorage][] = [
  ['disk', () => createDiskFileStorage({ dir })],
  ['postgres', () => createPostgresFileStorage({ url: postgresUrl })],
  ['s3', () => createS3FileStorage({ ...s3.options, spoolDir })],
];

describe.each(backends)('the %s file storage', (kind, make) => {
  let files: FileStorage;
  beforeAll(() => {
    files = make();
  });
  afterAll(() => files.close());

  it('streams a file in and gives the same bytes back', async () => {
    // Several PostgreSQL chunks and an odd tail.
    const bytes = randomBytes(CHUNK_BYTES * 3 + 12_345);
    const k = key();
    expect(await files.put(k, body(bytes))).toBe(bytes.length);
    const stream = await files.get(k);
    expect(stream).not.toBeNull();
    expect((await readAll(stream as Readable)).equals(bytes)).toBe(true);
  });

  it('keeps small and empty files too', async () => {
    const small = key();
    const empty = key();
    await files.put(small, body(Buffer.from('hello')));
    await files.put(empty, body(Buffer.alloc(0)));
    expect((await readAll((await files.get(small)) as Readable)).toString()).toBe('hello');
    expect((await readAll((await files.get(empty)) as Readable)).length).toBe(0);
  });

  it('answers null for a file that does not exist', async () => {
    expect(await files.get(key())).toBeNull();
  });

  it('deletes files, and deleting a missing one is not an error', async () => {
    const a = key();
    const b = key();
    await files.put(a, body(Buffer.from('a')));
    await files.put(b, body(Buffer.from('b')));
    await files.delete([a, key()]);
    expect(await files.get(a)).toBeNull();
    expect(await files.get(b)).not.toBeNull();
    await files.delete([]);
  });

  it('leaves nothing behind when the body fails half way, and rethrows its error', async () => {
    const k = key();
    const failure = new Error('client went away');
    await expect(files.put(k, body(randomBytes(CHUNK_BYTES * 2), failure))).rejects.toThrow(
      'client went away',
    );
    expect(await files.get(k)).toBeNull();
    expect(await leftovers[kind]()).not.toContain(k);
    if (kind !== 'postgres') expect(await leftovers[kind]()).toEqual([]);
  });

  it('refuses a key that is not a media sid (nothing a client chose reaches a path)', async () => {
    await expect(files.get('../parley.db')).rejects.toThrow('invalid key');
    await expect(files.put('ME../../x', body(Buffer.from('x')))).rejects.toThrow('invalid key');
  });
});

it('the disk storage leaves no part file when the body fails before the file is even open', async () => {
  const early = mkdtempSync(join(tmpdir(), 'parley-disk-early-'));
  const files = createDiskFileStorage({ dir: early });
  for (let i = 0; i < 20; i++) {
    const refused = new Readable({
      read() {
        this.destroy(new Error('refused at once'));
      },
    });
    await expect(files.put(key(), refused)).rejects.toThrow('refused at once');
  }
  // An open still in flight has finished by now: a part file it made would be here.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(readdirSync(early)).toEqual([]);
  rmSync(early, { recursive: true, force: true });
});

it('the disk storage keeps files readable by the server only', async () => {
  const files = createDiskFileStorage({ dir });
  const k = key();
  await files.put(k, body(Buffer.from('secret')));
  expect(existsSync(join(dir, k))).toBe(true);
  expect(statSync(join(dir, k)).mode & 0o077).toBe(0);
});
