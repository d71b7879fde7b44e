/** File storage and upload limits from the environment: what each variable sets, and the errors that say what to fix. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const base = {
  PARLEY_DATA_DIR: '/tmp/parley-config-test',
  PARLEY_ADMIN_KEY: 'k'.repeat(20),
  PARLEY_SECRET: 's'.repeat(20),
};
const load = (env: Record<string, string>) => loadConfig('serve', { ...base, ...env });

describe('file storage settings', () => {
  it('keep files on disk (or in PostgreSQL) when no bucket is set', () => {
    expect(load({}).s3).toBeUndefined();
  });

  it('read every PARLEY_S3_* variable into the S3 storage options', () => {
    expect(
      load({
        PARLEY_S3_BUCKET: 'chat-files',
        PARLEY_S3_ENDPOINT: 'https://minio.internal:9000',
        PARLEY_S3_REGION: 'eu-west-1',
        PARLEY_S3_ACCESS_KEY_ID: 'AKIA1',
        PARLEY_S3_SECRET_ACCESS_KEY: 'secret',
        PARLEY_S3_FORCE_PATH_STYLE: 'true',
      }).s3,
    ).toEqual({
      bucket: 'chat-files',
      endpoint: 'https://minio.internal:9000',
      region: 'eu-west-1',
      accessKeyId: 'AKIA1',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
  });

  it('give a self-hosted store a region to sign with, and ask for one on AWS', () => {
    expect(load({ PARLEY_S3_BUCKET: 'b', PARLEY_S3_ENDPOINT: 'http://127.0.0.1:9000' }).s3?.region).toBe(
      'us-east-1',
    );
    expect(() => load({ PARLEY_S3_BUCKET: 'b' })).toThrow(/PARLEY_S3_REGION, e\.g\./);
  });

  it('refuse half a configuration with the variable to fix', () => {
    expect(() => load({ PARLEY_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(
      'PARLEY_S3_ENDPOINT is set but PARLEY_S3_BUCKET is not',
    );
    expect(() =>
      load({ PARLEY_S3_BUCKET: 'b', PARLEY_S3_REGION: 'x', PARLEY_S3_ACCESS_KEY_ID: 'a' }),
    ).toThrow('PARLEY_S3_ACCESS_KEY_ID and PARLEY_S3_SECRET_ACCESS_KEY go together');
    expect(() => load({ PARLEY_S3_BUCKET: 'b', PARLEY_S3_ENDPOINT: 'minio:9000' })).toThrow(
      'PARLEY_S3_ENDPOINT must be an http(s) URL',
    );
    expect(() =>
      load({ PARLEY_S3_BUCKET: 'b', PARLEY_S3_REGION: 'x', PARLEY_S3_FORCE_PATH_STYLE: 'maybe' }),
    ).toThrow('PARLEY_S3_FORCE_PATH_STYLE must be on or off');
  });
});

describe('upload limits', () => {
  it('are read from the environment, unset ones left to their defaults', () => {
    expect(load({}).uploads).toEqual({});
    expect(
      load({
        PARLEY_UPLOAD_MAX_BYTES: '1048576',
        PARLEY_CHANNEL_MAX_FILES: '5',
        PARLEY_CHANNEL_MAX_BYTES: '5242880',
        PARLEY_UPLOADS_PER_MINUTE_PER_IP: '3',
      }).uploads,
    ).toEqual({
      maxFileSize: 1048576,
      channelMaxFiles: 5,
      channelMaxBytes: 5242880,
      uploadsPerMinutePerIp: 3,
    });
  });

  it('must be whole numbers above 0', () => {
    expect(() => load({ PARLEY_UPLOAD_MAX_BYTES: '10MB' })).toThrow(
      'PARLEY_UPLOAD_MAX_BYTES must be a whole number above 0, got "10MB"',
    );
  });
});
