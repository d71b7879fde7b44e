/**
 * Canned responses' records, shared by both engines: a saved reply an agent inserts by its
 * `/shortcut`. A response is shared (no owner: every agent sees it) or one agent's own. A
 * shortcut is unique among the shared ones and among each agent's own; an agent's own may
 * reuse a shared shortcut, and then wins for that agent.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

export interface CannedResponse {
  sid: string;
  /** What follows the `/` in the composer: lowercase letters, digits, `-` and `_`. */
  shortcut: string;
  title: string;
  /** The text inserted; `{{customer.name}}` and `{{agent.name}}` are filled in by the desk. */
  body: string;
  /** The agent it belongs to; null for a shared response. */
  workerSid: string | null;
  dateCreated: string;
  dateUpdated: string;
}

export type NewCannedResponse = Pick<CannedResponse, 'shortcut' | 'title' | 'body' | 'workerSid'>;
export type CannedResponsePatch = Partial<Pick<CannedResponse, 'shortcut' | 'title' | 'body'>>;

export interface CannedResponseRepository {
  /** Null when the owner already has a response with this shortcut. */
  create(input: NewCannedResponse): Promise<CannedResponse | null>;
  get(sid: string): Promise<CannedResponse | null>;
  /** The shared responses and, with `workerSid`, that agent's own; every one without it. Ordered by shortcut. */
  list(query: { workerSid?: string }): Promise<CannedResponse[]>;
  /** Null when the new shortcut is taken by another of the owner's responses. */
  update(sid: string, patch: CannedResponsePatch): Promise<CannedResponse | null>;
  delete(sid: string): Promise<void>;
}

/** `CR` and 32 hex digits, as Parley's other sids. */
export const newCannedResponseSid = () => `CR${randomBytes(16).toString('hex')}`;

/** Shared responses are stored with owner '' so one unique index covers both kinds. */
export const SHARED_OWNER = '';

export const toCannedResponse = (r: Row): CannedResponse => ({
  sid: r.sid,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  workerSid: r.owner_sid === SHARED_OWNER ? null : r.owner_sid,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});
