/**
 * PostgreSQL repository of messages. Appending a message locks its channel row, so indexes
 * stay gapless and a repeated clientId is seen under the lock; members' messages are posted in
 * batches (post-batch.ts).
 */
import type { MemberMessage, PostOutcome } from '../repositories.ts';
import { type Row, toMessage } from '../rows.ts';
import type { MessageRepository } from '../types.ts';
import { all, type Deps, one } from './db.ts';
import { createPostBatcher, type PostBatcher, taskOpen } from './post-batch.ts';

const now = (deps: Deps) => deps.clock().toISOString();
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

const APPEND = `
  WITH existing AS (
    SELECT * FROM messages WHERE channel_sid = $2::text AND client_id = $8::text
  ), next AS (
    UPDATE channels SET last_message_index = last_message_index + 1, date_updated = $9::text
    WHERE sid = $2::text AND NOT EXISTS (SELECT 1 FROM existing)
    RETURNING last_message_index
  ), inserted AS (
    INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
    SELECT $1::text, $2::text, next.last_message_index, $3::text, $4::text, $5::text, $6::text, $7::jsonb, $8::text, $9::text
    FROM next
    RETURNING *
  )
  SELECT inserted.*, true AS created FROM inserted
  UNION ALL
  SELECT existing.*, false AS created FROM existing`;

/**
 * What a member's message is checked against, for `$2` the channel and `$3` the author: the
 * channel's status, the author's membership and the task's status (shared with the bot's
 * step-and-reply statement in flows.ts, which uses the same parameter numbers).
 */
export const MEMBER_CONTEXT = `context AS (
    SELECT c.sid, c.status, m.role, m.friendly_name, t.status AS task_status
    FROM channels c
      LEFT JOIN members m ON m.channel_sid = c.sid AND m.identity = $3::text
      LEFT JOIN tasks t ON t.sid = c.task_sid
    WHERE c.sid = $2::text
  )`;

/**
 * The member's message appended after MEMBER_CONTEXT: a stored clientId (`$6`) returns the
 * original; otherwise, when the channel is active, the author a member and `guard` holds, the
 * channel's index is bumped (its row lock orders appends; the status is checked again on the
 * locked row) and the message (`$1` sid, `$4` body, `$5` attributes, `$7` date) inserted.
 */
export function memberMessage(guard = ''): string {
  return `existing AS (
    SELECT * FROM messages WHERE channel_sid = $2::text AND client_id = $6::text
  ), next AS (
    UPDATE channels SET last_message_index = last_message_index + 1, date_updated = $7::text
    FROM context
    WHERE channels.sid = context.sid AND channels.status = 'active' AND context.role IS NOT NULL
      ${guard}AND NOT EXISTS (SELECT 1 FROM existing)
    RETURNING channels.last_message_index, context.role, context.friendly_name
  ), inserted AS (
    INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
    SELECT $1::text, $2::text, next.last_message_index, $3::text, next.role, next.friendly_name, $4::text, $5::jsonb, $6::text, $7::text
    FROM next
    RETURNING *
  ), stored AS (
    SELECT inserted.*, true AS created FROM inserted
    UNION ALL
    SELECT existing.*, false AS created FROM existing
  )`;
}

/** A member's message in one statement, all before the one reply. */
const POST = `
  WITH ${MEMBER_CONTEXT}, ${memberMessage()}
  SELECT context.status AS channel_status, context.role AS member_role, context.task_status, stored.*
  FROM context LEFT JOIN stored ON true`;

/** One member's message with a statement of its own (a batch of one, or a refused batch's posts). */
async function postOne(deps: Deps, input: MemberMessage): Promise<PostOutcome> {
  const { pool, newSid } = deps;
  const values = [
    newSid('IM'),
    input.channelSid,
    input.from,
    input.body,
    json(input.attributes ?? {}),
    input.clientId ?? null,
    now(deps),
  ];
  let row: Row | undefined;
  try {
    // Named: prepared once per connection, not planned again for every message.
    row = (await pool.query({ name: 'parley_post_message', text: POST, values })).rows[0];
  } catch (err) {
    if ((err as { code?: string }).code !== '23505' || !input.clientId) throw err;
    // Two retries of one clientId raced: the loser's statement rolled back whole.
    const original = await findOriginal(pool, input.channelSid, input.clientId);
    if (original) return { status: 'stored', message: original, created: false, engaged: true };
    throw err;
  }
  if (!row) return { status: 'no_channel' };
  if (!row.member_role) return { status: 'not_a_member' };
  if (!row.sid) return { status: 'inactive' };
  const { channel_status: _s, member_role: _r, task_status, created, ...message } = row;
  const engaged = taskOpen(task_status);
  return { status: 'stored', message: toMessage(message), created: created === true, engaged };
}

/** The message a clientId already names in a channel. */
async function findOriginal(pool: Deps['pool'], channelSid: string, clientId: string) {
  const row = await one(pool, 'SELECT * FROM messages WHERE channel_sid = $1 AND client_id = $2', [
    channelSid,
    clientId,
  ]);
  return row ? toMessage(row) : null;
}

/** Posts are batched per pool: every repository on it shares the batches. */
const batchers = new WeakMap<Deps['pool'], PostBatcher>();
export function postBatcher(deps: Deps): PostBatcher {
  let batcher = batchers.get(deps.pool);
  if (!batcher) {
    batcher = createPostBatcher(deps, (input) => postOne(deps, input));
    batchers.set(deps.pool, batcher);
  }
  return batcher;
}

export function messageRepository(deps: Deps, batcher = postBatcher(deps)): MessageRepository {
  const { pool, newSid } = deps;
  return {
    post: batcher.post,
    /**
     * One statement, one round trip: a stored clientId returns the original; otherwise the
     * channel's index is bumped (its row lock orders appends to a channel) and the message
     * inserted with it. Two retries of one clientId racing: the second fails the unique index,
     * the whole statement rolls back (no index is used up), and it returns the first.
     */
    async append(input) {
      const params = [
        newSid('IM'),
        input.channelSid,
        input.from,
        input.authorRole,
        input.authorName,
        input.body,
        json(input.attributes ?? {}),
        input.clientId ?? null,
        now(deps),
      ];
      let rows: Row[];
      try {
        rows = await all(pool, APPEND, params);
      } catch (err) {
        if ((err as { code?: string }).code !== '23505' || !input.clientId) throw err;
        rows = await all(
          pool,
          'SELECT *, false AS created FROM messages WHERE channel_sid = $1 AND client_id = $2',
          [input.channelSid, input.clientId],
        );
      }
      const [row] = rows;
      if (!row) throw new Error(`channel ${input.channelSid} does not exist`);
      const { created, ...message } = row;
      return { message: toMessage(message), created: created === true };
    },
    async list(channelSid, { afterIndex = -1, limit }) {
      return (
        await all(pool, 'SELECT * FROM messages WHERE channel_sid = $1 AND idx > $2 ORDER BY idx LIMIT $3', [
          channelSid,
          afterIndex,
          limit,
        ])
      ).map(toMessage);
    },
    findByClientId: (channelSid, clientId) => findOriginal(pool, channelSid, clientId),
    async get(channelSid, sid) {
      const row = await one(pool, 'SELECT * FROM messages WHERE channel_sid = $1 AND sid = $2', [
        channelSid,
        sid,
      ]);
      return row ? toMessage(row) : null;
    },
    async updateAttributes(channelSid, sid, attributes) {
      const row = await one(
        pool,
        'UPDATE messages SET attributes = $1 WHERE channel_sid = $2 AND sid = $3 RETURNING *',
        [json(attributes), channelSid, sid],
      );
      return row ? toMessage(row) : null;
    },
    async delete(channelSid, sid) {
      const { rowCount } = await pool.query('DELETE FROM messages WHERE channel_sid = $1 AND sid = $2', [
        channelSid,
        sid,
      ]);
      return (rowCount ?? 0) > 0;
    },
    async firstByRole(channelSid, role) {
      const row = await one(
        pool,
        'SELECT * FROM messages WHERE channel_sid = $1 AND author_role = $2 ORDER BY idx LIMIT 1',
        [channelSid, role],
      );
      return row ? toMessage(row) : null;
    },
  };
}
