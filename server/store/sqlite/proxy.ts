/** SQLite repository of proxy sessions: at most one open per address + proxy address. */

import { type Row, toProxySession } from '../rows.ts';
import type { ProxySession, ProxySessionRepository } from '../types.ts';
import type { Deps } from './conversations.ts';

export function proxySessionRepository({ db, clock, newSid }: Deps): ProxySessionRepository {
  const byId = db.prepare('SELECT * FROM proxy_sessions WHERE sid = ?');
  const openFor = db.prepare(
    "SELECT * FROM proxy_sessions WHERE address = ? AND proxy_address = ? AND status = 'open'",
  );
  const insert = db.prepare(
    `INSERT INTO proxy_sessions (sid, flex_flow_sid, channel_sid, identity, address, proxy_address, status,
       date_created, date_updated)
     VALUES (@sid, @flexFlowSid, @channelSid, @identity, @address, @proxyAddress, 'open', @at, @at)
     ON CONFLICT DO NOTHING RETURNING *`,
  );
  const open = db.transaction((input: Parameters<ProxySessionRepository['open']>[0]) => {
    const row = insert.get({ ...input, sid: newSid('KC'), at: clock().toISOString() }) as Row | undefined;
    if (row) return { session: toProxySession(row), created: true };
    const existing = openFor.get(input.address, input.proxyAddress) as Row;
    return { session: toProxySession(existing), created: false };
  });
  return {
    async open(input) {
      return open.immediate(input);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toProxySession(row) : null;
    },
    async findOpen(address, proxyAddress) {
      const row = openFor.get(address, proxyAddress) as Row | undefined;
      return row ? toProxySession(row) : null;
    },
    async list({ status, channelSid }) {
      const rows = db
        .prepare(
          `SELECT * FROM proxy_sessions WHERE (@status IS NULL OR status = @status)
             AND (@channelSid IS NULL OR channel_sid = @channelSid) ORDER BY date_created, rowid`,
        )
        .all({ status: status ?? null, channelSid: channelSid ?? null }) as Row[];
      return rows.map(toProxySession);
    },
    async close(sid) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `UPDATE proxy_sessions SET status = 'closed', date_closed = @at, date_updated = @at
           WHERE sid = @sid AND status = 'open' RETURNING *`,
        )
        .get({ sid, at }) as Row | undefined;
      return row ? (toProxySession(row) satisfies ProxySession) : null;
    },
  };
}
