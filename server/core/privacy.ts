/**
 * Privacy requests: find a contact by identity, email or phone, export everything stored
 * about it, and erase it (its messages, files and attributes; its tasks keep no personal
 * data). Files are the media service's, deleted wherever the file storage keeps them (disk,
 * PostgreSQL or S3). Lookups are normalised the way the contacts were written by different
 * channels: an email ignores case; a phone number is its digits, country code first, so
 * `+1 (555) 010-2030`, `15550102030` and a WhatsApp-style `whatsapp:+15550102030` are one.
 */
import { notFound, ParleyError } from '../errors.ts';
import type { ContactMatchedBy } from '../protocol.ts';
import type { Contact, ContactLookup, ContactRecord, PrivacyRepository, Store } from '../store/types.ts';
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

/** Matches listed at most. */
export const LOOKUP_LIMIT = 50;

/**
 * A lookup as the store matches it, or a 400 naming the field.
 *
 * @example normaliseLookup({ phone: '+1 (555) 010-2030' }) // { phone: '15550102030' }
 */
export function normaliseLookup(query: { email?: string; phone?: string; identity?: string }): ContactLookup {
  const lookup: ContactLookup = {};
  if (query.email !== undefined) {
    const email = query.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      throw new ParleyError('invalid_request', 'email: expected an email address, e.g. ana@example.com');
    }
    lookup.email = email;
  }
  if (query.phone !== undefined) {
    const phone = query.phone.replace(/^[a-z]+:/i, '').replace(/[\s().-]/g, '');
    if (!/^\+?[0-9]{6,15}$/.test(phone)) {
      throw new ParleyError(
        'invalid_request',
        'phone: expected a phone number with its country code, e.g. +15550102030 (6 to 15 digits)',
      );
    }
    lookup.phone = phone.replace(/^\+/, '');
  }
  if (query.identity !== undefined) {
    const identity = query.identity.trim();
    if (!identity) throw new ParleyError('invalid_request', 'identity: expected the contact identity');
    lookup.identity = identity;
  }
  if (Object.keys(lookup).length === 0) {
    throw new ParleyError(
      'invalid_request',
      'Look a contact up by email, phone or identity, e.g. ?email=ana@example.com',
    );
  }
  return lookup;
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
    /**
     * Contacts matching an email, phone or identity, newest first, with their conversations
     * counted and where each matched (`matchedBy`): an email or phone someone typed into a form
     * is unverified, and may be another person's.
     */
    async findContacts(query: {
      email?: string;
      phone?: string;
      identity?: string;
    }): Promise<(Contact & { conversations: number; matchedBy: ContactMatchedBy })[]> {
      const matches = await privacyOf(store).findContacts(normaliseLookup(query), LOOKUP_LIMIT);
      return matches.map(({ contact, conversations, matchedBy }) => ({
        ...contact,
        conversations,
        matchedBy,
      }));
    },

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
      // Recorded webhook deliveries may hold the customer's messages.
      await store.webhooks.forgetChannels(erased.channelSids);
      // Open desktops and widgets see the chat close.
      for (const sid of erased.channelSids) {
        const channel = await store.channels.get(sid);
        if (channel) events.emit('channel.updated', channel);
      }
      return { contactSid, channels: erased.channelSids.length, mediaFiles };
    },
  };
}
