/** PostgreSQL repository of privacy requests and retention: export, erase, expire. */
import type { ContactMatchedBy } from '../../protocol.ts';
import { toChannel, toContact, toExecution, toMember, toMessage, toReservation, toTask } from '../rows.ts';
import type { PrivacyRepository } from '../types.ts';
import { all, type Deps, one, transaction } from './db.ts';
import { EXECUTION_LOG } from './executions.ts';

const OPEN = `('pending', 'reserved', 'assigned', 'wrapping')`;

/**
 * A stored phone-like value as digits only, as lookups give it: without a `whatsapp:`-style
 * prefix and without anything but digits.
 */
const digitsOf = (column: string) =>
  `regexp_replace(substring(${column} from position(':' in ${column}) + 1), '[^0-9]', '', 'g')`;

export function privacyRepository(deps: Deps): PrivacyRepository {
  const { pool } = deps;
  return {
    async findContacts({ email, phone, identity }, limit) {
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      // Each place a lookup can match, by how far it can be trusted: an identity (or an email a
      // Flex Flow verified), a messaging channel's address, or a form anyone can fill in.
      const verified: string[] = [];
      const address: string[] = [];
      const form: string[] = [];
      const isVerified = "(c.attributes->>'verified') = 'true'";
      if (email !== undefined) {
        const p = param(email);
        verified.push(`${isVerified} AND lower(c.attributes->>'email') = ${p}`);
        address.push(`lower(c.identity) = ${p}`, `lower(c.address) = ${p}`);
        form.push(
          `lower(c.attributes->>'email') = ${p}`,
          `EXISTS (SELECT 1 FROM channels ch WHERE ch.contact_sid = c.sid
             AND lower(ch.attributes->'preEngagementData'->>'email') = ${p})`,
        );
      }
      if (phone !== undefined) {
        const p = param(phone);
        verified.push(`${isVerified} AND ${digitsOf("(c.attributes->>'phone')")} = ${p}`);
        address.push(`${digitsOf('c.identity')} = ${p}`, `${digitsOf('c.address')} = ${p}`);
        form.push(
          `${digitsOf("(c.attributes->>'phone')")} = ${p}`,
          `EXISTS (SELECT 1 FROM channels ch WHERE ch.contact_sid = c.sid
             AND ${digitsOf("(ch.attributes->'preEngagementData'->>'phone')")} = ${p})`,
        );
      }
      if (identity !== undefined) verified.push(`c.identity = ${param(identity)}`);
      const any = (conditions: string[]) =>
        conditions.length ? conditions.map((w) => `(${w})`).join(' OR ') : 'FALSE';
      const every = [...verified, ...address, ...form];
      if (every.length === 0) return [];
      const rows = await all(
        pool,
        `SELECT c.*, (SELECT count(*) FROM channels ch WHERE ch.contact_sid = c.sid) AS conversations,
           CASE WHEN ${any(verified)} THEN 'verified identity'
             WHEN ${any(address)} THEN 'messaging address'
             ELSE 'pre-engagement form (unverified)' END AS matched_by
         FROM contacts c WHERE ${any(every)}
         ORDER BY c.date_created DESC, c.sid LIMIT ${param(limit)}`,
        params,
      );
      return rows.map((r) => ({
        contact: toContact(r),
        conversations: Number(r.conversations),
        matchedBy: r.matched_by as ContactMatchedBy,
      }));
    },
    async exportContact(sid) {
      const contact = await one(pool, 'SELECT * FROM contacts WHERE sid = $1', [sid]);
      if (!contact) return null;
      const channels = await all(
        pool,
        'SELECT * FROM channels WHERE contact_sid = $1 ORDER BY date_created',
        [sid],
      );
      const sids = channels.map((c) => c.sid as string);
      const tasks = await all(
        pool,
        'SELECT * FROM tasks WHERE channel_sid = ANY($1) ORDER BY date_created, seq',
        [sids],
      );
      const [messages, members, reservations, executions] = await Promise.all([
        all(pool, 'SELECT * FROM messages WHERE channel_sid = ANY($1) ORDER BY channel_sid, idx', [sids]),
        all(pool, 'SELECT * FROM members WHERE channel_sid = ANY($1) ORDER BY date_created, seq', [sids]),
        all(pool, 'SELECT * FROM reservations WHERE task_sid = ANY($1) ORDER BY date_created, seq', [
          tasks.map((t) => t.sid as string),
        ]),
        all(
          pool,
          `SELECT *, ${EXECUTION_LOG} FROM executions WHERE channel_sid = ANY($1) ORDER BY date_created, seq`,
          [sids],
        ),
      ]);
      return {
        contact: toContact(contact),
        channels: channels.map(toChannel),
        messages: messages.map(toMessage),
        members: members.map(toMember),
        tasks: tasks.map(toTask),
        reservations: reservations.map(toReservation),
        executions: executions.map(toExecution),
      };
    },
    eraseContact(sid) {
      return transaction(pool, async (client) => {
        const contact = await one(client, 'SELECT sid FROM contacts WHERE sid = $1 FOR UPDATE', [sid]);
        if (!contact) return null;
        // Its channels locked first, in sid order as posts lock theirs: the two never wait on each
        // other in a circle.
        const sids = (
          await all(client, 'SELECT sid FROM channels WHERE contact_sid = $1 ORDER BY sid FOR UPDATE', [sid])
        ).map((r) => r.sid as string);
        const at = deps.clock().toISOString();
        await client.query('DELETE FROM messages WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM members WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM executions WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM proxy_sessions WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM ratings WHERE channel_sid = ANY($1)', [sids]);
        // Staff's whispers on the chat are about the customer too.
        await client.query('DELETE FROM whispers WHERE channel_sid = ANY($1)', [sids]);
        await client.query(
          `UPDATE reservations SET status = 'canceled'
           WHERE status = 'pending' AND task_sid IN (SELECT sid FROM tasks WHERE channel_sid = ANY($1))`,
          [sids],
        );
        // Supervisors' figures see the open tasks end here, as when routing cancels one.
        await client.query(
          `INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created)
           SELECT sid, 'canceled', queue_sid, worker_sid, coalesce(attributes->>'channelType', 'web'),
             '{"reason":"erased"}', $2
           FROM tasks WHERE channel_sid = ANY($1) AND status IN ${OPEN}`,
          [sids, at],
        );
        await client.query(
          `UPDATE tasks SET revision = revision + 1, attributes = '{}', date_updated = $2,
             status = CASE WHEN status IN ${OPEN} THEN 'canceled' ELSE status END
           WHERE channel_sid = ANY($1)`,
          [sids, at],
        );
        await client.query(
          `UPDATE channels SET friendly_name = 'Erased', status = 'inactive', date_updated = $2,
             attributes = jsonb_build_object('from', 'Erased', 'channelType', attributes->'channelType')
           WHERE sid = ANY($1)`,
          [sids, at],
        );
        await client.query(
          `UPDATE contacts SET identity = 'erased:' || sid, friendly_name = 'Erased', address = NULL, attributes = '{}'
           WHERE sid = $1`,
          [sid],
        );
        return { channelSids: sids };
      });
    },
    async listExpiredChannels(before, limit) {
      const rows = await all(
        pool,
        `SELECT sid FROM channels WHERE date_updated < $1
           AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.channel_sid = channels.sid AND tasks.status IN ${OPEN})
         ORDER BY date_updated LIMIT $2`,
        [before, limit],
      );
      return rows.map((r) => r.sid as string);
    },
    deleteChannels(sids) {
      if (sids.length === 0) return Promise.resolve(0);
      return transaction(pool, async (client) => {
        // Locked first, in sid order as posts lock theirs.
        await client.query('SELECT sid FROM channels WHERE sid = ANY($1) ORDER BY sid FOR UPDATE', [sids]);
        const contactSids = (
          await all(client, 'SELECT DISTINCT contact_sid FROM channels WHERE sid = ANY($1)', [sids])
        ).map((r) => r.contact_sid as string);
        await client.query('DELETE FROM messages WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM members WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM executions WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM proxy_sessions WHERE channel_sid = ANY($1)', [sids]);
        await client.query('DELETE FROM ratings WHERE channel_sid = ANY($1)', [sids]);
        await client.query(
          'DELETE FROM reservations WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid = ANY($1))',
          [sids],
        );
        // Their tasks' events go with them: the figures of so long ago are past every window.
        await client.query(
          'DELETE FROM task_events WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid = ANY($1))',
          [sids],
        );
        await client.query('DELETE FROM tasks WHERE channel_sid = ANY($1)', [sids]);
        const { rowCount } = await client.query('DELETE FROM channels WHERE sid = ANY($1)', [sids]);
        await client.query(
          `DELETE FROM contacts WHERE sid = ANY($1) AND NOT EXISTS (SELECT 1 FROM channels WHERE contact_sid = contacts.sid)`,
          [contactSids],
        );
        return rowCount ?? 0;
      });
    },
  };
}
