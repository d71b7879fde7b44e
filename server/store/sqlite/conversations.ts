/** SQLite repositories of contacts, channels, members and messages. */
import type Database from 'better-sqlite3';
import type { Clock, IdGenerator } from '../../ids.ts';
import { type Row, toChannel, toContact, toMember, toMessage } from '../rows.ts';
import type {
  ChannelRepository,
  ContactRepository,
  MemberMessage,
  MemberRepository,
  Message,
  MessageRepository,
  NewMessage,
  PostOutcome,
} from '../types.ts';
import { messageIndexer } from './conversation-search.ts';
import type { GroupCommit } from './group-commit.ts';

const CLOSED_TASK = new Set(['completed', 'canceled']);

export interface Deps {
  db: Database.Database;
  clock: Clock;
  newSid: IdGenerator;
}

const now = (clock: Clock) => clock().toISOString();

export function contactRepository({ db, clock, newSid }: Deps): ContactRepository {
  const byId = db.prepare('SELECT * FROM contacts WHERE sid = ?');
  return {
    async create(input) {
      const row = db
        .prepare(
          `INSERT INTO contacts (sid, identity, friendly_name, address, attributes, date_created)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('US'),
          input.identity,
          input.friendlyName,
          input.address ?? null,
          JSON.stringify(input.attributes ?? {}),
          now(clock),
        ) as Row;
      return toContact(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toContact(row) : null;
    },
    async findByIdentity(identity) {
      const row = db.prepare('SELECT * FROM contacts WHERE identity = ?').get(identity) as Row | undefined;
      return row ? toContact(row) : null;
    },
    async update(sid, patch) {
      const row = db
        .prepare(
          `UPDATE contacts SET friendly_name = coalesce(?, friendly_name), attributes = coalesce(?, attributes)
           WHERE sid = ? RETURNING *`,
        )
        .get(
          patch.friendlyName ?? null,
          patch.attributes ? JSON.stringify(patch.attributes) : null,
          sid,
        ) as Row;
      return toContact(row);
    },
  };
}

export function channelRepository({ db, clock, newSid }: Deps): ChannelRepository {
  const byId = db.prepare('SELECT * FROM channels WHERE sid = ?');
  const removeChannel = db.transaction((sid: string) => {
    db.prepare(
      'DELETE FROM reservations WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid = ?)',
    ).run(sid);
    for (const table of ['tasks', 'executions', 'messages', 'members', 'proxy_sessions']) {
      db.prepare(`DELETE FROM ${table} WHERE channel_sid = ?`).run(sid);
    }
    return db.prepare('DELETE FROM channels WHERE sid = ?').run(sid).changes > 0;
  });
  return {
    async create(input) {
      const at = now(clock);
      const row = db
        .prepare(
          `INSERT INTO channels (sid, flex_flow_sid, contact_sid, friendly_name, status, attributes, date_created, date_updated)
           VALUES (?, ?, ?, ?, 'active', ?, ?, ?) RETURNING *`,
        )
        .get(
          newSid('CH'),
          input.flexFlowSid,
          input.contactSid,
          input.friendlyName,
          JSON.stringify(input.attributes),
          at,
          at,
        ) as Row;
      return toChannel(row);
    },
    async get(sid) {
      const row = byId.get(sid) as Row | undefined;
      return row ? toChannel(row) : null;
    },
    async list({ limit, offset }) {
      const rows = db
        .prepare('SELECT * FROM channels ORDER BY date_created, sid LIMIT ? OFFSET ?')
        .all(limit, offset) as Row[];
      return rows.map(toChannel);
    },
    async findActive(contactSid, flexFlowSid) {
      const row = db
        .prepare(
          `SELECT * FROM channels WHERE contact_sid = ? AND flex_flow_sid = ? AND status = 'active'
           ORDER BY date_created DESC LIMIT 1`,
        )
        .get(contactSid, flexFlowSid) as Row | undefined;
      return row ? toChannel(row) : null;
    },
    async update(sid, patch) {
      const { taskSid: _derived, ...attributes } = patch.attributes ?? {};
      const row = db
        .prepare(
          `UPDATE channels SET status = coalesce(?, status), friendly_name = coalesce(?, friendly_name),
             attributes = coalesce(?, attributes), date_updated = ?
           WHERE sid = ? RETURNING *`,
        )
        .get(
          patch.status ?? null,
          patch.friendlyName ?? null,
          patch.attributes ? JSON.stringify(attributes) : null,
          now(clock),
          sid,
        ) as Row;
      return toChannel(row);
    },
    async delete(sid) {
      return removeChannel.immediate(sid);
    },
  };
}

export function memberRepository({ db, clock, newSid }: Deps): MemberRepository {
  const get = db.prepare('SELECT * FROM members WHERE channel_sid = ? AND identity = ?');
  return {
    async add(input) {
      db.prepare(
        `INSERT INTO members (sid, channel_sid, identity, role, friendly_name, date_created)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_sid, identity) DO NOTHING`,
      ).run(newSid('MB'), input.channelSid, input.identity, input.role, input.friendlyName, now(clock));
      return toMember(get.get(input.channelSid, input.identity) as Row);
    },
    async get(channelSid, identity) {
      const row = get.get(channelSid, identity) as Row | undefined;
      return row ? toMember(row) : null;
    },
    async list(channelSid) {
      const rows = db
        .prepare('SELECT * FROM members WHERE channel_sid = ? ORDER BY date_created, rowid')
        .all(channelSid);
      return (rows as Row[]).map(toMember);
    },
    async advanceReadHorizon(channelSid, identity, index) {
      const row = db
        .prepare(
          `UPDATE members SET last_read_index = ?
           WHERE channel_sid = ? AND identity = ? AND last_read_index < ?
             AND ? <= (SELECT last_message_index FROM channels WHERE sid = ?)
           RETURNING *`,
        )
        .get(index, channelSid, identity, index, index, channelSid) as Row | undefined;
      return row ? toMember(row) : null;
    },
    async remove(channelSid, identity) {
      return (
        db.prepare('DELETE FROM members WHERE channel_sid = ? AND identity = ?').run(channelSid, identity)
          .changes > 0
      );
    },
  };
}

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
     ON CONFLICT (channel_sid, client_id) DO NOTHING
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
