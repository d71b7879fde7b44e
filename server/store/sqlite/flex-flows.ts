/** SQLite repository of Flex Flows. */

import { type Row, toFlexFlow } from '../rows.ts';
import type { FlexFlowRepository, NewFlexFlow } from '../types.ts';
import type { Deps } from './conversations.ts';

const columns = (f: Partial<NewFlexFlow>) => ({
  friendly_name: f.friendlyName,
  channel_type: f.channelType,
  contact_identity: f.contactIdentity,
  enabled: f.enabled === undefined ? undefined : f.enabled ? 1 : 0,
  integration_type: f.integrationType,
  integration: f.integration && JSON.stringify(f.integration),
  long_lived: f.longLived === undefined ? undefined : f.longLived ? 1 : 0,
  janitor_enabled: f.janitorEnabled === undefined ? undefined : f.janitorEnabled ? 1 : 0,
  allowed_origins: f.allowedOrigins && JSON.stringify(f.allowedOrigins),
  widget_config: f.widgetConfig && JSON.stringify(f.widgetConfig),
  messaging_connector:
    f.messagingConnector === undefined
      ? undefined
      : f.messagingConnector && JSON.stringify(f.messagingConnector),
});

export function flexFlowRepository({ db, clock, newSid }: Deps): FlexFlowRepository {
  const byId = db.prepare('SELECT * FROM flex_flows WHERE sid = ?');
  return {
    async create(input) {
      const at = clock().toISOString();
      const row = db
        .prepare(
          `INSERT INTO flex_flows (sid, friendly_name, channel_type, contact_identity, enabled, integration_type,
             integration, long_lived, janitor_enabled, allowed_origins, widget_config, messaging_connector, date_created, date_updated)
           VALUES (@sid, @friendly_name, @channel_type, @contact_identity, @enabled, @integration_type,
             @integration, @long_lived, @janitor_enabled, @allowed_origins, @widget_config, @messaging_connector, @at, @at) RETURNING *`,
        )
        .get({
          sid: newSid('FO'),
          ...columns({ widgetConfig: {}, messagingConnector: null, ...input }),
          at,
        }) as Row;
      return toFlexFlow(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toFlexFlow(row) : null;
    },
    async list() {
      return (db.prepare('SELECT * FROM flex_flows ORDER BY date_created, rowid').all() as Row[]).map(
        toFlexFlow,
      );
    },
    async update(sid, patch) {
      const set = Object.entries(columns(patch)).filter(([, value]) => value !== undefined);
      const assignments = set.map(([column]) => `${column} = @${column}`).join(', ');
      const row = db
        .prepare(
          `UPDATE flex_flows SET ${assignments ? `${assignments}, ` : ''}date_updated = @at WHERE sid = @sid RETURNING *`,
        )
        .get({ ...Object.fromEntries(set), at: clock().toISOString(), sid }) as Row;
      return toFlexFlow(row);
    },
    async delete(sid) {
      return db.prepare('DELETE FROM flex_flows WHERE sid = ?').run(sid).changes > 0;
    },
  };
}
