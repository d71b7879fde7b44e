/**
 * Upload limits on a real server: the size limit enforced while the body streams (no
 * Content-Length to trust), files and bytes per conversation (also when uploads race), uploads
 * per address per minute, no files into a chat that has ended, and nothing left behind by a
 * refused or broken upload.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWebChannel } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { PNG, streamUpload } from '../helpers/uploads.ts';

const KB = 1024;
let parley: TestParley;
let limited: TestParley;

beforeAll(async () => {
  [parley, limited] = await Promise.all([
    startParley({
      uploads: {
        maxFileSize: 64 * KB,
        channelMaxFiles: 3,
        channelMaxBytes: 100 * KB,
        uploadsPerMinutePerIp: 1000,
      },
    }),
    startParley({ uploads: { uploadsPerMinutePerIp: 3 } }),
  ]);
});
afterAll(async () => {
  await parley?.stop();
  await limited?.stop();
});

const chat = (server = parley) => openWebChannel(server.url, { flexFlowSid: server.flexFlowSid });
/** Files in the media directory, finished or not. */
const stored = () => readdirSync(join(parley.dataDir, 'media'));

/** Resolves once `check` passes (the server finishes cleaning up after the client is gone). */
async function eventually(check: () => void, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe('the size limit', () => {
  it('refuses a streamed body at the first byte past the limit, naming it, and keeps nothing', async () => {
    const { channelSid, token } = await chat();
    const before = stored();
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'log.txt',
      size: 1024 * KB,
      declareLength: false,
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('file_too_large');
    expect(res.body.message).toContain('log.txt is larger than 65536 bytes');
    expect(res.body.message).toContain('PARLEY_UPLOAD_MAX_BYTES');
    await eventually(() => expect(stored()).toEqual(before));
    expect(await parley.server.core.store.media.usage(channelSid)).toEqual({ files: 0, bytes: 0 });
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    const { channelSid, token } = await chat();
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'big.png',
      size: 65 * KB,
      head: PNG,
    });
    expect(res.status).toBe(413);
  });

  it('accepts a file of exactly the limit', async () => {
    const { channelSid, token } = await chat();
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'limit.txt',
      size: 64 * KB,
      declareLength: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'text/plain', size: 64 * KB });
  });

  it('removes the partial file of a client that goes away mid-upload', async () => {
    const { channelSid, token } = await chat();
    const before = stored();
    await streamUpload(parley.url, channelSid, token, {
      filename: 'half.txt',
      size: 60 * KB,
      abortAfter: 20 * KB,
      // The client goes away once the server is writing the file.
      beforeAbort: () => eventually(() => expect(stored().some((f) => f.endsWith('.part'))).toBe(true)),
    });
    await eventually(() => expect(stored()).toEqual(before));
    expect(await parley.server.core.store.media.usage(channelSid)).toEqual({ files: 0, bytes: 0 });
  });

  it('refuses bytes that turn out not to be text part way through a .txt', async () => {
    const { channelSid, token } = await chat();
    const before = stored();
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'notes.txt',
      size: 40 * KB,
      head: Buffer.concat([Buffer.alloc(30 * KB, 0x61), Buffer.from([0x00, 0x01, 0x02])]),
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({
      code: 'unsupported_file_type',
      message: expect.stringContaining('notes.txt'),
    });
    await eventually(() => expect(stored()).toEqual(before));
  });
});

describe('the quota of a conversation', () => {
  it('counts its files: the fourth is refused with the setting to change', async () => {
    const { channelSid, token } = await chat();
    for (let i = 0; i < 3; i++) {
      const res = await streamUpload(parley.url, channelSid, token, {
        filename: `p${i}.png`,
        size: PNG.length,
        head: PNG,
      });
      expect(res.status).toBe(201);
    }
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'p3.png',
      size: PNG.length,
      head: PNG,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'too_many_files' });
    expect(res.body.message).toContain('already holds 3 files');
    // Another conversation has its own quota.
    const other = await chat();
    expect(
      (
        await streamUpload(parley.url, other.channelSid, other.token, {
          filename: 'p.png',
          size: PNG.length,
          head: PNG,
        })
      ).status,
    ).toBe(201);
  });

  it('counts its bytes: a file bigger than what is left is refused, naming what is left', async () => {
    const { channelSid, token } = await chat();
    const first = await streamUpload(parley.url, channelSid, token, { filename: 'a.txt', size: 60 * KB });
    expect(first.status).toBe(201);
    const second = await streamUpload(parley.url, channelSid, token, {
      filename: 'b.txt',
      size: 60 * KB,
      declareLength: false,
    });
    expect(second.status).toBe(413);
    expect(second.body.message).toContain('b.txt is larger than 40960 bytes');
    expect(second.body.message).toContain('PARLEY_CHANNEL_MAX_BYTES');
    expect(await parley.server.core.store.media.usage(channelSid)).toEqual({ files: 1, bytes: 60 * KB });
  });

  it('holds when uploads race: of eight at once, exactly three are kept', async () => {
    const { channelSid, token } = await chat();
    const before = stored().length;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        streamUpload(parley.url, channelSid, token, { filename: `r${i}.txt`, size: 8 * KB }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    expect(await parley.server.core.store.media.usage(channelSid)).toEqual({ files: 3, bytes: 24 * KB });
    await eventually(() => expect(stored()).toHaveLength(before + 3));
  });
});

describe('an ended chat', () => {
  it('takes no more files, with a message that says to start a new chat', async () => {
    const { channelSid, token } = await chat();
    const ended = await parley.api('POST', `/v1/Channels/${channelSid}`, { status: 'inactive' });
    expect(ended.status).toBe(200);
    const res = await streamUpload(parley.url, channelSid, token, {
      filename: 'late.png',
      size: PNG.length,
      head: PNG,
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('channel_ended');
    expect(res.body.message).toContain('start a new chat');
  });
});

describe('uploads per address', () => {
  it('are limited per minute for visitors, with a 429 that says how many and when to retry', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { channelSid, token } = await chat(limited);
      const res = await streamUpload(limited.url, channelSid, token, {
        filename: 'p.png',
        size: PNG.length,
        head: PNG,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.code).toBe('rate_limited');
        expect(res.body.message).toContain('at most 3 a minute');
      }
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});
