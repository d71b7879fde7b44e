/** PostgreSQL: managed webhooks and their recorded deliveries, the same from every node. */
import type { Row } from '../rows.ts';
import {
  newDeliverySid,
  newWebhookSid,
  toWebhook,
  toWebhookDelivery,
  type WebhookRepository,
} from '../webhooks.ts';
import { all, type Deps, one, transaction } from './db.ts';

export function webhookRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): WebhookRepository {
  const get = async (sid: string) => {
    const row = await one(pool, 'SELECT * FROM webhooks WHERE sid = $1', [sid]);
    return row ? toWebhook(row) : null;
  };
  return {
    async create({ url, secret, events, enabled }) {
      const now = clock().toISOString();
      const row = await one(
        pool,
        `INSERT INTO webhooks (sid, url, secret, events, enabled, date_created, date_updated)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
        [newWebhookSid(), url, secret, JSON.stringify(events), enabled, now],
      );
      return toWebhook(row as Row);
    },
    get,
    async list() {
      return (await all(pool, 'SELECT * FROM webhooks ORDER BY date_created, sid')).map(toWebhook);
    },
    async update(sid, patch) {
      const held = await get(sid);
      if (!held) return null;
      const next = { ...held, ...patch };
      const row = await one(
        pool,
        `UPDATE webhooks SET url = $2, secret = $3, events = $4, enabled = $5, date_updated = $6
         WHERE sid = $1 RETURNING *`,
        [sid, next.url, next.secret, JSON.stringify(next.events), next.enabled, clock().toISOString()],
      );
      return row ? toWebhook(row) : null;
    },
    async delete(sid) {
      await transaction(pool, async (client) => {
        // The webhook first: its row lock waits for a delivery being recorded (which holds the
        // row FOR SHARE) to commit, so the next statement sees and deletes that delivery too.
        await client.query('DELETE FROM webhooks WHERE sid = $1', [sid]);
        await client.query('DELETE FROM webhook_deliveries WHERE webhook_sid = $1', [sid]);
      });
    },
    async recordDelivery(input, keep, managed = false) {
      const row = await transaction(pool, async (client) => {
        // Held until commit: a deletion of the webhook waits, or has already happened.
        if (
          managed &&
          !(await one(client, 'SELECT 1 FROM webhooks WHERE sid = $1 FOR SHARE', [input.webhookSid]))
        ) {
          return null;
        }
        const inserted = await one(
          client,
          `INSERT INTO webhook_deliveries (sid, webhook_sid, event, event_id, payload, payload_size, attempts,
             status_code, error, delivered, duration_ms, resend_of, date_created)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
          [
            newDeliverySid(),
            input.webhookSid,
            input.event,
            input.eventId,
            input.payload,
            input.payloadSize,
            input.attempts,
            input.statusCode,
            input.error,
            input.delivered,
            input.durationMs,
            input.resendOf,
            clock().toISOString(),
          ],
        );
        await client.query(
          `DELETE FROM webhook_deliveries WHERE webhook_sid = $1 AND seq <= (
             SELECT seq FROM webhook_deliveries WHERE webhook_sid = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
          [input.webhookSid, keep],
        );
        return inserted;
      });
      return row ? toWebhookDelivery(row) : null;
    },
    async listDeliveries(webhookSid, limit) {
      const rows = await all(
        pool,
        'SELECT * FROM webhook_deliveries WHERE webhook_sid = $1 ORDER BY seq DESC LIMIT $2',
        [webhookSid, limit],
      );
      return rows.map(toWebhookDelivery);
    },
    async forgetChannels(channelSids) {
      if (channelSids.length === 0) return 0;
      // Sids are letters and hex digits: nothing in them is a LIKE wildcard.
      const { rowCount } = await pool.query(
        "DELETE FROM webhook_deliveries WHERE payload LIKE ANY (SELECT '%' || s || '%' FROM unnest($1::text[]) AS s)",
        [channelSids],
      );
      return rowCount ?? 0;
    },
    async pruneDeliveries(before) {
      const { rowCount } = await pool.query('DELETE FROM webhook_deliveries WHERE date_created < $1', [
        before,
      ]);
      return rowCount ?? 0;
    },
    async forgetOrphanDeliveries(except) {
      const { rowCount } = await pool.query(
        `DELETE FROM webhook_deliveries WHERE webhook_sid NOT IN (SELECT sid FROM webhooks)
           AND NOT (webhook_sid = ANY($1::text[]))`,
        [except],
      );
      return rowCount ?? 0;
    },
    async getDelivery(sid) {
      const row = await one(pool, 'SELECT * FROM webhook_deliveries WHERE sid = $1', [sid]);
      return row ? { ...toWebhookDelivery(row), payload: row.payload as string } : null;
    },
  };
}
