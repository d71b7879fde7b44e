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

export const newSid: IdGenerator = (prefix) => prefix + randomBytes(16).toString('hex');

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
