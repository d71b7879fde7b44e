/**
 * Media: files sent in a conversation. The bytes go to the file storage (disk, PostgreSQL or
 * S3) under a random sid, streamed through the upload checks (size, real type) without ever
 * being held whole in memory; the record (channel, file name, sniffed type, size, uploader)
 * goes to the store, so any node can describe and serve any file.
 *
 * Guarantees: a file is only recorded while its channel is active and within the channel's
 * quota (checked atomically with the insert, so uploads finishing together on several nodes
 * cannot pass it); a refused or broken upload leaves no bytes behind; deleting a channel's
 * media removes the bytes before the records, so a record never outlives a failure silently.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { notFound, ParleyError } from '../errors.ts';
import { type Clock, systemClock } from '../ids.ts';
import type { FileStorage } from '../store/files/types.ts';
import type { MediaRecord, Store } from '../store/types.ts';
import { fileTooLarge, TYPE_OF_EXTENSION, UploadCheck, unsupportedType } from './upload-check.ts';

export type { MediaRecord } from '../store/types.ts';

export interface MediaLimits {
  /** The largest file, in bytes (PARLEY_UPLOAD_MAX_BYTES). */
  maxFileSize: number;
  /** Files one conversation may hold (PARLEY_CHANNEL_MAX_FILES). */
  channelMaxFiles: number;
  /** Bytes one conversation's files may total (PARLEY_CHANNEL_MAX_BYTES). */
  channelMaxBytes: number;
  /** Uploads by visitors from one address per minute, counted by the HTTP transport (PARLEY_UPLOADS_PER_MINUTE_PER_IP). */
  uploadsPerMinutePerIp: number;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  channelMaxFiles: 50,
  channelMaxBytes: 100 * 1024 * 1024,
  uploadsPerMinutePerIp: 20,
};

export interface UploadInput {
  channelSid: string;
  filename: string;
  body: Readable;
  /** The length the client announced (Content-Length), refused at once when over the limit. */
  declaredSize?: number;
  uploadedBy: string;
}

/** A file name safe to store and to echo: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed.
  const base = last.replace(/[\u0000-\u001F\u007F"]/g, '').trim();
  return base.slice(0, 200) || 'file';
}

const channelEnded = (channelSid: string) =>
  new ParleyError(
    'channel_ended',
    `Conversation ${channelSid} has ended: files can no longer be sent to it; start a new chat to send one`,
    409,
  );
const tooManyFiles = (limits: MediaLimits) =>
  new ParleyError(
    'too_many_files',
    `This conversation already holds ${limits.channelMaxFiles} files, the most it may hold (PARLEY_CHANNEL_MAX_FILES)`,
    409,
  );
const quotaReason = (limits: MediaLimits) =>
  `what is left of this conversation's ${limits.channelMaxBytes} bytes for files (PARLEY_CHANNEL_MAX_BYTES)`;
const SIZE_REASON = 'the largest file allowed (PARLEY_UPLOAD_MAX_BYTES)';

export type MediaService = ReturnType<typeof createMediaService>;

export function createMediaService({
  store,
  files,
  limits = DEFAULT_MEDIA_LIMITS,
  clock = systemClock,
}: {
  store: Store;
  /** Where the bytes go; without it uploads are refused (records can still be listed and deleted). */
  files?: FileStorage;
  limits?: MediaLimits;
  clock?: Clock;
}) {
  const quota = { maxFiles: limits.channelMaxFiles, maxBytes: limits.channelMaxBytes };

  return {
    limits,

    /**
     * Streams a file into storage and records it; throws a ParleyError naming the file and
     * the limit when it is refused (before reading a byte whenever that can be known).
     */
    async upload({
      channelSid,
      filename,
      body,
      declaredSize,
      uploadedBy,
    }: UploadInput): Promise<MediaRecord> {
      if (!files) throw new ParleyError('not_implemented', 'This server has no file storage', 501);
      const name = cleanFilename(filename);
      const extension = name.includes('.') ? name.split('.').pop()?.toLowerCase() : undefined;
      const claimed = extension ? TYPE_OF_EXTENSION[extension] : 'text/plain';
      if (!claimed) throw unsupportedType(name);

      const channel = await store.channels.get(channelSid);
      if (!channel) throw notFound('Channel', channelSid);
      if (channel.status !== 'active') throw channelEnded(channelSid);
      const used = await store.media.usage(channelSid);
      if (used.files >= limits.channelMaxFiles) throw tooManyFiles(limits);
      const left = limits.channelMaxBytes - used.bytes;
      const [limit, reason] =
        left < limits.maxFileSize
          ? [Math.max(0, left), quotaReason(limits)]
          : [limits.maxFileSize, SIZE_REASON];
      if (declaredSize !== undefined && declaredSize > limit) throw fileTooLarge(name, limit, reason);

      const sid = `ME${randomBytes(16).toString('hex')}`;
      const check = new UploadCheck(name, claimed, limit, reason);
      // A client that goes away mid-upload fails the write, which removes the partial file.
      const abort = (err?: Error) =>
        check.destroy(err ?? new ParleyError('upload_aborted', 'The upload was interrupted', 400));
      body.once('error', abort);
      body.once('aborted', () => abort());
      check.once('error', () => body.unpipe(check));
      body.pipe(check);
      try {
        await files.put(sid, check);
      } finally {
        body.off('error', abort);
      }

      const record: MediaRecord = {
        sid,
        channelSid,
        filename: name,
        contentType: check.contentType ?? claimed,
        size: check.size,
        uploadedBy,
        dateCreated: clock().toISOString(),
      };
      const added = await store.media.add(record, quota).catch(async (err) => {
        await files.delete([sid]);
        throw err;
      });
      if (added === 'added') return record;
      await files.delete([sid]);
      if (added === 'channel_inactive') throw channelEnded(channelSid);
      if (added === 'too_many_files') throw tooManyFiles(limits);
      throw fileTooLarge(name, limit, quotaReason(limits));
    },

    /** The record of a file (to authorise before reading its bytes), or null. */
    async describe(sid: string): Promise<MediaRecord | null> {
      return /^ME[0-9a-f]{32}$/.test(sid) ? store.media.get(sid) : null;
    },

    /** The record and a stream of the bytes, or null when either is missing. */
    async open(sid: string): Promise<{ record: MediaRecord; body: Readable } | null> {
      const record = await this.describe(sid);
      const body = record && files ? await files.get(sid) : null;
      return record && body ? { record, body } : null;
    },

    list(channelSids: string[]): Promise<MediaRecord[]> {
      return store.media.listByChannels(channelSids);
    },

    /** Deletes the files of these channels, bytes and records; how many there were. */
    async deleteOfChannels(channelSids: string[]): Promise<number> {
      const records = await store.media.listByChannels(channelSids);
      const sids = records.map((r) => r.sid);
      if (sids.length === 0) return 0;
      await files?.delete(sids);
      await store.media.delete(sids);
      return sids.length;
    },
  };
}
