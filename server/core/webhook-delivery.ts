/**
 * One webhook delivery: the signed POST of a body to a receiver, retried with backoff when the
 * receiver fails or cannot be reached, through the egress policy. Whatever the outcome, it is
 * recorded (`webhook_deliveries`) with the body, so an admin sees it and can send it again,
 * unless its webhook was deleted while it was being tried: then it is not retried, and nothing
 * is recorded.
 */
import type { Logger } from '../logger.ts';
import type { WebhookDelivery, WebhookRepository } from '../store/types.ts';
import { DELIVERIES_KEPT } from '../store/webhooks.ts';
import type { EgressPolicy } from './egress.ts';
import { EXTERNAL_TIMEOUT_MS, SIGNATURE_HEADER, signBody } from './external.ts';

/** Where a delivery goes: a managed webhook or the one set by PARLEY_WEBHOOK_URL. */
export interface WebhookTarget {
  sid: string;
  url: string;
  secret: string;
  /**
   * A webhook kept in the store (not PARLEY_WEBHOOK_URL): its delivery is recorded only if it
   * still exists when the last attempt ends.
   */
  managed: boolean;
}

export interface DeliveryPolicy {
  /** Attempts after the first (default 3). */
  retries: number;
  /** Waits between attempts: attempt 1 → base, 2 → 2×base, … (default 500 ms). */
  backoffMs: number;
}

export interface Delivery {
  event: string;
  eventId: string;
  body: string;
  /** The recorded delivery this one sends again. */
  resendOf?: string;
}

export function createDeliverer(deps: {
  deliveries: WebhookRepository;
  egress: EgressPolicy;
  log: Logger;
  keep?: number;
}) {
  const { deliveries, egress, log, keep = DELIVERIES_KEPT } = deps;
  return async function deliver(
    target: WebhookTarget,
    { event, eventId, body, resendOf }: Delivery,
    { retries, backoffMs }: DeliveryPolicy,
  ): Promise<WebhookDelivery | null> {
    // Signed now, with the webhook's current secret: a resend after a rotation verifies.
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(target.secret, body) };
    const started = performance.now();
    let attempts = 0;
    let statusCode: number | null = null;
    let error: string | null = null;
    let delivered = false;
    while (attempts <= retries) {
      // A webhook deleted during the backoff is sent nothing more: its receiver was removed.
      if (attempts > 0 && target.managed && !(await deliveries.get(target.sid))) return null;
      attempts++;
      try {
        const res = await egress.request({
          method: 'POST',
          url: new URL(target.url),
          headers,
          body,
          timeoutMs: EXTERNAL_TIMEOUT_MS,
          maxBody: 4096,
        });
        statusCode = res.status;
        if (res.status >= 200 && res.status < 300) {
          delivered = true;
          error = null;
          break;
        }
        error = `The receiver answered HTTP ${res.status}`;
        log.warn(
          { event, webhook: target.sid, status: res.status, attempts },
          'webhook receiver answered with an error',
        );
      } catch (err) {
        statusCode = null;
        error = (err as Error).message;
        log.warn({ event, webhook: target.sid, attempts, err: error }, 'webhook receiver unreachable');
      }
      if (attempts <= retries) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempts - 1)));
    }
    if (!delivered) log.error({ event, webhook: target.sid, attempts }, 'webhook gave up after retries');
    return deliveries.recordDelivery(
      {
        webhookSid: target.sid,
        event,
        eventId,
        payload: body,
        payloadSize: Buffer.byteLength(body),
        attempts,
        statusCode,
        error,
        delivered,
        durationMs: Math.round(performance.now() - started),
        resendOf: resendOf ?? null,
      },
      keep,
      target.managed,
    );
  };
}
