/**
 * SQLite: conversations found through FTS5 (migration 130): `messages_fts` over message bodies,
 * `contacts_fts` over contact names and addresses, `channel_names_fts` over each channel's
 * `from`. Each matching channel is scored by its best hit (bm25), then the newest come first.
 */
import type { ConversationSearchRepository } from '../conversation-search.ts';
import { type Row, toChannel, toContact, toMessage } from '../rows.ts';
import type { Deps } from './conversations.ts';

const SEARCH = `
  WITH hits AS MATERIALIZED (
    SELECT m.channel_sid, m.sid AS message_sid, m.idx, -bm25(messages_fts) AS score
      FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
      WHERE messages_fts MATCH @match
    UNION ALL
    SELECT c.sid, NULL, NULL, -bm25(contacts_fts)
      FROM contacts_fts JOIN contacts ct ON ct.rowid = contacts_fts.rowid
      JOIN channels c ON c.contact_sid = ct.sid
      WHERE contacts_fts MATCH @match
    UNION ALL
    SELECT c.sid, NULL, NULL, -bm25(channel_names_fts)
      FROM channel_names_fts JOIN channels c ON c.rowid = channel_names_fts.rowid
      WHERE channel_names_fts MATCH @match
  ),
  best_message AS (
    SELECT channel_sid, message_sid FROM (
      SELECT channel_sid, message_sid,
             row_number() OVER (PARTITION BY channel_sid ORDER BY score DESC, idx DESC) AS n
        FROM hits WHERE message_sid IS NOT NULL)
    WHERE n = 1
  ),
  ranked AS (SELECT channel_sid, max(score) AS score FROM hits GROUP BY channel_sid)
  SELECT c.sid AS channel_sid_, b.message_sid AS message_sid_
    FROM ranked r JOIN channels c ON c.sid = r.channel_sid
    LEFT JOIN best_message b ON b.channel_sid = r.channel_sid
    WHERE @workerSid IS NULL
       OR EXISTS (SELECT 1 FROM tasks t WHERE t.channel_sid = c.sid AND t.worker_sid = @workerSid)
    ORDER BY r.score DESC, c.date_updated DESC, c.sid DESC
    LIMIT @limit OFFSET @offset`;

/**
 * An FTS5 query of `terms`: each a quoted string (so `OR`, `NEAR` or `*` are only words), all
 * required, the last also as a prefix.
 */
export const ftsQueryOf = (terms: string[]) =>
  terms.map((term, i) => `"${term.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');

export function conversationSearchRepository({ db }: Pick<Deps, 'db'>): ConversationSearchRepository {
  const search = db.prepare(SEARCH);
  const channel = db.prepare('SELECT * FROM channels WHERE sid = ?');
  const contact = db.prepare('SELECT * FROM contacts WHERE sid = ?');
  const message = db.prepare('SELECT * FROM messages WHERE sid = ?');
  return {
    async search({ terms, workerSid, limit, offset }) {
      if (!terms.length) return [];
      const rows = search.all({ match: ftsQueryOf(terms), workerSid: workerSid ?? null, limit, offset });
      return (rows as Row[]).map((row) => {
        const found = toChannel(channel.get(row.channel_sid_) as Row);
        return {
          channel: found,
          contact: toContact(contact.get(found.contactSid) as Row),
          message: row.message_sid_ ? toMessage(message.get(row.message_sid_) as Row) : null,
        };
      });
    },
  };
}
