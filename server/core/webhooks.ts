/**
 * Event webhooks: receivers of `task.created`, `reservation.accepted`, `task.completed`,
 * `task.rated`, `channel.closed` and `message.created` as signed JSON, so a CRM can follow.
 * The body is `{ id, event, timestamp, data }`, signed like the external integration
 * (`X-Parley-Signature: sha256=<HMAC-SHA256 of the body under the secret>`), and retried with
 * backoff when the receiver fails or cannot be reached. Delivery is at least once: a receiver
 * deduplicates by `id`. Deliveries go through the egress policy (PARLEY_HTTP_ALLOW for a
 * receiver on a private network).
 *
 * Webhooks are managed at run time (`/v1/Webhooks`: URL, generated secret, events, enabled)
 * and kept in the store, so every node sends to the same ones; the one set by
 * PARLEY_WEBHOOK_URL is listed beside them, read-only, and receives every event. The node
 * where an event happens delivers it, and records each delivery; any node can resend one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { notFound, ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { Store, Webhook, WebhookDelivery } from '../store/types.ts';
import type { EgressPolicy } from './egress.ts';
import type { EventBus } from './events.ts';
import { taskView } from './routing/views.ts';
import { createDeliverer, type DeliveryPolicy, type WebhookTarget } from './webhook-delivery.ts';

export const WEBHOOK_EVENTS = [
  'task.created',
  'reservation.accepted',
  'task.completed',
  'channel.closed',
  'message.created',
  'task.rated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The webhook set by PARLEY_WEBHOOK_URL and PARLEY_WEBHOOK_SECRET. */
export interface WebhookOptions {
  url: string;
  secret: string;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Waits between attempts: attempt 1 → base, 2 → 2×base, … (default 500 ms). */
  backoffMs?: number;
}

/** The sid under which the configured webhook is listed and its deliveries recorded. */
export const CONFIGURED_WEBHOOK_SID = `WH${'0'.repeat(32)}`;

/** A webhook as the API shows it: its secret only when just made or rotated. */
export interface WebhookView extends Omit<Webhook, 'secret'> {
  /** True for the webhook set in the server's environment. */
  readOnly: boolean;
  secret?: string;
}

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  enabled?: boolean;
}

/** How long a node reuses the list of webhooks before reading it again (changes elsewhere). */
const LIST_CACHE_MS = 1000;

const newSecret = () => `whsec_${randomBytes(24).toString('hex')}`;
const viewOf = ({ secret: _secret, ...webhook }: Webhook): WebhookView => ({ ...webhook, readOnly: false });
const configuredTarget = ({ url, secret }: WebhookOptions): WebhookTarget => ({
  sid: CONFIGURED_WEBHOOK_SID,
  url,
  secret,
  managed: false,
});

export type Webhooks = ReturnType<typeof createWebhooks>;

export function createWebhooks(deps: {
  store: Store;
  events: EventBus;
  log: Logger;
  clock: Clock;
  egress: EgressPolicy;
  track: (work: Promise<unknown>) => void;
  /** PARLEY_WEBHOOK_URL: one more webhook, read-only, receiving every event. */
  configured?: WebhookOptions;
  /** Retries and backoff of managed webhooks (the configured one keeps its own). */
  retry?: Partial<DeliveryPolicy>;
}) {
  const { store, events, log, clock, egress, track, configured } = deps;
  const policy: DeliveryPolicy = { retries: 3, backoffMs: 500, ...deps.retry };
  const configuredPolicy: DeliveryPolicy = {
    retries: configured?.retries ?? 3,
    backoffMs: configured?.backoffMs ?? 500,
  };
  const deliver = createDeliverer({ deliveries: store.webhooks, egress, log });
  const started = clock().toISOString();
  const configuredView = (url: string): WebhookView => ({
    sid: CONFIGURED_WEBHOOK_SID,
    url,
    events: [...WEBHOOK_EVENTS],
    enabled: true,
    readOnly: true,
    dateCreated: started,
    dateUpdated: started,
  });

  // `known` is the list once read: while it is fresh, an event no webhook takes is dropped at
  // once, with no work started for it (most messages).
  let cached: { at: number; webhooks: Promise<Webhook[]>; known: Webhook[] | null } | null = null;
  const enabledWebhooks = () => {
    const now = Date.now();
    if (!cached || now - cached.at > LIST_CACHE_MS) {
      const webhooks = store.webhooks.list().then((all) => {
        const enabled = all.filter((w) => w.enabled);
        entry.known = enabled;
        return enabled;
      });
      const entry: NonNullable<typeof cached> = { at: now, webhooks, known: null };
      cached = entry;
    }
    return cached.webhooks;
  };
  const nobodyTakes = (event: WebhookEvent) =>
    !configured &&
    cached?.known != null &&
    Date.now() - cached.at <= LIST_CACHE_MS &&
    !cached.known.some((webhook) => webhook.events.includes(event));

  async function send(event: WebhookEvent, data: unknown) {
    const targets: [WebhookTarget, DeliveryPolicy][] = (await enabledWebhooks())
      .filter((webhook) => webhook.events.includes(event))
      .map((webhook) => [{ ...webhook, managed: true }, policy]);
    if (configured) targets.unshift([configuredTarget(configured), configuredPolicy]);
    // Most messages go to no webhook: nothing is serialised for them.
    if (targets.length === 0) return;
    const eventId = randomUUID();
    const body = JSON.stringify({ id: eventId, event, timestamp: clock().toISOString(), data });
    await Promise.all(targets.map(([target, retry]) => deliver(target, { event, eventId, body }, retry)));
  }
  const on = (event: WebhookEvent, data: unknown) => {
    if (!nobodyTakes(event)) track(send(event, data));
  };

  events.on('task.created', (task) => on('task.created', taskView(task, clock())));
  events.on('task.updated', (task) => {
    if (task.status === 'completed') on('task.completed', taskView(task, clock()));
  });
  events.on('reservation.accepted', (reservation, task) =>
    on('reservation.accepted', { reservation, task: taskView(task, clock()) }),
  );
  events.on('task.rated', (task, rating) => on('task.rated', { rating, task: taskView(task, clock()) }));
  events.on('channel.closed', (channel) => on('channel.closed', channel));
  events.on('message.created', (message) => on('message.created', message));

  /** A managed webhook, or a clear refusal for the configured one or an unknown sid. */
  async function managed(sid: string): Promise<Webhook> {
    if (sid === CONFIGURED_WEBHOOK_SID && configured) {
      throw new ParleyError(
        'read_only',
        'This webhook is set by PARLEY_WEBHOOK_URL and PARLEY_WEBHOOK_SECRET: change it in the server environment',
        409,
      );
    }
    const webhook = await store.webhooks.get(sid);
    if (!webhook) throw notFound('Webhook', sid);
    return webhook;
  }

  async function target(sid: string): Promise<WebhookTarget> {
    if (sid === CONFIGURED_WEBHOOK_SID && configured) return configuredTarget(configured);
    return { ...(await managed(sid)), managed: true };
  }

  return {
    async list(): Promise<WebhookView[]> {
      const listed = (await store.webhooks.list()).map(viewOf);
      return configured ? [configuredView(configured.url), ...listed] : listed;
    },
    async get(sid: string): Promise<WebhookView> {
      if (sid === CONFIGURED_WEBHOOK_SID && configured) return configuredView(configured.url);
      return viewOf(await managed(sid));
    },
    /** A new webhook with a generated secret, shown in this answer only. */
    async create({ url, events: subscribed, enabled = true }: WebhookInput): Promise<WebhookView> {
      const webhook = await store.webhooks.create({ url, events: subscribed, enabled, secret: newSecret() });
      cached = null;
      return { ...viewOf(webhook), secret: webhook.secret };
    },
    /** Changes URL, events or enabled; `rotateSecret` makes a new secret, shown in this answer only. */
    async update(
      sid: string,
      patch: Partial<WebhookInput> & { rotateSecret?: boolean },
    ): Promise<WebhookView> {
      await managed(sid);
      const { rotateSecret, ...fields } = patch;
      const secret = rotateSecret ? newSecret() : undefined;
      const webhook = await store.webhooks.update(sid, { ...fields, ...(secret && { secret }) });
      if (!webhook) throw notFound('Webhook', sid);
      cached = null;
      return { ...viewOf(webhook), ...(secret && { secret }) };
    },
    async delete(sid: string): Promise<void> {
      await managed(sid);
      await store.webhooks.delete(sid);
      cached = null;
    },
    /** The newest recorded deliveries of a webhook, newest first. */
    async deliveries(sid: string, limit: number): Promise<WebhookDelivery[]> {
      await target(sid);
      return store.webhooks.listDeliveries(sid, limit);
    },
    /**
     * Sends a recorded delivery's body again, signed with the webhook's current secret; one
     * attempt, awaited, so the admin who asked sees its outcome (and may ask again).
     */
    async resend(sid: string, deliverySid: string): Promise<WebhookDelivery> {
      const to = await target(sid);
      const recorded = await store.webhooks.getDelivery(deliverySid);
      if (!recorded || recorded.webhookSid !== sid) throw notFound('Delivery', deliverySid);
      const resent = await deliver(
        to,
        { event: recorded.event, eventId: recorded.eventId, body: recorded.payload, resendOf: recorded.sid },
        { retries: 0, backoffMs: 0 },
      );
      // Deleted while the resend was on its way.
      if (!resent) throw notFound('Webhook', sid);
      return resent;
    },
    /**
     * At start: deletes the deliveries of webhooks that no longer exist, among them those of
     * PARLEY_WEBHOOK_URL once it is removed from the configuration (their bodies may hold
     * customers' messages, and no one could list or resend them any more).
     */
    async forgetOrphans(): Promise<number> {
      return store.webhooks.forgetOrphanDeliveries(configured ? [CONFIGURED_WEBHOOK_SID] : []);
    },
  };
}
