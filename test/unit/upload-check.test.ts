/**
 * The checks an upload passes as it streams: its real type from its first bytes against its
 * name, text checked to the end, and the size limit at the first byte past it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { UploadCheck } from '../../server/core/upload-check.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Streams `pieces` through a check; the bytes that came out, or the error. */
async function run(pieces: Buffer[], filename: string, claimed: string, limit = 1_000_000) {
  const check = new UploadCheck(filename, claimed, limit, 'the test limit');
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces, { objectMode: false }), check, async (source) => {
    for await (const chunk of source) out.push(chunk as Buffer);
  });
  return { bytes: Buffer.concat(out), check };
}

describe('an upload check', () => {
  it('passes every byte of a real png through, and tells its type', async () => {
    const body = Buffer.concat([PNG, Buffer.alloc(10_000, 1)]);
    const { bytes, check } = await run([body.subarray(0, 100), body.subarray(100)], 'a.png', 'image/png');
    expect(bytes.equals(body)).toBe(true);
    expect(check.contentType).toBe('image/png');
    expect(check.size).toBe(body.length);
  });

  it('refuses a png that is a script, from its first bytes', async () => {
    const script = Buffer.from('<script>alert(1)</script>');
    await expect(run([script], 'cat.png', 'image/png')).rejects.toMatchObject({
      code: 'unsupported_file_type',
      status: 415,
      message: 'cat.png is not really a .png file: its content is text/plain',
    });
  });

  it('refuses text that stops being text after its first bytes', async () => {
    const pieces = [Buffer.alloc(8_192, 0x61), Buffer.from([0x61, 0x00, 0x61])];
    await expect(run(pieces, 'notes.txt', 'text/plain')).rejects.toMatchObject({
      code: 'unsupported_file_type',
      message: 'notes.txt is not really a .txt file: it is not plain text',
    });
  });

  it('accepts UTF-8 characters split between pieces, and refuses a truncated one at the end', async () => {
    const text = Buffer.from('é'.repeat(3_000));
    const { bytes } = await run([text.subarray(0, 4_999), text.subarray(4_999)], 'e.txt', 'text/plain');
    expect(bytes.equals(text)).toBe(true);
    await expect(
      run([Buffer.alloc(5_000, 0x61), Buffer.from([0xc3])], 'cut.txt', 'text/plain'),
    ).rejects.toMatchObject({ message: 'cut.txt is not really a .txt file: not valid UTF-8 text' });
  });

  it('fails at the first byte past the limit, naming the file, the limit and why', async () => {
    const pieces = Array.from({ length: 10 }, () => Buffer.alloc(1_000, 0x61));
    await expect(run(pieces, 'big.txt', 'text/plain', 4_500)).rejects.toMatchObject({
      code: 'file_too_large',
      status: 413,
      message: 'big.txt is larger than 4500 bytes, the test limit',
    });
  });

  it('refuses an empty file', async () => {
    await expect(run([], 'empty.txt', 'text/plain')).rejects.toMatchObject({ code: 'invalid_file' });
  });
});
