/** SQLite repository of bot flows, with every revision kept (their executions: executions.ts). */

import { type Row, toFlow } from '../rows.ts';
import type { FlowRepository } from '../types.ts';
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
  const revisionById = db.prepare(
    'SELECT definition FROM flow_revisions WHERE flow_sid = ? AND revision = ?',
  );
  return {
    async create({ friendlyName, definition }) {
      return toFlow(get(create.immediate(friendlyName, JSON.stringify(definition))) as Row);
    },
    async get(sid) {
      const row = get(sid);
      return row ? toFlow(row) : null;
    },
    async getRevision(sid, revision) {
      const row = revisionById.get(sid, revision) as Row | undefined;
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
