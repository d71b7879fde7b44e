/**
 * SQLite: conversations found through FTS5 (migration 130): `messages_fts` over message bodies,
 * `contacts_fts` over contact names and addresses, `channel_names_fts` over each channel's
 * `from`. Each matching channel is scored by its best hit (bm25), then the newest come first.
 */
import { type ConversationSearchRepository, isPrefixTerm, MAX_TERMS } from '../conversation-search.ts';
import { type Row, toChannel, toContact, toMessage } from '../rows.ts';
import type { Deps } from './conversations.ts';

/**
 * An agent's scope (the channels one of whose tasks they held), applied to every kind of hit
 * before any is ranked, so an agent's search ranks only their own conversations.
 */
const IN_SCOPE = (channelSid: string) =>
  `(@workerSid IS NULL OR ${channelSid} IN (SELECT t.channel_sid FROM tasks t WHERE t.worker_sid = @workerSid))`;

const SEARCH = `
  WITH hits AS MATERIALIZED (
    SELECT m.channel_sid, m.sid AS message_sid, m.idx, -bm25(messages_fts) AS score
      FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
      WHERE messages_fts MATCH @match AND ${IN_SCOPE('m.channel_sid')}
    UNION ALL
    SELECT c.sid, NULL, NULL, -bm25(contacts_fts)
      FROM contacts_fts JOIN contacts ct ON ct.rowid = contacts_fts.rowid
      JOIN channels c ON c.contact_sid = ct.sid
      WHERE contacts_fts MATCH @match AND ${IN_SCOPE('c.sid')}
    UNION ALL
    SELECT c.sid, NULL, NULL, -bm25(channel_names_fts)
      FROM channel_names_fts JOIN channels c ON c.rowid = channel_names_fts.rowid
      WHERE channel_names_fts MATCH @match AND ${IN_SCOPE('c.sid')}
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
    ORDER BY r.score DESC, c.date_updated DESC, c.sid DESC
    LIMIT @limit OFFSET @offset`;

/**
 * An FTS5 query of `terms`: each a quoted string (so `OR`, `NEAR` or `*` are only words), all
 * required, the last also as a prefix when long enough (see `isPrefixTerm`). Empty terms are
 * dropped: FTS5 matches nothing for one, and so nothing for the whole query.
 */
export const ftsQueryOf = (terms: string[]) => {
  const words = terms.filter(Boolean);
  return words
    .map((term, i) => `"${term.replaceAll('"', '""')}"${isPrefixTerm(words, i) ? '*' : ''}`)
    .join(' ');
};

/** Messages indexed in one transaction at most, so a backlog never holds the write lock long. */
const INDEX_BATCH = 2000;

/**
 * Indexes the messages noted in messages_fts_pending (migration 131) into messages_fts, oldest
 * first, in transactions of at most INDEX_BATCH. Returns how many pending rows it took. A
 * message's current body and role are read now, so a change made while it waited is indexed.
 */
export function messageIndexer(db: Deps['db']) {
  const bound = db
    .prepare(
      `SELECT max(message_rowid) FROM (
         SELECT message_rowid FROM messages_fts_pending ORDER BY message_rowid LIMIT ${INDEX_BATCH})`,
    )
    .pluck();
  const index = db.prepare(
    `INSERT INTO messages_fts (rowid, body)
       SELECT m.rowid, m.body FROM messages_fts_pending p JOIN messages m ON m.rowid = p.message_rowid
       WHERE p.message_rowid <= ? AND m.author_role <> 'system'`,
  );
  const done = db.prepare('DELETE FROM messages_fts_pending WHERE message_rowid <= ?');
  const batch = db.transaction(() => {
    const upTo = bound.get() as number | null;
    if (upTo == null) return 0;
    index.run(upTo);
    return done.run(upTo).changes;
  });
  return {
    /** Indexes everything pending (a search calls it first, so it finds every stored message). */
    catchUp() {
      while (batch.immediate() === INDEX_BATCH) {}
    },
  };
}

export function conversationSearchRepository({ db }: Pick<Deps, 'db'>): ConversationSearchRepository {
  const indexer = messageIndexer(db);
  const search = db.prepare(SEARCH);
  const channel = db.prepare('SELECT * FROM channels WHERE sid = ?');
  const contact = db.prepare('SELECT * FROM contacts WHERE sid = ?');
  const message = db.prepare('SELECT * FROM messages WHERE sid = ?');
  // The query's words as the indexes' tokenizer cuts and folds them: a scratch FTS5 table of
  // this connection (temp, never stored) with the same tokenizer, read back through fts5vocab.
  // SQLite's Unicode tables are older than JavaScript's: a letter they do not know is folded
  // differently (Adlam "𞤀" keeps its case) or is a separator there, and a word cut by
  // JavaScript would then match nothing, and with it the whole query.
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words USING fts5(
      text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words_tokens USING fts5vocab(temp, search_words, instance);`);
  const putWords = db.prepare('INSERT INTO temp.search_words (rowid, text) VALUES (1, ?)');
  const readWords = db.prepare('SELECT term FROM temp.search_words_tokens ORDER BY offset');
  const clearWords = db.prepare('DELETE FROM temp.search_words');
  const wordsOf = db.transaction((text: string) => {
    putWords.run(text);
    const words = (readWords.all() as { term: string }[]).map((row) => row.term);
    clearWords.run();
    return words.slice(0, MAX_TERMS);
  });
  return {
    async search({ terms, text, workerSid, limit, offset }) {
      const words = text === undefined ? terms : wordsOf(text);
      const match = ftsQueryOf(words);
      if (!match) return [];
      indexer.catchUp();
      const rows = search.all({ match, workerSid: workerSid ?? null, limit, offset });
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
