/**
 * Files wherever they are stored: on local disk (one node), in PostgreSQL (several nodes, nothing
 * else to run) and in S3-compatible storage (a real s3rver on loopback), under both store
 * engines. A file uploaded through one node downloads through another; erasing a contact and
 * retention delete the bytes in the storage itself, not just the record.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRetention } from '../../server/core/retention.ts';
import { readAll } from '../../server/store/files/disk.ts';
import { createPostgresFileStorage } from '../../server/store/files/postgres.ts';
import { createS3FileStorage } from '../../server/store/files/s3.ts';
import type { FileStorage } from '../../server/store/files/types.ts';
import { openWebChannel } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startS3, type TestS3 } from '../helpers/s3.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { PNG } from '../helpers/uploads.ts';

let postgres: TestPostgres;
let s3: TestS3;
let nodes: TestParley[] = [];
const storages: FileStorage[] = [];

beforeAll(async () => {
  [postgres, s3] = await Promise.all([startPostgres(), startS3()]);
}, 180_000);
afterAll(async () => {
  for (const storage of storages) await storage.close();
  postgres?.stop();
  await s3?.stop();
});
afterEach(async () => {
  for (const node of nodes) await node.stop();
  nodes = [];
});

async function upload(node: TestParley, channelSid: string, token: string, bytes: Buffer = PNG) {
  const res = await fetch(`${node.url}/media/${channelSid}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-filename': 'receipt.png' },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { sid: string; size: number };
}

const download = (node: TestParley, sid: string, token: string) =>
  fetch(`${node.url}/media/${sid}`, { headers: { authorization: `Bearer ${token}` } });

/** A chat with a visitor, and its contact's sid. */
async function chat(node: TestParley) {
  const session = await openWebChannel(node.url, { flexFlowSid: node.flexFlowSid });
  const channel = await node.api('GET', `/v1/Channels/${session.channelSid}`);
  return { ...session, contactSid: channel.body.contactSid as string };
}

type Where = 'disk' | 'postgres' | 's3';
const setups: [string, 'sqlite' | 'postgres', Where][] = [
  ['SQLite, files on disk', 'sqlite', 'disk'],
  ['PostgreSQL, files in PostgreSQL', 'postgres', 'postgres'],
  ['SQLite, files in S3', 'sqlite', 's3'],
  ['PostgreSQL, files in S3', 'postgres', 's3'],
];

describe.each(setups)('with %s', (_name, engine, where) => {
  /** Starts a node of this setup; `databaseUrl` shares a database between nodes. */
  async function node(databaseUrl?: string) {
    const started = await startParley({
      ...(engine === 'postgres' && { databaseUrl }),
      ...(where === 's3' && { s3: s3.options }),
    });
    nodes.push(started);
    return started;
  }

  /** Whether the bytes are still in the storage itself (not asking Parley). */
  async function existsInStorage(n: TestParley, databaseUrl: string | undefined, sid: string) {
    if (where === 'disk') return existsSync(join(n.dataDir, 'media', sid));
    const storage =
      where === 's3'
        ? createS3FileStorage(s3.options)
        : createPostgresFileStorage({ url: databaseUrl as string });
    storages.push(storage);
    const stream = await storage.get(sid);
    if (stream) await readAll(stream as Readable);
    return stream !== null;
  }

  it('stores the bytes there, and erasing the contact deletes them there', async () => {
    const databaseUrl = engine === 'postgres' ? await postgres.createDatabase() : undefined;
    const a = await node(databaseUrl);
    const { channelSid, token, contactSid } = await chat(a);
    const { sid } = await upload(a, channelSid, token);
    expect(await existsInStorage(a, databaseUrl, sid)).toBe(true);
    // Only the disk setup writes files under the data dir.
    expect(existsSync(join(a.dataDir, 'media', sid))).toBe(where === 'disk');

    const erased = await a.api('DELETE', `/v1/Contacts/${contactSid}`);
    expect(erased.body).toMatchObject({ contactSid, mediaFiles: 1 });
    expect(await existsInStorage(a, databaseUrl, sid)).toBe(false);
    expect(await a.server.core.store.media.get(sid)).toBeNull();
    expect((await download(a, sid, token)).status).toBe(404);
  });

  it('retention deletes the bytes of the conversations it deletes', async () => {
    const databaseUrl = engine === 'postgres' ? await postgres.createDatabase() : undefined;
    const a = await node(databaseUrl);
    const { channelSid, token } = await chat(a);
    const { sid } = await upload(a, channelSid, token);
    const { core } = a.server;
    const later = new Date(Date.now() + 10 * 86_400_000);
    const retention = createRetention({
      store: core.store,
      clock: () => later,
      log: pino({ level: 'silent' }),
      days: 7,
      media: core.media,
    });
    expect(await retention.sweep()).toBeGreaterThanOrEqual(1);
    expect(await core.store.channels.get(channelSid)).toBeNull();
    expect(await existsInStorage(a, databaseUrl, sid)).toBe(false);
    expect(await core.store.media.get(sid)).toBeNull();
  });

  if (where !== 'disk') {
    it('serves a file uploaded through one node from another, both ways, and erasure through either removes it', async () => {
      const databaseUrl = engine === 'postgres' ? await postgres.createDatabase() : undefined;
      // SQLite nodes share a store only in this test (one data dir); PostgreSQL nodes share the database.
      const a = await node(databaseUrl);
      const b =
        engine === 'postgres'
          ? await node(databaseUrl)
          : await startParley({ keepDataDir: a.dataDir, s3: s3.options, seedDemo: false });
      if (engine === 'sqlite') nodes.push(b);
      b.flexFlowSid = a.flexFlowSid;
      const { channelSid, token, contactSid } = await chat(a);
      const big = Buffer.concat([PNG, Buffer.alloc(700_000, 7)]);
      const fromA = await upload(a, channelSid, token, big);
      const fromB = await upload(b, channelSid, token);
      const onB = await download(b, fromA.sid, token);
      expect(onB.status).toBe(200);
      expect(onB.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await onB.arrayBuffer()).equals(big)).toBe(true);
      expect(Buffer.from(await (await download(a, fromB.sid, token)).arrayBuffer()).equals(PNG)).toBe(true);

      const erased = await b.api('DELETE', `/v1/Contacts/${contactSid}`);
      expect(erased.body.mediaFiles).toBe(2);
      for (const sid of [fromA.sid, fromB.sid]) {
        expect(await existsInStorage(a, databaseUrl, sid)).toBe(false);
        expect((await download(a, sid, token)).status).toBe(404);
      }
    });
  }
});

describe('files uploaded before media records were in the store', () => {
  it('are recorded at start from their sidecars and served again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-sidecars-'));
    try {
      const first = await startParley({ keepDataDir: dataDir });
      const { channelSid, token } = await chat(first);
      await first.stop();
      // The layout an older Parley left: the bytes and a JSON sidecar beside them.
      const sid = `ME${'ab'.repeat(16)}`;
      mkdirSync(join(dataDir, 'media'), { recursive: true });
      writeFileSync(join(dataDir, 'media', sid), PNG);
      writeFileSync(
        join(dataDir, 'media', `${sid}.json`),
        JSON.stringify({
          sid,
          channelSid,
          filename: 'old.png',
          contentType: 'image/png',
          size: PNG.length,
          uploadedBy: 'US1',
        }),
      );
      const second = await startParley({ keepDataDir: dataDir });
      nodes.push(second);
      const res = await download(second, sid, token);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
      expect(existsSync(join(dataDir, 'media', `${sid}.json`))).toBe(false);
      expect(await second.server.core.store.media.get(sid)).toMatchObject({
        channelSid,
        filename: 'old.png',
      });
    } finally {
      for (const node of nodes.splice(0)) await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
