/**
 * Where uploaded files' bytes live. One interface, three places: local disk (one node, the
 * default), PostgreSQL (several nodes sharing the database) and S3-compatible object storage.
 * The bytes only: what a file is (its channel, name, type, size) is a media record in the
 * store, so any node can describe a file without touching its bytes.
 */
import type { Readable } from 'node:stream';

export interface FileStorage {
  readonly kind: 'disk' | 'postgres' | 's3';
  /**
   * Streams `body` into the file `key` and resolves with the number of bytes written. The
   * file appears whole or not at all: when the body fails (an aborted upload, a refused
   * size), nothing is left under `key` and the body's error is rethrown.
   */
  put(key: string, body: Readable): Promise<number>;
  /** The file's bytes as a stream, or null when there is no such file. */
  get(key: string): Promise<Readable | null>;
  /** Deletes these files; a key with no file is not an error. */
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Keys are media sids: nothing a client chose reaches a path, a row or an object name. */
export const FILE_KEY = /^ME[0-9a-f]{32}$/;

export function assertKey(key: string): void {
  if (!FILE_KEY.test(key)) throw new Error(`file storage: invalid key "${key}"`);
}
