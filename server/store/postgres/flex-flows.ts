/** PostgreSQL repository of Flex Flows. */
import { toFlexFlow } from '../rows.ts';
import type { FlexFlowRepository, NewFlexFlow } from '../types.ts';
import { all, type Deps, one } from './db.ts';

/** Column ← value for each field present in `f`. */
const columns = (f: Partial<NewFlexFlow>): [string, unknown][] =>
  (
    [
      ['friendly_name', f.friendlyName],
      ['channel_type', f.channelType],
      ['contact_identity', f.contactIdentity],
      ['enabled', f.enabled],
      ['integration_type', f.integrationType],
      ['integration', f.integration && JSON.stringify(f.integration)],
      ['long_lived', f.longLived],
      ['janitor_enabled', f.janitorEnabled],
      ['allowed_origins', f.allowedOrigins && JSON.stringify(f.allowedOrigins)],
      ['widget_config', f.widgetConfig && JSON.stringify(f.widgetConfig)],
      [
        'messaging_connector',
        f.messagingConnector === undefined
          ? undefined
          : f.messagingConnector && JSON.stringify(f.messagingConnector),
      ],
    ] as [string, unknown][]
  ).filter(([, value]) => value !== undefined);

export function flexFlowRepository(deps: Deps): FlexFlowRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const set = columns({ widgetConfig: {}, ...input });
      const at = deps.clock().toISOString();
      const names = ['sid', ...set.map(([c]) => c), 'date_created', 'date_updated'];
      const values = [newSid('FO'), ...set.map(([, v]) => v), at, at];
      const row = await one(
        pool,
        `INSERT INTO flex_flows (${names.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
        values,
      );
      return toFlexFlow(row!);
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM flex_flows WHERE sid = $1', [sid]);
      return row ? toFlexFlow(row) : null;
    },
    async list() {
      return (await all(pool, 'SELECT * FROM flex_flows ORDER BY date_created, sid')).map(toFlexFlow);
    },
    async update(sid, patch) {
      const set = columns(patch);
      const assignments = set.map(([c], i) => `${c} = $${i + 1}`);
      const values = [...set.map(([, v]) => v), deps.clock().toISOString(), sid];
      const row = await one(
        pool,
        `UPDATE flex_flows SET ${[...assignments, `date_updated = $${set.length + 1}`].join(', ')}
         WHERE sid = $${set.length + 2} RETURNING *`,
        values,
      );
      return toFlexFlow(row!);
    },
    async delete(sid) {
      const { rowCount } = await pool.query('DELETE FROM flex_flows WHERE sid = $1', [sid]);
      return (rowCount ?? 0) > 0;
    },
  };
}
