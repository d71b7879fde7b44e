/**
 * Privacy requests: export everything stored about a contact, and erase a contact (its
 * messages, files and attributes; its tasks keep no personal data). Files are the media
 * service's, deleted wherever the file storage keeps them (disk, PostgreSQL or S3).
 */
import { notFound, ParleyError } from '../errors.ts';
import type { ContactRecord, PrivacyRepository, Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { MediaService } from './media.ts';

/** A file as an export lists it. */
export interface MediaFile {
  sid: string;
  channelSid: string;
  filename: string;
  contentType: string;
  size: number;
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
  media,
}: {
  store: Store;
  events: EventBus;
  media: MediaService;
}) {
  return {
    async exportContact(
      contactSid: string,
    ): Promise<ContactRecord & { media: MediaFile[]; exportedAt: string }> {
      const record = await privacyOf(store).exportContact(contactSid);
      if (!record) throw notFound('Contact', contactSid);
      const files = await media.list(record.channels.map((c) => c.sid));
      return {
        ...record,
        media: files.map(({ sid, channelSid, filename, contentType, size }) => ({
          sid,
          channelSid,
          filename,
          contentType,
          size,
        })),
        exportedAt: new Date().toISOString(),
      };
    },

    async eraseContact(contactSid: string) {
      const erased = await privacyOf(store).eraseContact(contactSid);
      if (!erased) throw notFound('Contact', contactSid);
      const mediaFiles = await media.deleteOfChannels(erased.channelSids);
      // Open desktops and widgets see the chat close.
      for (const sid of erased.channelSids) {
        const channel = await store.channels.get(sid);
        if (channel) events.emit('channel.updated', channel);
      }
      return { contactSid, channels: erased.channelSids.length, mediaFiles };
    },
  };
}
