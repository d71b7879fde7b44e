/**
 * Which file storage a server uses: S3 when a bucket is configured, else PostgreSQL when the
 * store is PostgreSQL (nodes share files through the database), else local disk.
 */
import { join } from 'node:path';
import { createDiskFileStorage } from './disk.ts';
import { createPostgresFileStorage } from './postgres.ts';
import { createS3FileStorage, type S3StorageOptions } from './s3.ts';
import type { FileStorage } from './types.ts';

export type { S3StorageOptions } from './s3.ts';
export type { FileStorage } from './types.ts';

export function createFileStorage({
  dataDir,
  databaseUrl,
  s3,
}: {
  dataDir: string;
  databaseUrl?: string;
  s3?: S3StorageOptions;
}): FileStorage {
  if (s3) return createS3FileStorage(s3);
  if (databaseUrl) return createPostgresFileStorage({ url: databaseUrl });
  return createDiskFileStorage({ dir: join(dataDir, 'media') });
}
