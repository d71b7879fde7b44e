/**
 * PostgreSQL: conversations whose customer name, address or a message matches (ILIKE). The
 * page bounds the work, newest channels are read first.
 */
import { type ConversationSearchRepository, containsPattern } from '../conversation-search.ts';
import { toChannel, toContact, toMessage } from '../rows.ts';
import { all, type Deps } from './db.ts';

const MATCHING_MESSAGE = `FROM messages m WHERE m.channel_sid = c.sid AND m.author_role <> 'system'
  AND m.body ILIKE $1`;

export function conversationSearchRepository({ pool }: Pick<Deps, 'pool'>): ConversationSearchRepository {
  return {
    async search({ text, workerSid, limit, offset }) {
      const rows = await all(
        pool,
        `SELECT to_jsonb(c) AS channel_, to_jsonb(ct) AS contact_,
                (SELECT to_jsonb(m) ${MATCHING_MESSAGE} ORDER BY m.idx DESC LIMIT 1) AS message_
         FROM channels c JOIN contacts ct ON ct.sid = c.contact_sid
         WHERE ($2::text IS NULL OR EXISTS
                 (SELECT 1 FROM tasks t WHERE t.channel_sid = c.sid AND t.worker_sid = $2))
           AND (ct.friendly_name ILIKE $1 OR ct.address ILIKE $1 OR c.attributes->>'from' ILIKE $1
                OR EXISTS (SELECT 1 ${MATCHING_MESSAGE}))
         ORDER BY c.date_updated DESC, c.sid DESC LIMIT $3 OFFSET $4`,
        [containsPattern(text), workerSid ?? null, limit, offset],
      );
      return rows.map((row) => ({
        channel: toChannel(row.channel_),
        contact: toContact(row.contact_),
        message: row.message_ ? toMessage(row.message_) : null,
      }));
    },
  };
}
