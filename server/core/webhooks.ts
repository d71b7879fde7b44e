/**
 * Event webhooks: a configured URL receives `task.created`, `reservation.accepted`,
 * `task.completed`, `task.rated`, `channel.closed` and `message.created` as signed JSON, so a CRM can
 * follow. The body is `{ id, event, timestamp, data }`, signed like the external integration
 * (`X-Parley-Signature: sha256=<HMAC-SHA256 of the body under the secret>`), and retried with
 * backoff when the receiver fails or cannot be reached. Delivery is at least once: a receiver
 * deduplicates by `id`. Deliveries go through the egress policy (PARLEY_HTTP_ALLOW for a
 * receiver on a private network).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { EgressPolicy } from './egress.ts';
import type { EventBus } from './events.ts';
import { EXTERNAL_TIMEOUT_MS, SIGNATURE_HEADER, signBody } from './external.ts';
import { taskView } from './routing/views.ts';

export const WEBHOOK_EVENTS = [
  'task.created',
  'reservation.accepted',
  'task.completed',
  'channel.closed',
  'message.created',
  'task.rated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Waits between attempts: attempt 1 → base, 2 → 2×base, … (default 500 ms). */
  backoffMs?: number;
}

export function startWebhooks(
  options: WebhookOptions,
  deps: {
    events: EventBus;
    log: Logger;
    clock: Clock;
    egress: EgressPolicy;
    track: (work: Promise<unknown>) => void;
  },
) {
  const { events, log, clock, egress, track } = deps;
  const { url, secret, retries = 3, backoffMs = 500 } = options;

  async function deliver(event: WebhookEvent, data: unknown) {
    const body = JSON.stringify({ id: randomUUID(), event, timestamp: clock().toISOString(), data });
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) };
    for (let attempt = 1; attempt <= 1 + retries; attempt++) {
      try {
        const res = await egress.request({
          method: 'POST',
          url: new URL(url),
          headers,
          body,
          timeoutMs: EXTERNAL_TIMEOUT_MS,
          maxBody: 4096,
        });
        if (res.status >= 200 && res.status < 300) return;
        log.warn({ event, status: res.status, attempt }, 'webhook receiver answered with an error');
      } catch (err) {
        log.warn({ event, attempt, err: (err as Error).message }, 'webhook receiver unreachable');
      }
      if (attempt <= retries) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
    log.error({ event }, 'webhook gave up after retries');
  }
  const send = (event: WebhookEvent, data: unknown) => track(deliver(event, data));

  events.on('task.created', (task) => send('task.created', taskView(task, clock())));
  events.on('task.updated', (task) => {
    if (task.status === 'completed') send('task.completed', taskView(task, clock()));
  });
  events.on('reservation.accepted', (reservation, task) =>
    send('reservation.accepted', { reservation, task: taskView(task, clock()) }),
  );
  events.on('task.rated', (task, rating) => send('task.rated', { rating, task: taskView(task, clock()) }));
  events.on('channel.closed', (channel) => send('channel.closed', channel));
  events.on('message.created', (message) => send('message.created', message));
}
