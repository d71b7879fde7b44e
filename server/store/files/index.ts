/**
 * Which file storage a server uses: S3 when a bucket is configured, else PostgreSQL when the
 * store is PostgreSQL (nodes share files through the database), else local disk.
 */
import { join } from 'node:path';
import { createDiskFileStorage } from './disk.ts';
import { createPostgresFileStorage } from './postgres.ts';
import type { S3StorageOptions } from './s3.ts';
import type { FileStorage } from './types.ts';

export type { S3StorageOptions } from './s3.ts';
export type { FileStorage } from './types.ts';

export async function createFileStorage({
  dataDir,
  databaseUrl,
  s3,
}: {
  dataDir: string;
  databaseUrl?: string;
  s3?: S3StorageOptions;
}): Promise<FileStorage> {
  if (s3) {
    // The AWS SDK loads only where S3 is configured: elsewhere it would cost ~27 MB and most of a second.
    const { createS3FileStorage } = await import('./s3.ts');
    return createS3FileStorage(s3);
  }
  if (databaseUrl) return createPostgresFileStorage({ url: databaseUrl });
  return createDiskFileStorage({ dir: join(dataDir, 'media') });
}
