/**
 * The audit log's records, shared by both engines: one row per change an administrator made
 * through the admin API (who, what, when, the resource before and after). Rows are appended,
 * never updated; `seq` orders them across nodes (a database sequence, not a clock).
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

/** Who made a change: an admin console session (a worker), the admin key or an API key (automation). */
export interface AuditActor {
  kind: 'worker' | 'admin_key' | 'api_key';
  /** The worker's sid, for a console session. */
  workerSid: string | null;
  /** What a person reading the log recognises: the worker's username, "admin key", or the API key's name and SID. */
  name: string;
}

export interface AuditEvent {
  sid: string;
  actor: AuditActor;
  /** `create`, `update`, `delete` or another verb (`sign_in`, `rotate_secret`…). */
  action: string;
  /** The REST resource, as named in the URL: `Workers`, `TaskQueues`, `FlexFlows`… */
  resourceType: string;
  resourceSid: string | null;
  /** The request, as `METHOD /v1/path`. */
  request: string;
  /** The resource as it was and as it became (null when it did not exist); secrets left out. */
  before: unknown;
  after: unknown;
  dateCreated: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'sid' | 'dateCreated'>;

export interface AuditListQuery {
  /** At most this many, newest first. */
  limit: number;
  /** Only events older than this one (paging). */
  beforeSid?: string;
  resourceSid?: string;
  workerSid?: string;
}

export interface AuditRepository {
  record(event: NewAuditEvent): Promise<AuditEvent>;
  list(query: AuditListQuery): Promise<AuditEvent[]>;
}

/** `AE` and 32 hex digits, as Parley's other sids. */
export const newAuditSid = () => `AE${randomBytes(16).toString('hex')}`;

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

export const toAuditEvent = (r: Row): AuditEvent => ({
  sid: r.sid,
  actor: { kind: r.actor_kind, workerSid: r.actor_worker_sid ?? null, name: r.actor_name },
  action: r.action,
  resourceType: r.resource_type,
  resourceSid: r.resource_sid ?? null,
  request: r.request,
  before: json(r.before_json),
  after: json(r.after_json),
  dateCreated: r.date_created,
});
