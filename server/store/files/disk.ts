/**
 * Files on local disk, `<dir>/<key>`, readable by the server's user only. A file is written
 * under `<key>.part` and renamed when complete, so a reader never sees half a file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertKey, type FileStorage } from './types.ts';

export function createDiskFileStorage({ dir }: { dir: string }): FileStorage {
  const ready = mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    kind: 'disk',
    async put(key, body) {
      assertKey(key);
      await ready;
      const part = join(dir, `${key}.part`);
      const out = createWriteStream(part, { mode: 0o600 });
      try {
        await pipeline(body, out);
        await rename(part, join(dir, key));
      } catch (err) {
        // The file is opened in the background: a body refused before the open finished would
        // have the part file appear after the removal below, and stay. Its close comes after.
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        await rm(part, { force: true });
        throw err;
      }
      return out.bytesWritten;
    },
    async get(key) {
      assertKey(key);
      try {
        await stat(join(dir, key));
      } catch {
        return null;
      }
      return createReadStream(join(dir, key));
    },
    async delete(keys) {
      for (const key of keys) {
        assertKey(key);
        await rm(join(dir, key), { force: true });
      }
    },
    async close() {},
  };
}

/** Reads a whole stream (tests and small files only). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
