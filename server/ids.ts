/** Twilio-style ids: a two-letter prefix and 32 hex digits, e.g. `CH3f…`. */
import { randomBytes } from 'node:crypto';

export type SidPrefix =
  | 'FO'
  | 'FW'
  | 'FN'
  | 'CH'
  | 'IM'
  | 'MB'
  | 'WT'
  | 'WR'
  | 'WK'
  | 'WQ'
  | 'WW'
  | 'KC'
  | 'US';

export type IdGenerator = (prefix: SidPrefix) => string;

// Random bytes drawn 4 KB at a time: one call into the CSPRNG per 256 sids instead of per sid.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/**
 * A message sid begins with the time it was made (12 hex digits of milliseconds) and ends with
 * 80 random bits: messages stored together then sit together in the sid index, so a commit of
 * many messages writes one or two of that index's pages instead of a page per message. Other
 * sids are 128 random bits.
 */
export const newSid: IdGenerator = (prefix) =>
  prefix === 'IM'
    ? prefix + Date.now().toString(16).padStart(12, '0') + randomHex(10)
    : prefix + randomHex(16);

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
