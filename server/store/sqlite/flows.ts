/** SQLite repositories of bot flows (with every revision kept) and their executions. */

import { type Row, toExecution, toFlow } from '../rows.ts';
import type { ExecutionRepository, FlowRepository } from '../types.ts';
import type { Deps } from './conversations.ts';

const FLOW = `SELECT f.*, r.definition FROM flows f JOIN flow_revisions r ON r.flow_sid = f.sid AND r.revision = f.revision`;

export function flowRepository({ db, clock, newSid }: Deps): FlowRepository {
  const get = (sid: string) => db.prepare(`${FLOW} WHERE f.sid = ?`).get(sid) as Row | undefined;
  const addRevision = db.prepare(
    'INSERT INTO flow_revisions (flow_sid, revision, definition, date_created) VALUES (?, ?, ?, ?)',
  );
  const create = db.transaction((friendlyName: string, definition: string) => {
    const sid = newSid('FW');
    const at = clock().toISOString();
    db.prepare(
      'INSERT INTO flows (sid, friendly_name, revision, date_created, date_updated) VALUES (?, ?, 1, ?, ?)',
    ).run(sid, friendlyName, at, at);
    addRevision.run(sid, 1, definition, at);
    return sid;
  });
  const update = db.transaction((sid: string, friendlyName: string | null, definition: string | null) => {
    const at = clock().toISOString();
    const row = db
      .prepare(
        `UPDATE flows SET friendly_name = coalesce(?, friendly_name), revision = revision + (? IS NOT NULL), date_updated = ?
         WHERE sid = ? RETURNING revision`,
      )
      .get(friendlyName, definition, at, sid) as Row | undefined;
    if (row && definition !== null) addRevision.run(sid, row.revision, definition, at);
  });
  return {
    async create({ friendlyName, definition }) {
      return toFlow(get(create.immediate(friendlyName, JSON.stringify(definition))) as Row);
    },
    async get(sid) {
      const row = get(sid);
      return row ? toFlow(row) : null;
    },
    async getRevision(sid, revision) {
      const row = db
        .prepare('SELECT definition FROM flow_revisions WHERE flow_sid = ? AND revision = ?')
        .get(sid, revision) as Row | undefined;
      return row ? JSON.parse(row.definition) : null;
    },
    async list() {
      return (db.prepare(`${FLOW} ORDER BY f.date_created, f.rowid`).all() as Row[]).map(toFlow);
    },
    async update(sid, patch) {
      update.immediate(
        sid,
        patch.friendlyName ?? null,
        patch.definition ? JSON.stringify(patch.definition) : null,
      );
      return toFlow(get(sid) as Row);
    },
    async delete(sid) {
      return db.prepare('DELETE FROM flows WHERE sid = ?').run(sid).changes > 0;
    },
  };
}

export function executionRepository({ db, clock, newSid }: Deps): ExecutionRepository {
  const byId = db.prepare('SELECT * FROM executions WHERE sid = ?');
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO executions (sid, flow_sid, flow_revision, channel_sid, contact_sid, status, state, date_created, date_updated)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('FN'),
          input.flowSid,
          input.flowRevision,
          input.channelSid,
          input.contactSid,
          input.state.status,
          JSON.stringify(input.state),
          at,
          at,
        ) as Row;
      return toExecution(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toExecution(row) : null;
    },
    async list(filter) {
      const rows = db
        .prepare(
          `SELECT * FROM executions WHERE (@flow IS NULL OR flow_sid = @flow) AND (@channel IS NULL OR channel_sid = @channel)
           ORDER BY date_created DESC, rowid DESC LIMIT 500`,
        )
        .all({ flow: filter.flowSid ?? null, channel: filter.channelSid ?? null }) as Row[];
      return rows.map(toExecution);
    },
    async findActive(channelSid) {
      const row = db
        .prepare(
          `SELECT * FROM executions WHERE channel_sid = ? AND status = 'active' ORDER BY date_created DESC LIMIT 1`,
        )
        .get(channelSid) as Row | undefined;
      return row ? toExecution(row) : null;
    },
    async listWithPendingEffects() {
      const rows = db.prepare(`SELECT * FROM executions WHERE pending_effects != '[]'`).all() as Row[];
      return rows.map(toExecution);
    },
    async save(sid, version, state, pendingEffects) {
      const row = db
        .prepare(
          `UPDATE executions SET state = ?, status = ?, pending_effects = ?, version = version + 1, date_updated = ?
           WHERE sid = ? AND version = ? RETURNING *`,
        )
        .get(
          JSON.stringify(state),
          state.status,
          JSON.stringify(pendingEffects),
          clock().toISOString(),
          sid,
          version,
        ) as Row | undefined;
      return row ? toExecution(row) : null;
    },
  };
}
