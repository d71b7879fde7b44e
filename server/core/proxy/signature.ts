/**
 * Twilio's request signature (`X-Twilio-Signature`): HMAC-SHA1, keyed by the auth token, of
 * the full URL followed by every POST parameter sorted by name, each name then its value,
 * base64-encoded. Parley checks it on inbound webhooks and status callbacks, and signs its own
 * outbound requests the same way so a provider (or the demo phone) can check them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export type FormParams = Record<string, string | string[] | undefined>;

/**
 * The signature of a request.
 * @example twilioSignature('token', 'https://chat.example.com/webhooks/messaging/FO…', { Body: 'hi', From: '+1555…' })
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** True when `signature` is the request's signature under `authToken` (constant-time compare). */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
