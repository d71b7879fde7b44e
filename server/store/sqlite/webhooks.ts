/** SQLite: managed webhooks and their recorded deliveries. */
import type { Row } from '../rows.ts';
import {
  newDeliverySid,
  newWebhookSid,
  toWebhook,
  toWebhookDelivery,
  type Webhook,
  type WebhookRepository,
} from '../webhooks.ts';
import type { Deps } from './conversations.ts';

export function webhookRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): WebhookRepository {
  const get = (sid: string) => {
    const row = db.prepare('SELECT * FROM webhooks WHERE sid = ?').get(sid) as Row | undefined;
    return row ? toWebhook(row) : null;
  };
  const record = db.transaction(
    (row: Record<string, unknown>, webhookSid: string, keep: number, managed: boolean) => {
      if (managed && !db.prepare('SELECT 1 FROM webhooks WHERE sid = ?').get(webhookSid)) return false;
      db.prepare(
        `INSERT INTO webhook_deliveries (sid, webhook_sid, event, event_id, payload, payload_size, attempts,
           status_code, error, delivered, duration_ms, resend_of, date_created)
         VALUES (@sid, @webhookSid, @event, @eventId, @payload, @payloadSize, @attempts,
           @statusCode, @error, @delivered, @durationMs, @resendOf, @dateCreated)`,
      ).run(row);
      db.prepare(
        `DELETE FROM webhook_deliveries WHERE webhook_sid = ? AND seq <= (
           SELECT seq FROM webhook_deliveries WHERE webhook_sid = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ).run(webhookSid, webhookSid, keep);
      return true;
    },
  );
  return {
    async create({ url, secret, events, enabled }) {
      const sid = newWebhookSid();
      const now = clock().toISOString();
      db.prepare(
        `INSERT INTO webhooks (sid, url, secret, events, enabled, date_created, date_updated)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(sid, url, secret, JSON.stringify(events), enabled ? 1 : 0, now, now);
      return get(sid) as Webhook;
    },
    async get(sid) {
      return get(sid);
    },
    async list() {
      return (db.prepare('SELECT * FROM webhooks ORDER BY date_created, sid').all() as Row[]).map(toWebhook);
    },
    async update(sid, patch) {
      const held = get(sid);
      if (!held) return null;
      const next = { ...held, ...patch };
      db.prepare(
        'UPDATE webhooks SET url = ?, secret = ?, events = ?, enabled = ?, date_updated = ? WHERE sid = ?',
      ).run(
        next.url,
        next.secret,
        JSON.stringify(next.events),
        next.enabled ? 1 : 0,
        clock().toISOString(),
        sid,
      );
      return get(sid);
    },
    async delete(sid) {
      db.transaction(() => {
        db.prepare('DELETE FROM webhook_deliveries WHERE webhook_sid = ?').run(sid);
        db.prepare('DELETE FROM webhooks WHERE sid = ?').run(sid);
      })();
    },
    async recordDelivery(input, keep, managed = false) {
      const sid = newDeliverySid();
      const recorded = record(
        { ...input, sid, delivered: input.delivered ? 1 : 0, dateCreated: clock().toISOString() },
        input.webhookSid,
        keep,
        managed,
      );
      if (!recorded) return null;
      const row = db.prepare('SELECT * FROM webhook_deliveries WHERE sid = ?').get(sid) as Row;
      return toWebhookDelivery(row);
    },
    async listDeliveries(webhookSid, limit) {
      const rows = db
        .prepare('SELECT * FROM webhook_deliveries WHERE webhook_sid = ? ORDER BY seq DESC LIMIT ?')
        .all(webhookSid, limit) as Row[];
      return rows.map(toWebhookDelivery);
    },
    async forgetChannels(channelSids) {
      // Sids are letters and hex digits: nothing in them is a LIKE wildcard.
      const forget = db.prepare("DELETE FROM webhook_deliveries WHERE payload LIKE '%' || ? || '%'");
      return db.transaction(() => channelSids.reduce((n, sid) => n + forget.run(sid).changes, 0))();
    },
    async pruneDeliveries(before) {
      return db.prepare('DELETE FROM webhook_deliveries WHERE date_created < ?').run(before).changes;
    },
    async forgetOrphanDeliveries(except) {
      return db
        .prepare(
          `DELETE FROM webhook_deliveries WHERE webhook_sid NOT IN (SELECT sid FROM webhooks)
             AND webhook_sid NOT IN (SELECT value FROM json_each(?))`,
        )
        .run(JSON.stringify(except)).changes;
    },
    async getDelivery(sid) {
      const row = db.prepare('SELECT * FROM webhook_deliveries WHERE sid = ?').get(sid) as Row | undefined;
      return row ? { ...toWebhookDelivery(row), payload: row.payload as string } : null;
    },
  };
}
