/**
 * Media: files sent in a conversation. Each is stored outside the web root under a random
 * name, `<dataDir>/media/ME<32 hex>`, beside a JSON sidecar (`ME….json`) recording its channel,
 * file name, sniffed content type, size and uploader. The content type is never the client's:
 * it is read from the file's first bytes (magic numbers), and only images (png, jpeg, gif,
 * webp), pdf and plain text are kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { ParleyError } from '../errors.ts';

export interface MediaRecord {
  sid: string;
  channelSid: string;
  filename: string;
  contentType: string;
  size: number;
  /** The identity (visitor) or worker sid (agent) who uploaded it. */
  uploadedBy: string;
}

export interface MediaService {
  /** Checks and stores a file; throws a ParleyError naming the file when it is refused. */
  store(input: {
    channelSid: string;
    filename: string;
    bytes: Buffer;
    uploadedBy: string;
  }): Promise<MediaRecord>;
  /** The record and bytes of a stored file, or null when there is none. */
  read(sid: string): Promise<{ record: MediaRecord; bytes: Buffer } | null>;
  /** Just the record (to authorise before reading the bytes). */
  describe(sid: string): Promise<MediaRecord | null>;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
const SID = /^ME[0-9a-f]{32}$/;
const ALLOWED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
/** What each accepted extension must really contain. */
const TYPE_OF_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

/** Plain text: valid UTF-8 without control characters other than tab, newlines and form feed. */
function isPlainText(bytes: Buffer): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
  return !text.includes('\uFFFD') && !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/** The real content type of the bytes, or null when they are none of the allowed kinds. */
export async function sniffContentType(bytes: Buffer): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return ALLOWED.has(detected.mime) ? detected.mime : null;
  return isPlainText(bytes) ? 'text/plain' : null;
}

/** A file name safe to store and to echo: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed.
  const base = last.replace(/[\u0000-\u001F\u007F"]/g, '').trim();
  return base.slice(0, 200) || 'file';
}

export function createMediaService({
  dataDir,
  maxFileSize = DEFAULT_MAX_FILE_SIZE,
}: {
  dataDir: string;
  maxFileSize?: number;
}): MediaService {
  const dir = join(dataDir, 'media');
  const ready = mkdir(dir, { recursive: true, mode: 0o700 });

  async function describe(sid: string): Promise<MediaRecord | null> {
    if (!SID.test(sid)) return null;
    try {
      return JSON.parse(await readFile(join(dir, `${sid}.json`), 'utf8')) as MediaRecord;
    } catch {
      return null;
    }
  }

  return {
    async store({ channelSid, filename, bytes, uploadedBy }) {
      const name = cleanFilename(filename);
      if (bytes.length === 0) throw new ParleyError('invalid_file', `${name} is empty`, 400);
      if (bytes.length > maxFileSize) {
        throw new ParleyError('file_too_large', `${name} is larger than ${maxFileSize} bytes`, 413);
      }
      const contentType = await sniffContentType(bytes);
      const extension = name.includes('.') ? name.split('.').pop()?.toLowerCase() : undefined;
      const claimed = extension ? TYPE_OF_EXTENSION[extension] : 'text/plain';
      if (!contentType || !claimed) {
        throw new ParleyError(
          'unsupported_file_type',
          `${name} is not an image (png, jpeg, gif, webp), a pdf or plain text (.txt)`,
          415,
        );
      }
      // A name that promises one kind over bytes of another (a "cat.png" that is a script) is refused.
      if (claimed !== contentType) {
        throw new ParleyError(
          'unsupported_file_type',
          `${name} is not really a .${extension} file: its content is ${contentType}`,
          415,
        );
      }
      await ready;
      const sid = `ME${randomBytes(16).toString('hex')}`;
      const record: MediaRecord = {
        sid,
        channelSid,
        filename: name,
        contentType,
        size: bytes.length,
        uploadedBy,
      };
      // The bytes land under a temporary name first, so a reader never sees half a file.
      await writeFile(join(dir, `${sid}.part`), bytes, { mode: 0o600 });
      await rename(join(dir, `${sid}.part`), join(dir, sid));
      await writeFile(join(dir, `${sid}.json`), JSON.stringify(record), { mode: 0o600 });
      return record;
    },
    async read(sid) {
      const record = await describe(sid);
      if (!record) return null;
      return { record, bytes: await readFile(join(dir, sid)) };
    },
    describe,
  };
}
