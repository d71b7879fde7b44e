/** SQLite repository of messages, and the statements that write them. */
import type { Clock } from '../../ids.ts';
import { type Row, toMessage } from '../rows.ts';
import type { MemberMessage, Message, MessageRepository, NewMessage, PostOutcome } from '../types.ts';
import { messageIndexer } from './conversation-search.ts';
import type { Deps } from './conversations.ts';
import type { GroupCommit } from './group-commit.ts';

const CLOSED_TASK = new Set(['completed', 'canceled']);

const now = (clock: Clock) => clock().toISOString();

/** How long a new message waits to be indexed for search with the others sent meanwhile. */
const INDEX_DELAY_MS = 200;

/**
 * The statements that write messages, as units of work that run inside a transaction (the
 * group commit's, or one that writes something else with the message). One per database, so
 * every writer shares the search indexer's timer.
 */
export type MessageWriter = ReturnType<typeof createMessageWriter>;
const writers = new WeakMap<Deps['db'], MessageWriter>();
export function messageWriter(deps: Deps): MessageWriter {
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = createMessageWriter(deps);
    writers.set(deps.db, writer);
  }
  return writer;
}

function createMessageWriter({ db, clock, newSid }: Deps) {
  const byClientId = db.prepare('SELECT * FROM messages WHERE channel_sid = ? AND client_id = ?');
  // What a post needs to know, in one read: the channel's state, the author's membership and
  // whether the channel's task is still open.
  const postContext = db.prepare(
    `SELECT c.status, m.role, m.friendly_name, t.status AS task_status
     FROM channels c
       LEFT JOIN members m ON m.channel_sid = c.sid AND m.identity = ?
       LEFT JOIN tasks t ON t.sid = c.task_sid
     WHERE c.sid = ?`,
  );
  // The index is read inside the insert, so a refused insert uses no index up. A client id
  // already stored inserts nothing and returns no row: the caller then reads the original, so
  // a new message (nearly every one) costs no lookup of its client id first.
  const insert = db
    .prepare(
      `INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
     VALUES (?, ?, (SELECT last_message_index + 1 FROM channels WHERE sid = ?), ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (client_id, channel_sid) WHERE client_id IS NOT NULL DO NOTHING
     RETURNING idx`,
    )
    .pluck();
  const setIndex = db.prepare('UPDATE channels SET last_message_index = ?, date_updated = ? WHERE sid = ?');
  // New messages wait in messages_fts_pending and are indexed for search together, a moment
  // after they are acknowledged (a search indexes what is still pending before it reads).
  const indexer = messageIndexer(db);
  let indexTimer: NodeJS.Timeout | null = null;
  function indexSoon() {
    if (indexTimer) return;
    indexTimer = setTimeout(() => {
      indexTimer = null;
      if (!db.open) return;
      try {
        indexer.catchUp();
      } catch {
        // The messages stay pending: the next search or the next round indexes them.
        indexSoon();
      }
    }, INDEX_DELAY_MS);
    indexTimer.unref();
  }

  /** Inside the group transaction (which holds the write lock, so the index stays gapless). */
  function store(input: NewMessage): Message | null {
    const sid = newSid('IM');
    const at = now(clock);
    const attributes = input.attributes ?? {};
    const clientId = input.clientId ?? null;
    const index = insert.get(
      sid,
      input.channelSid,
      input.channelSid,
      input.from,
      input.authorRole,
      input.authorName,
      input.body,
      JSON.stringify(attributes),
      clientId,
      at,
    ) as number | undefined;
    if (index === undefined) return null;
    setIndex.run(index, at, input.channelSid);
    indexSoon();
    // Built from what was written: no read back, no parse.
    return {
      sid,
      channelSid: input.channelSid,
      index,
      from: input.from,
      authorRole: input.authorRole,
      authorName: input.authorName,
      body: input.body,
      attributes,
      clientId,
      dateCreated: at,
    };
  }

  function original(channelSid: string, clientId: string | null | undefined) {
    const row = clientId ? (byClientId.get(channelSid, clientId) as Row | undefined) : undefined;
    return row ? toMessage(row) : null;
  }

  /** The message the client id already names (store() just found it there). */
  function stored(channelSid: string, clientId: string | null | undefined): Message {
    const existing = original(channelSid, clientId);
    if (!existing)
      throw new Error(`message with client id ${clientId} in ${channelSid} not found after a conflict`);
    return existing;
  }

  const append = (input: NewMessage) => () => {
    const message = store(input);
    if (message) return { message, created: true };
    return { message: stored(input.channelSid, input.clientId), created: false };
  };

  /**
   * A member's message, checked and stored. `alongside`, when given, runs once the message is
   * admitted, in the same transaction: it returns null to write nothing (`post` then returns
   * null), or the writes to make once the message is (its insert, the one statement that may
   * fail on a constraint, comes first: see group-commit.ts).
   */
  function post(input: MemberMessage, alongside?: () => (() => void) | null): PostOutcome | null {
    const context = postContext.get(input.from, input.channelSid) as Row | undefined;
    if (!context) return { status: 'no_channel' };
    if (!context.role) return { status: 'not_a_member' };
    const engaged = context.task_status != null && !CLOSED_TASK.has(context.task_status);
    if (context.status !== 'active') {
      // A retry of a message stored before the channel closed still gets the original.
      const existing = original(input.channelSid, input.clientId);
      if (existing) return { status: 'stored', message: existing, created: false, engaged };
      return { status: 'inactive' };
    }
    const writeAlongside = alongside?.();
    if (writeAlongside === null) return null;
    const message = store({ ...input, authorRole: context.role, authorName: context.friendly_name });
    writeAlongside?.();
    if (message) return { status: 'stored', message, created: true, engaged };
    return { status: 'stored', message: stored(input.channelSid, input.clientId), created: false, engaged };
  }

  return { append, post, original };
}

export function messageRepository(deps: Deps, group: GroupCommit): MessageRepository {
  const { db } = deps;
  const writer = messageWriter(deps);
  return {
    append: (input) => group.run(writer.append(input)),
    post: (input) => group.run(() => writer.post(input) as PostOutcome),
    async list(channelSid, { afterIndex = -1, limit }) {
      const rows = db
        .prepare('SELECT * FROM messages WHERE channel_sid = ? AND idx > ? ORDER BY idx LIMIT ?')
        .all(channelSid, afterIndex, limit);
      return (rows as Row[]).map(toMessage);
    },
    async findByClientId(channelSid, clientId) {
      return writer.original(channelSid, clientId);
    },
    async get(channelSid, sid) {
      const row = db
        .prepare('SELECT * FROM messages WHERE channel_sid = ? AND sid = ?')
        .get(channelSid, sid) as Row | undefined;
      return row ? toMessage(row) : null;
    },
    async updateAttributes(channelSid, sid, attributes) {
      const row = db
        .prepare('UPDATE messages SET attributes = ? WHERE channel_sid = ? AND sid = ? RETURNING *')
        .get(JSON.stringify(attributes), channelSid, sid) as Row | undefined;
      return row ? toMessage(row) : null;
    },
    async delete(channelSid, sid) {
      return (
        db.prepare('DELETE FROM messages WHERE channel_sid = ? AND sid = ?').run(channelSid, sid).changes > 0
      );
    },
    async firstByRole(channelSid, role) {
      const row = db
        .prepare('SELECT * FROM messages WHERE channel_sid = ? AND author_role = ? ORDER BY idx LIMIT 1')
        .get(channelSid, role) as Row | undefined;
      return row ? toMessage(row) : null;
    },
  };
}
