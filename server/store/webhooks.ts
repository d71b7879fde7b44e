/**
 * Webhooks' records, shared by both engines: a managed webhook (URL, signing secret, the
 * events it receives, on or off) and its recorded deliveries. A delivery keeps the exact body
 * that was sent, so it can be sent again; only the newest `DELIVERIES_KEPT` of each webhook
 * are kept, none older than the retention sweep's age limit, and those naming an erased or
 * expired conversation are deleted with it. A webhook's deliveries go with it. The table is
 * the truth on every node: any node lists and resends any delivery.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

export interface Webhook {
  sid: string;
  url: string;
  /** HMAC-SHA256 key of `X-Parley-Signature`; shown once, when made or rotated. */
  secret: string;
  /** Which events it receives (names from WEBHOOK_EVENTS). */
  events: string[];
  enabled: boolean;
  dateCreated: string;
  dateUpdated: string;
}

export type NewWebhook = Pick<Webhook, 'url' | 'secret' | 'events' | 'enabled'>;
export type WebhookPatch = Partial<NewWebhook>;

export interface WebhookDelivery {
  sid: string;
  webhookSid: string;
  event: string;
  /** The body's `id`, the same when a delivery is resent: receivers deduplicate by it. */
  eventId: string;
  /** Bytes of the body sent. */
  payloadSize: number;
  attempts: number;
  /** The receiver's last HTTP status, or null when it could not be reached. */
  statusCode: number | null;
  /** Why the last attempt failed, when it did. */
  error: string | null;
  delivered: boolean;
  /** From the first attempt to the last answer, backoff included. */
  durationMs: number;
  /** The delivery this one resent, if any. */
  resendOf: string | null;
  dateCreated: string;
}

export type NewWebhookDelivery = Omit<WebhookDelivery, 'sid' | 'dateCreated'> & { payload: string };

export interface WebhookRepository {
  create(input: NewWebhook): Promise<Webhook>;
  get(sid: string): Promise<Webhook | null>;
  list(): Promise<Webhook[]>;
  update(sid: string, patch: WebhookPatch): Promise<Webhook | null>;
  /** Deletes the webhook and its deliveries. */
  delete(sid: string): Promise<void>;
  /**
   * Records a delivery and drops the webhook's oldest beyond the newest `keep`. With `managed`,
   * only while the webhook is still in the store: a delivery that was retrying when its webhook
   * was deleted is not recorded (null), so no customer text outlives the webhook.
   */
  recordDelivery(input: NewWebhookDelivery, keep: number, managed?: boolean): Promise<WebhookDelivery | null>;
  /** Newest first. */
  listDeliveries(webhookSid: string, limit: number): Promise<WebhookDelivery[]>;
  /** A delivery with the body that was sent. */
  getDelivery(sid: string): Promise<(WebhookDelivery & { payload: string }) | null>;
  /**
   * Deletes the recorded deliveries whose body names one of these channels (privacy erasure and
   * retention: a body may hold a customer's message). Returns how many were deleted.
   */
  forgetChannels(channelSids: string[]): Promise<number>;
  /** Deletes the deliveries recorded before this time (ISO 8601). Returns how many. */
  pruneDeliveries(before: string): Promise<number>;
  /**
   * Deletes the deliveries of webhooks that are not in the store, except those of the sids
   * given (the webhook set by PARLEY_WEBHOOK_URL while it is set). Returns how many.
   */
  forgetOrphanDeliveries(except: string[]): Promise<number>;
}

/** Deliveries kept per webhook (with their bodies, for Resend). */
export const DELIVERIES_KEPT = 100;

export const newWebhookSid = () => `WH${randomBytes(16).toString('hex')}`;
export const newDeliverySid = () => `WD${randomBytes(16).toString('hex')}`;

export const toWebhook = (r: Row): Webhook => ({
  sid: r.sid,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events),
  enabled: Boolean(r.enabled),
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toWebhookDelivery = (r: Row): WebhookDelivery => ({
  sid: r.sid,
  webhookSid: r.webhook_sid,
  event: r.event,
  eventId: r.event_id,
  payloadSize: Number(r.payload_size),
  attempts: Number(r.attempts),
  statusCode: r.status_code === null ? null : Number(r.status_code),
  error: r.error,
  delivered: Boolean(r.delivered),
  durationMs: Number(r.duration_ms),
  resendOf: r.resend_of,
  dateCreated: r.date_created,
});
