/**
 * Privacy requests: export everything stored about a contact, and erase a contact (its
 * messages, files and attributes; its tasks keep no personal data). Files are the media
 * service's, found by the channel their sidecar records.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound, ParleyError } from '../errors.ts';
import type { ContactRecord, PrivacyRepository, Store } from '../store/types.ts';
import type { EventBus } from './events.ts';

export interface MediaFile {
  sid: string;
  channelSid: string;
  filename: string;
  contentType: string;
  size: number;
}

/** The files of these channels under `<mediaDir>` (sidecars `ME….json`). */
export async function mediaOf(mediaDir: string | undefined, channelSids: string[]): Promise<MediaFile[]> {
  if (!mediaDir || channelSids.length === 0) return [];
  const wanted = new Set(channelSids);
  let names: string[];
  try {
    names = await readdir(mediaDir);
  } catch {
    return [];
  }
  const files: MediaFile[] = [];
  for (const name of names.filter((n) => /^ME[0-9a-f]{32}\.json$/.test(n))) {
    try {
      const record = JSON.parse(await readFile(join(mediaDir, name), 'utf8')) as MediaFile;
      if (wanted.has(record.channelSid)) {
        const { sid, channelSid, filename, contentType, size } = record;
        files.push({ sid, channelSid, filename, contentType, size });
      }
    } catch {
      // A sidecar being written right now; the next request sees it.
    }
  }
  return files;
}

/** Deletes the files (bytes and sidecar) of these channels; how many there were. */
export async function deleteMediaOf(mediaDir: string | undefined, channelSids: string[]): Promise<number> {
  const files = await mediaOf(mediaDir, channelSids);
  for (const file of files) {
    await rm(join(mediaDir as string, file.sid), { force: true });
    await rm(join(mediaDir as string, `${file.sid}.json`), { force: true });
  }
  return files.length;
}

export function privacyOf(store: Store): PrivacyRepository {
  if (!store.privacy) {
    throw new ParleyError(
      'not_implemented',
      `The ${store.engine} store does not support privacy requests yet`,
      501,
    );
  }
  return store.privacy;
}

export type Privacy = ReturnType<typeof createPrivacy>;

export function createPrivacy({
  store,
  events,
  mediaDir,
}: {
  store: Store;
  events: EventBus;
  mediaDir?: string;
}) {
  return {
    async exportContact(
      contactSid: string,
    ): Promise<ContactRecord & { media: MediaFile[]; exportedAt: string }> {
      const record = await privacyOf(store).exportContact(contactSid);
      if (!record) throw notFound('Contact', contactSid);
      const media = await mediaOf(
        mediaDir,
        record.channels.map((c) => c.sid),
      );
      return { ...record, media, exportedAt: new Date().toISOString() };
    },

    async eraseContact(contactSid: string) {
      const erased = await privacyOf(store).eraseContact(contactSid);
      if (!erased) throw notFound('Contact', contactSid);
      const mediaFiles = await deleteMediaOf(mediaDir, erased.channelSids);
      // Open desktops and widgets see the chat close.
      for (const sid of erased.channelSids) {
        const channel = await store.channels.get(sid);
        if (channel) events.emit('channel.updated', channel);
      }
      return { contactSid, channels: erased.channelSids.length, mediaFiles };
    },
  };
}
