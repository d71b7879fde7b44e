/**
 * Files in S3-compatible object storage (AWS S3, MinIO, Ceph, R2…) through the official AWS
 * SDK, as objects `media/<key>` of one bucket. An upload is spooled to a temporary file
 * first: S3 needs an object's length before it is sent, and a temporary file keeps the
 * server's memory flat whatever the size; it is removed whatever happens.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertKey, type FileStorage } from './types.ts';

export interface S3StorageOptions {
  bucket: string;
  /** The service's URL for S3-compatible stores (MinIO, Ceph…); AWS when unset. */
  endpoint?: string;
  region: string;
  /** Both or neither: without them the SDK's usual chain (AWS_* variables, instance roles) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (most self-hosted stores need it). */
  forcePathStyle?: boolean;
  /** Where uploads are spooled (default the system's temporary directory). */
  spoolDir?: string;
}

const objectKey = (key: string) => `media/${key}`;

export function createS3FileStorage(options: S3StorageOptions): FileStorage {
  const { bucket, spoolDir = tmpdir() } = options;
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // Checksums only where S3 requires them: many S3-compatible stores reject the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  return {
    kind: 's3',
    async put(key, body) {
      assertKey(key);
      const dir = await mkdtemp(join(spoolDir, 'parley-upload-'));
      try {
        const spool = join(dir, key);
        const out = createWriteStream(spool, { mode: 0o600 });
        await pipeline(body, out);
        const size = out.bytesWritten;
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            Body: createReadStream(spool),
            ContentLength: size,
            ContentType: 'application/octet-stream',
          }),
        );
        return size;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async get(key) {
      assertKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return (object.Body as Readable | undefined) ?? null;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    async delete(keys) {
      for (const key of keys) {
        assertKey(key);
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      }
    },
    async close() {
      client.destroy();
    },
  };
}
