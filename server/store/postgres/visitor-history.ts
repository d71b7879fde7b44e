/** PostgreSQL: a contact's earlier channels, on one Flex Flow or all (index channels_by_contact). */
import { toChannel } from '../rows.ts';
import type { VisitorHistoryRepository } from '../visitor-history.ts';
import { all, type Deps } from './db.ts';

export function visitorHistoryRepository({ pool }: Pick<Deps, 'pool'>): VisitorHistoryRepository {
  return {
    async contactChannels({ contactSid, exceptSid, notAfter, limit }) {
      const rows = await all(
        pool,
        `SELECT * FROM channels WHERE contact_sid = $1 AND sid <> $2 AND date_created <= $3
         ORDER BY date_created DESC, sid DESC LIMIT $4`,
        [contactSid, exceptSid, notAfter, limit],
      );
      return rows.map(toChannel);
    },
    async earlierChannels({ contactSid, flexFlowSid, exceptSid, limit }) {
      const rows = await all(
        pool,
        `SELECT * FROM channels WHERE contact_sid = $1 AND flex_flow_sid = $2 AND sid <> $3
         ORDER BY date_created DESC, sid DESC LIMIT $4`,
        [contactSid, flexFlowSid, exceptSid, limit],
      );
      return rows.map(toChannel);
    },
  };
}
