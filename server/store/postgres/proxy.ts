/** PostgreSQL repository of proxy sessions: at most one open per address + proxy address. */
import { toProxySession } from '../rows.ts';
import type { ProxySessionRepository } from '../types.ts';
import { all, type Deps, one } from './db.ts';

export function proxySessionRepository(deps: Deps): ProxySessionRepository {
  const { pool, newSid } = deps;
  const findOpen = (address: string, proxyAddress: string) =>
    one(pool, "SELECT * FROM proxy_sessions WHERE address = $1 AND proxy_address = $2 AND status = 'open'", [
      address,
      proxyAddress,
    ]);
  return {
    async open(input) {
      const at = deps.clock().toISOString();
      // Two nodes may open at once: the partial unique index lets one insert; the other reads it.
      for (;;) {
        const row = await one(
          pool,
          `INSERT INTO proxy_sessions (sid, flex_flow_sid, channel_sid, identity, address, proxy_address, status,
             date_created, date_updated)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) ON CONFLICT DO NOTHING RETURNING *`,
          [
            newSid('KC'),
            input.flexFlowSid,
            input.channelSid,
            input.identity,
            input.address,
            input.proxyAddress,
            at,
          ],
        );
        if (row) return { session: toProxySession(row), created: true };
        const existing = await findOpen(input.address, input.proxyAddress);
        if (existing) return { session: toProxySession(existing), created: false };
      }
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM proxy_sessions WHERE sid = $1', [sid]);
      return row ? toProxySession(row) : null;
    },
    async findOpen(address, proxyAddress) {
      const row = await findOpen(address, proxyAddress);
      return row ? toProxySession(row) : null;
    },
    async list({ status, channelSid }) {
      const rows = await all(
        pool,
        `SELECT * FROM proxy_sessions WHERE ($1::text IS NULL OR status = $1)
           AND ($2::text IS NULL OR channel_sid = $2) ORDER BY seq`,
        [status ?? null, channelSid ?? null],
      );
      return rows.map(toProxySession);
    },
    async close(sid) {
      const at = deps.clock().toISOString();
      const row = await one(
        pool,
        `UPDATE proxy_sessions SET status = 'closed', date_closed = $2, date_updated = $2
         WHERE sid = $1 AND status = 'open' RETURNING *`,
        [sid, at],
      );
      return row ? toProxySession(row) : null;
    },
  };
}
