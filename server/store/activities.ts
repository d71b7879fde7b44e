/**
 * Custom activities' records, shared by both engines: the activities a workspace defines
 * beside the three built-ins (Available, Unavailable, Offline), e.g. "Break" or "Training".
 * Each says whether routing offers chats to agents in it; names are unique, ignoring case.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

export interface CustomActivity {
  sid: string;
  friendlyName: string;
  /** Routing offers chats to agents in it (their base activity is Available, else Unavailable). */
  available: boolean;
  dateCreated: string;
  dateUpdated: string;
}

export type NewCustomActivity = Pick<CustomActivity, 'friendlyName' | 'available'>;
export type CustomActivityPatch = Partial<NewCustomActivity>;

export interface ActivityRepository {
  /** Null when another activity has this name (ignoring case). */
  create(input: NewCustomActivity): Promise<CustomActivity | null>;
  get(sid: string): Promise<CustomActivity | null>;
  /** Oldest first. */
  list(): Promise<CustomActivity[]>;
  /** 'taken' when another activity has the new name; null when there is no such activity. */
  update(sid: string, patch: CustomActivityPatch): Promise<CustomActivity | 'taken' | null>;
  /** Deletes it unless a worker is in it: 'in_use' then, 'missing' when there was none. */
  delete(sid: string): Promise<'deleted' | 'in_use' | 'missing'>;
}

/** `WA` and 32 hex digits, as TaskRouter's activity sids. */
export const newActivitySid = () => `WA${randomBytes(16).toString('hex')}`;

export const toCustomActivity = (r: Row): CustomActivity => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  available: r.available === 1 || r.available === true,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});
