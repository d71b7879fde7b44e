/**
 * The inbound-parse webhook's signature, in the shape Mailgun uses for forwarded mail: the form
 * carries `timestamp`, `token` and `signature = hex(HMAC-SHA256(signingKey, timestamp + token))`.
 * A signature older than `MAX_AGE_SECONDS` is refused, so a captured request cannot be replayed
 * later (and a replay within it posts nothing new: mails are taken once per Message-Id).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_AGE_SECONDS = 15 * 60;

/** @example emailWebhookSignature('key', '1717400000', 'a1b2c3…') */
export const emailWebhookSignature = (signingKey: string, timestamp: string, token: string) =>
  createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');

/** Why the signature is refused, or null when it is good. */
export function checkEmailWebhookSignature(
  signingKey: string,
  fields: { timestamp?: string; token?: string; signature?: string },
  now: Date,
): string | null {
  const { timestamp, token, signature } = fields;
  if (!timestamp || !token || !signature) return 'timestamp, token and signature are required form fields';
  const age = now.getTime() / 1000 - Number(timestamp);
  if (!Number.isFinite(age) || Math.abs(age) > MAX_AGE_SECONDS) {
    return `timestamp must be within ${MAX_AGE_SECONDS / 60} minutes of now (Unix seconds)`;
  }
  const expected = Buffer.from(emailWebhookSignature(signingKey, timestamp, token));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? null
    : 'signature does not match: sign timestamp + token with the signing key (HMAC-SHA256, hex)';
}
