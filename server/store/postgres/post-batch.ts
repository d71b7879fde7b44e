/**
 * Members' messages posted together: the posts of one event-loop turn go to PostgreSQL as one
 * statement (at most MAX_BATCH), so a burst costs one round trip and one commit instead of one
 * each. What each post is promised does not change: it settles only once its statement has
 * committed, its outcome is the one a post alone would have (stored, a clientId's original,
 * no_channel, not_a_member, inactive), and indexes stay gapless per channel.
 *
 * Order within a channel: a batch numbers a channel's messages in the order they were sent, and
 * a channel with a batch in flight gets no other until that one has committed, so messages sent
 * one after the other to a channel are stored in that order. A statement locks its channels in
 * sid order before it writes, as every other write that locks several channels does (erasure,
 * retention), so none of them can wait on another in a circle.
 */
import pg from 'pg';
import { groupBy } from '../../group-by.ts';
import type { MemberMessage, PostOutcome } from '../repositories.ts';
import { type Row, toMessage } from '../rows.ts';
import type { Deps } from './db.ts';

const MAX_BATCH = 64;
/** Batches one node sends at once; more wait for one of them to commit. */
const MAX_IN_FLIGHT = 4;

/**
 * One statement for many posts: `$1` a JSON array with one element per post, itself an array
 * of the new message's sid, the channel, the author, the body, the attributes (JSON text) and
 * the clientId; `$2` the date of them all. One row per post comes back, in the order given.
 * One JSON text costs the driver one native call, where seven arrays cost it an escaped array
 * literal each. Exported for the test of its plan.
 */
export const POST_BATCH = `
  WITH input AS (
    SELECT p->>0 AS sid, p->>1 AS channel_sid, p->>2 AS from_identity, p->>3 AS body,
      p->>4 AS attributes, p->>5 AS client_id, $2::text AS date_created, ord
    FROM json_array_elements($1::json) WITH ORDINALITY AS i(p, ord)
  ), locked AS (
    -- Each channel locked in its own lookup, in sid order (the sorted array's): as one
    -- IN (...) over the table, a plan made while the table was small scanned every channel.
    SELECT c.sid, c.status, c.task_sid
    FROM unnest(ARRAY(SELECT DISTINCT channel_sid FROM input ORDER BY channel_sid)) AS k(sid)
      CROSS JOIN LATERAL (
        SELECT sid, status, task_sid FROM channels WHERE channels.sid = k.sid LIMIT 1 FOR UPDATE
      ) c
  ), context AS (
    -- Looked up row by row, by index once the tables are past a few hundred rows. Without the
    -- LIMIT, PostgreSQL pulls a LATERAL subquery up into a join: planned while the tables were
    -- small, that join scanned every member and message, and each connection kept the plan
    -- for every batch until the tables were next analyzed.
    SELECT i.ord, l.sid, l.status, m.role, m.friendly_name,
      (SELECT t.status FROM tasks t WHERE t.sid = l.task_sid) AS task_status
    FROM input i
      JOIN locked l ON l.sid = i.channel_sid
      LEFT JOIN LATERAL (
        SELECT role, friendly_name FROM members
        WHERE members.channel_sid = l.sid AND members.identity = i.from_identity
        LIMIT 1
      ) m ON true
  ), existing AS (
    SELECT i.ord, to_jsonb(msg) AS message
    FROM input i
      CROSS JOIN LATERAL (
        SELECT * FROM messages WHERE messages.channel_sid = i.channel_sid AND messages.client_id = i.client_id
        LIMIT 1
      ) msg
  ), admitted AS (
    -- The posts that get a message, numbered in the order sent within their channel.
    SELECT i.ord, i.channel_sid, row_number() OVER (PARTITION BY i.channel_sid ORDER BY i.ord) AS n
    FROM input i JOIN context ON context.ord = i.ord
    WHERE context.status = 'active' AND context.role IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM existing WHERE existing.ord = i.ord)
  ), next AS (
    UPDATE channels SET last_message_index = channels.last_message_index + a.count, date_updated = $2
    FROM (SELECT channel_sid, count(*)::int AS count FROM admitted GROUP BY channel_sid) a
    WHERE channels.sid = a.channel_sid
    RETURNING channels.sid, channels.last_message_index - a.count AS before
  ), numbered AS (
    SELECT admitted.ord, (next.before + admitted.n)::int AS idx
    FROM admitted JOIN next ON next.sid = admitted.channel_sid
  ), inserted AS (
    INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
    SELECT i.sid, i.channel_sid, numbered.idx, i.from_identity, context.role, context.friendly_name,
      i.body, i.attributes::jsonb, i.client_id, i.date_created
    FROM numbered JOIN input i ON i.ord = numbered.ord JOIN context ON context.ord = numbered.ord
    RETURNING idx
  )
  SELECT context.status AS channel_status, context.role AS member_role, context.friendly_name AS member_name,
    context.task_status, numbered.idx, existing.message AS existing
  FROM input i
    LEFT JOIN context ON context.ord = i.ord
    LEFT JOIN numbered ON numbered.ord = i.ord
    LEFT JOIN existing ON existing.ord = i.ord
  ORDER BY i.ord`;

/** Whether the channel's task (its status as the post statements read it) is still open. */
export function taskOpen(taskStatus: string | null | undefined): boolean {
  return taskStatus != null && taskStatus !== 'completed' && taskStatus !== 'canceled';
}

interface Pending {
  input: MemberMessage;
  /** The attributes as JSON, made when the post was queued (so one that cannot be fails alone). */
  attributes: string;
  resolve: (outcome: PostOutcome) => void;
  reject: (err: unknown) => void;
}

export type PostBatcher = ReturnType<typeof createPostBatcher>;

/** `single` posts one message with a statement of its own (also what a failed batch falls back on). */
export function createPostBatcher(
  { pool, clock, newSid }: Deps,
  single: (input: MemberMessage) => Promise<PostOutcome>,
) {
  // Each channel's posts in the order sent; the map keeps channels in the order they arrived.
  const waiting = new Map<string, Pending[]>();
  let scheduled = false;
  let inFlight = 0;
  const busy = new Set<string>();
  const idle: (() => void)[] = [];

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  }

  /** Sends what waits, as far as the batches in flight allow: each channel's next post at most. */
  function drain() {
    scheduled = false;
    while (inFlight < MAX_IN_FLIGHT && waiting.size > 0) {
      // A post from each channel in turn, and again while there is room: a chat that sends
      // many at once does not keep the others waiting. A channel with a batch in flight waits
      // for it to commit.
      const batch: Pending[] = [];
      for (let more = true; more && batch.length < MAX_BATCH; ) {
        more = false;
        for (const [channel, posts] of waiting) {
          if (busy.has(channel)) continue;
          batch.push(posts.shift() as Pending);
          if (posts.length === 0) waiting.delete(channel);
          else more = true;
          if (batch.length === MAX_BATCH) break;
        }
      }
      if (batch.length === 0) break;
      inFlight++;
      for (const pending of batch) busy.add(pending.input.channelSid);
      // Whatever goes wrong settles every post of the batch (a settled one stays as it was).
      void send(batch)
        .catch((err) => {
          for (const pending of batch) pending.reject(err);
        })
        .finally(() => {
          inFlight--;
          for (const pending of batch) busy.delete(pending.input.channelSid);
          if (waiting.size > 0) schedule();
          else if (inFlight === 0) for (const done of idle.splice(0)) done();
        });
    }
  }

  async function send(batch: Pending[]) {
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      await single(only.input).then(only.resolve, only.reject);
      return;
    }
    const at = clock().toISOString();
    const sids = batch.map(() => newSid('IM'));
    let rows: Row[];
    try {
      const result = await pool.query({
        name: 'parley_post_batch',
        text: POST_BATCH,
        values: [
          JSON.stringify(
            batch.map((p, i) => [
              sids[i],
              p.input.channelSid,
              p.input.from,
              p.input.body,
              p.attributes,
              p.input.clientId ?? null,
            ]),
          ),
          at,
        ],
      } as pg.QueryConfig);
      rows = result.rows;
    } catch (err) {
      // PostgreSQL refused the statement (a clientId stored meanwhile by another node, a lock
      // it gave up on): nothing of it was written, so each post is made again alone and tells
      // its own outcome. Any other failure (the connection lost) may have come after the
      // commit, so it is reported, and the sender's retry with its clientId finds the original.
      if (!(err instanceof pg.DatabaseError)) {
        for (const pending of batch) pending.reject(err);
        return;
      }
      // Each channel's posts one after the other, in the order sent.
      await Promise.all(
        [...groupBy(batch, (pending) => pending.input.channelSid).values()].map(async (posts) => {
          for (const pending of posts) await single(pending.input).then(pending.resolve, pending.reject);
        }),
      );
      return;
    }
    batch.forEach((pending, i) => {
      try {
        pending.resolve(outcome(rows[i], pending.input, sids[i] as string, at));
      } catch (err) {
        pending.reject(err);
      }
    });
  }

  return {
    post(input: MemberMessage): Promise<PostOutcome> {
      return new Promise<PostOutcome>((resolve, reject) => {
        const pending = { input, attributes: JSON.stringify(input.attributes ?? {}), resolve, reject };
        const posts = waiting.get(input.channelSid);
        if (posts) posts.push(pending);
        else waiting.set(input.channelSid, [pending]);
        schedule();
      });
    },
    /** Resolves once every post queued so far has settled (before the pool closes). */
    settled(): Promise<void> {
      if (waiting.size === 0 && inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

/** A post's outcome from its row of the batch statement. */
function outcome(row: Row | undefined, input: MemberMessage, sid: string, at: string): PostOutcome {
  if (!row?.channel_status) return { status: 'no_channel' };
  if (!row.member_role) return { status: 'not_a_member' };
  const engaged = taskOpen(row.task_status);
  if (row.idx != null) {
    // Built from what was written: the body and attributes do not travel back.
    const message = {
      sid,
      channelSid: input.channelSid,
      index: row.idx as number,
      from: input.from,
      authorRole: row.member_role,
      authorName: row.member_name,
      body: input.body,
      attributes: input.attributes ?? {},
      clientId: input.clientId ?? null,
      dateCreated: at,
    };
    return { status: 'stored', message, created: true, engaged };
  }
  if (row.existing) return { status: 'stored', message: toMessage(row.existing), created: false, engaged };
  return { status: 'inactive' };
}
