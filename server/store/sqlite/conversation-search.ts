/**
 * SQLite: conversations whose customer name, address or a message matches. LIKE is
 * case-insensitive for ASCII here; the page bounds the work, newest channels are read first.
 */
import { type ConversationSearchRepository, containsPattern } from '../conversation-search.ts';
import { type Row, toChannel, toContact, toMessage } from '../rows.ts';
import type { Deps } from './conversations.ts';

const MATCHING_MESSAGE = `FROM messages m WHERE m.channel_sid = c.sid AND m.author_role <> 'system'
  AND m.body LIKE @pattern ESCAPE '\\'`;

export function conversationSearchRepository({ db }: Pick<Deps, 'db'>): ConversationSearchRepository {
  const search = db.prepare(
    `SELECT c.sid AS channel_sid_, (SELECT m.sid ${MATCHING_MESSAGE} ORDER BY m.idx DESC LIMIT 1) AS message_sid_
     FROM channels c JOIN contacts ct ON ct.sid = c.contact_sid
     WHERE (@workerSid IS NULL OR EXISTS
             (SELECT 1 FROM tasks t WHERE t.channel_sid = c.sid AND t.worker_sid = @workerSid))
       AND (ct.friendly_name LIKE @pattern ESCAPE '\\' OR ct.address LIKE @pattern ESCAPE '\\'
            OR json_extract(c.attributes, '$.from') LIKE @pattern ESCAPE '\\'
            OR EXISTS (SELECT 1 ${MATCHING_MESSAGE}))
     ORDER BY c.date_updated DESC, c.sid DESC LIMIT @limit OFFSET @offset`,
  );
  const channel = db.prepare('SELECT * FROM channels WHERE sid = ?');
  const contact = db.prepare('SELECT * FROM contacts WHERE sid = ?');
  const message = db.prepare('SELECT * FROM messages WHERE sid = ?');
  return {
    async search({ text, workerSid, limit, offset }) {
      const rows = search.all({
        pattern: containsPattern(text),
        workerSid: workerSid ?? null,
        limit,
        offset,
      });
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
