/**
 * Whispers' records, shared by both engines: notes staff write on a chat for each other (the
 * agent holding it, supervisors watching or joined). They live in their own table, never in
 * `messages`, so nothing that reads a conversation for the customer (sync, history,
 * transcripts, email, SMS connectors, webhooks) can ever carry one.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

export interface Whisper {
  sid: string;
  channelSid: string;
  /** The worker who wrote it. */
  workerSid: string;
  /** The worker's name when they wrote it (kept if the worker is renamed or removed). */
  authorName: string;
  body: string;
  dateCreated: string;
}

export type NewWhisper = Omit<Whisper, 'sid' | 'dateCreated'>;

export interface WhisperRepository {
  create(input: NewWhisper): Promise<Whisper>;
  /** The channel's newest `limit` whispers, oldest first. */
  list(channelSid: string, limit: number): Promise<Whisper[]>;
}

/** `WH` and 32 hex digits, as Parley's other sids. */
export const newWhisperSid = () => `WH${randomBytes(16).toString('hex')}`;

export const toWhisper = (r: Row): Whisper => ({
  sid: r.sid,
  channelSid: r.channel_sid,
  workerSid: r.worker_sid,
  authorName: r.author_name,
  body: r.body,
  dateCreated: r.date_created,
});
