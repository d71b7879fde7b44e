/** SQLite: a contact's earlier channels, on one Flex Flow or all (index channels_by_contact). */
import { type Row, toChannel } from '../rows.ts';
import type { VisitorHistoryRepository } from '../visitor-history.ts';
import type { Deps } from './conversations.ts';

export function visitorHistoryRepository({ db }: Pick<Deps, 'db'>): VisitorHistoryRepository {
  const earlier = db.prepare(
    `SELECT * FROM channels WHERE contact_sid = ? AND flex_flow_sid = ? AND sid <> ?
     ORDER BY date_created DESC, sid DESC LIMIT ?`,
  );
  const ofContact = db.prepare(
    `SELECT * FROM channels WHERE contact_sid = ? AND sid <> ? AND date_created <= ?
     ORDER BY date_created DESC, sid DESC LIMIT ?`,
  );
  return {
    async contactChannels({ contactSid, exceptSid, notAfter, limit }) {
      return (ofContact.all(contactSid, exceptSid, notAfter, limit) as Row[]).map(toChannel);
    },
    async earlierChannels({ contactSid, flexFlowSid, exceptSid, limit }) {
      return (earlier.all(contactSid, flexFlowSid, exceptSid, limit) as Row[]).map(toChannel);
    },
  };
}
