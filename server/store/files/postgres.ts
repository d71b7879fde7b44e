/**
 * Files in PostgreSQL, as rows of `file_chunks (key, seq, data bytea)` of 256 KiB each: every
 * node on the database sees every file with nothing else to run. An upload holds one chunk in
 * memory at a time and no connection between chunks; a download reads one chunk per row, so
 * neither buffers a whole file. The table is created by the store's migrations.
 */
import { Readable } from 'node:stream';
import pg from 'pg';
import { assertKey, type FileStorage } from './types.ts';

export const CHUNK_BYTES = 256 * 1024;

export interface PostgresFileStorageOptions {
  url: string;
  /** Connections in this storage's own pool, apart from the store's (default 4). */
  max?: number;
}

export function createPostgresFileStorage({ url, max = 4 }: PostgresFileStorageOptions): FileStorage {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection that dies (the database restarts) must not crash the process.
  pool.on('error', () => {});

  const insert = (key: string, seq: number, data: Buffer) =>
    pool.query('INSERT INTO file_chunks (key, seq, data) VALUES ($1, $2, $3)', [key, seq, data]);
  const chunk = async (key: string, seq: number): Promise<Buffer | null> => {
    const { rows } = await pool.query('SELECT data FROM file_chunks WHERE key = $1 AND seq = $2', [key, seq]);
    return rows[0] ? (rows[0].data as Buffer) : null;
  };

  return {
    kind: 'postgres',
    async put(key, body) {
      assertKey(key);
      let seq = 0;
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await insert(key, seq++, data);
      };
      try {
        for await (const piece of body) {
          const buffer = piece as Buffer;
          size += buffer.length;
          pending.push(buffer);
          pendingBytes += buffer.length;
          while (pendingBytes >= CHUNK_BYTES) {
            const all = Buffer.concat(pending, pendingBytes);
            pending = [all.subarray(0, CHUNK_BYTES)];
            pendingBytes = CHUNK_BYTES;
            const rest = all.subarray(CHUNK_BYTES);
            await flush();
            if (rest.length > 0) {
              pending = [rest];
              pendingBytes = rest.length;
            }
          }
        }
        // An empty file is still a file: it has one empty chunk.
        if (pendingBytes > 0 || seq === 0) await flush();
      } catch (err) {
        await pool.query('DELETE FROM file_chunks WHERE key = $1', [key]).catch(() => {});
        throw err;
      }
      return size;
    },
    async get(key) {
      assertKey(key);
      const first = await chunk(key, 0);
      if (!first) return null;
      return Readable.from(
        (async function* () {
          yield first;
          for (let seq = 1; ; seq++) {
            const next = await chunk(key, seq);
            if (!next) return;
            yield next;
          }
        })(),
        { objectMode: false },
      );
    },
    async delete(keys) {
      if (keys.length === 0) return;
      for (const key of keys) assertKey(key);
      await pool.query('DELETE FROM file_chunks WHERE key = ANY($1)', [keys]);
    },
    async close() {
      await pool.end();
    },
  };
}
