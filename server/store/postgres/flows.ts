/** PostgreSQL repository of bot flows, every revision kept (their executions: executions.ts). */
import { toFlow } from '../rows.ts';
import type { FlowRepository } from '../types.ts';
import { all, type Deps, one, transaction } from './db.ts';

const FLOW =
  'SELECT f.*, r.definition FROM flows f JOIN flow_revisions r ON r.flow_sid = f.sid AND r.revision = f.revision';

export function flowRepository(deps: Deps): FlowRepository {
  const { pool, newSid } = deps;
  const get = (sid: string) => one(pool, `${FLOW} WHERE f.sid = $1`, [sid]);
  return {
    async create({ friendlyName, definition }) {
      const sid = newSid('FW');
      await transaction(pool, async (client) => {
        const at = deps.clock().toISOString();
        await client.query(
          'INSERT INTO flows (sid, friendly_name, revision, date_created, date_updated) VALUES ($1, $2, 1, $3, $3)',
          [sid, friendlyName, at],
        );
        await client.query(
          'INSERT INTO flow_revisions (flow_sid, revision, definition, date_created) VALUES ($1, 1, $2, $3)',
          [sid, JSON.stringify(definition), at],
        );
      });
      return toFlow((await get(sid))!);
    },
    async get(sid) {
      const row = await get(sid);
      return row ? toFlow(row) : null;
    },
    async getRevision(sid, revision) {
      const row = await one(
        pool,
        'SELECT definition FROM flow_revisions WHERE flow_sid = $1 AND revision = $2',
        [sid, revision],
      );
      return row ? row.definition : null;
    },
    async list() {
      return (await all(pool, `${FLOW} ORDER BY f.date_created, f.seq`)).map(toFlow);
    },
    async update(sid, patch) {
      await transaction(pool, async (client) => {
        const at = deps.clock().toISOString();
        const row = await one(
          client,
          `UPDATE flows SET friendly_name = coalesce($1, friendly_name),
             revision = revision + (CASE WHEN $2::boolean THEN 1 ELSE 0 END), date_updated = $3
           WHERE sid = $4 RETURNING revision`,
          [patch.friendlyName ?? null, patch.definition !== undefined, at, sid],
        );
        if (row && patch.definition !== undefined) {
          await client.query(
            'INSERT INTO flow_revisions (flow_sid, revision, definition, date_created) VALUES ($1, $2, $3, $4)',
            [sid, row.revision, JSON.stringify(patch.definition), at],
          );
        }
      });
      return toFlow((await get(sid))!);
    },
    async delete(sid) {
      const { rowCount } = await pool.query('DELETE FROM flows WHERE sid = $1', [sid]);
      return (rowCount ?? 0) > 0;
    },
  };
}
