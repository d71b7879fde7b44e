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

export const newSid: IdGenerator = (prefix) => {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 16);
  offset += 16;
  return prefix + hex;
};

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
