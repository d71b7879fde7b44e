/**
 * A real S3-protocol server for tests: s3rver on 127.0.0.1, port 0, storing into a temp dir,
 * with one bucket. `options` are what Parley's S3 file storage needs to reach it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3StorageOptions } from '../../server/store/files/s3.ts';

export interface TestS3 {
  endpoint: string;
  dir: string;
  options: S3StorageOptions;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'parley-test'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    dir,
    options: {
      bucket,
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
