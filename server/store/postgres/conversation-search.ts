/**
 * PostgreSQL: conversations found through the GIN indexes of migration 130 (message bodies,
 * contact names and addresses, each channel's `from`). Each matching channel is scored by its
 * best hit (ts_rank), then the newest come first. The expressions below must stay those of
 * the indexes, or the planner cannot use them.
 */
import { type ConversationSearchRepository, isPrefixTerm } from '../conversation-search.ts';
import { toChannel, toContact, toMessage } from '../rows.ts';
import { all, type Deps } from './db.ts';

const MESSAGE_VECTOR = `to_tsvector('simple', parley_search_text(m.body))`;
const CONTACT_VECTOR = `to_tsvector('simple', parley_search_text(coalesce(ct.friendly_name, '') || ' ' || coalesce(ct.address, '')))`;
const CHANNEL_VECTOR = `to_tsvector('simple', parley_search_text(coalesce(c.attributes->>'from', '')))`;

const QUERY = `to_tsquery('simple', $1)`;
/**
 * An agent's scope ($2: the channels one of whose tasks they held), applied to every kind of
 * hit before any is ranked, so an agent's search ranks only their own conversations.
 */
const IN_SCOPE = (channelSid: string) =>
  `($2::text IS NULL OR ${channelSid} IN (SELECT t.channel_sid FROM tasks t WHERE t.worker_sid = $2))`;

const SEARCH = `
  WITH hits AS (
    SELECT m.channel_sid, m.sid AS message_sid, m.idx, ts_rank(${MESSAGE_VECTOR}, ${QUERY}) AS score
      FROM messages m WHERE m.author_role <> 'system' AND ${MESSAGE_VECTOR} @@ ${QUERY}
        AND ${IN_SCOPE('m.channel_sid')}
    UNION ALL
    SELECT c.sid, NULL, NULL, ts_rank(${CONTACT_VECTOR}, ${QUERY})
      FROM contacts ct JOIN channels c ON c.contact_sid = ct.sid WHERE ${CONTACT_VECTOR} @@ ${QUERY}
        AND ${IN_SCOPE('c.sid')}
    UNION ALL
    SELECT c.sid, NULL, NULL, ts_rank(${CHANNEL_VECTOR}, ${QUERY})
      FROM channels c WHERE ${CHANNEL_VECTOR} @@ ${QUERY} AND ${IN_SCOPE('c.sid')}
  ),
  ranked AS (
    SELECT channel_sid, max(score) AS score,
           (array_agg(message_sid ORDER BY score DESC, idx DESC) FILTER (WHERE message_sid IS NOT NULL))[1]
             AS message_sid
      FROM hits GROUP BY channel_sid
  )
  SELECT to_jsonb(c) AS channel_, to_jsonb(ct) AS contact_, to_jsonb(m) AS message_
    FROM ranked r JOIN channels c ON c.sid = r.channel_sid JOIN contacts ct ON ct.sid = c.contact_sid
    LEFT JOIN messages m ON m.sid = r.message_sid
    ORDER BY r.score DESC, c.date_updated DESC, c.sid DESC
    LIMIT $3 OFFSET $4`;

/**
 * A tsquery of `terms`, each a quoted lexeme (the terms are letters and digits only, so there
 * is nothing to escape; quotes are doubled all the same), all required, the last as a prefix
 * when long enough (see `isPrefixTerm`). Empty terms are dropped: one would match nothing.
 */
export const tsQueryOf = (terms: string[]) => {
  const words = terms.filter(Boolean);
  return words
    .map((term, i) => `'${term.replaceAll("'", "''")}'${isPrefixTerm(words, i) ? ':*' : ''}`)
    .join(' & ');
};

export function conversationSearchRepository({ pool }: Pick<Deps, 'pool'>): ConversationSearchRepository {
  return {
    async search({ terms, workerSid, limit, offset }) {
      if (!terms.some(Boolean)) return [];
      const rows = await all(pool, SEARCH, [tsQueryOf(terms), workerSid ?? null, limit, offset]);
      return rows.map((row) => ({
        channel: toChannel(row.channel_),
        contact: toContact(row.contact_),
        message: row.message_ ? toMessage(row.message_) : null,
      }));
    },
  };
}
