/**
 * Signed, expiring links to one stored file, for a reader who cannot send a bearer token: the
 * messaging provider that fetches an agent's attachment from a `MediaUrl`. A link names one
 * file and an expiry, signed with HMAC-SHA256 under a key derived from PARLEY_SECRET for links
 * only (a link can never pass for a session token, nor the reverse); it carries no staff
 * credential, and a leaked one opens that single file until it expires.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../ids.ts';

/** Long enough for a provider that queues a message before fetching its media. */
export const MEDIA_LINK_TTL_SECONDS = 3600;

export interface MediaLinks {
  /** `/media/ME…?expires=…&signature=…`, to be put after Parley's public URL. */
  pathFor(mediaSid: string): string;
  /** Whether `expires` and `signature` (the link's query) open `mediaSid` now. */
  verify(mediaSid: string, expires: unknown, signature: unknown): boolean;
}

export function createMediaLinks(
  secret: string,
  clock: Clock,
  ttlSeconds = MEDIA_LINK_TTL_SECONDS,
): MediaLinks {
  const key = createHmac('sha256', secret).update('parley media link').digest();
  const mac = (mediaSid: string, expires: number) =>
    createHmac('sha256', key).update(`${mediaSid}\n${expires}`).digest('base64url');
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  return {
    pathFor(mediaSid) {
      const expires = nowSeconds() + ttlSeconds;
      return `/media/${encodeURIComponent(mediaSid)}?expires=${expires}&signature=${mac(mediaSid, expires)}`;
    },
    verify(mediaSid, expires, signature) {
      if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof signature !== 'string')
        return false;
      if (Number(expires) < nowSeconds()) return false;
      const expected = Buffer.from(mac(mediaSid, Number(expires)));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
