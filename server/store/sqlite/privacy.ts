/** SQLite repository of privacy requests and retention: export, erase, expire. */

import type { ContactMatchedBy } from '../../protocol.ts';
import {
  type Row,
  toChannel,
  toContact,
  toExecution,
  toMember,
  toMessage,
  toReservation,
  toTask,
} from '../rows.ts';
import type { PrivacyRepository } from '../types.ts';
import type { Deps } from './conversations.ts';
import { EXECUTION_LOG } from './executions.ts';

const OPEN = `('pending', 'reserved', 'assigned', 'wrapping')`;

/**
 * A stored phone-like value as digits only, as lookups give it: without a `whatsapp:`-style
 * prefix, spaces, dashes, dots, brackets or the leading `+`.
 */
const digitsOf = (column: string) =>
  `replace(replace(replace(replace(replace(replace(substr(${column}, instr(${column}, ':') + 1), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '')`;

/** `?, ?, ?` for a list of n values. */
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function privacyRepository({ db, clock }: Deps): PrivacyRepository {
  const channelSidsOf = (contactSid: string) =>
    (
      db
        .prepare('SELECT sid FROM channels WHERE contact_sid = ? ORDER BY date_created')
        .all(contactSid) as Row[]
    ).map((r) => r.sid as string);
  const rowsIn = (sql: string, sids: string[]) =>
    sids.length === 0 ? [] : (db.prepare(sql).all(...sids) as Row[]);

  const erase = db.transaction((contactSid: string) => {
    const contact = db.prepare('SELECT * FROM contacts WHERE sid = ?').get(contactSid) as Row | undefined;
    if (!contact) return null;
    const sids = channelSidsOf(contactSid);
    const at = clock().toISOString();
    for (const sid of sids) {
      db.prepare('DELETE FROM messages WHERE channel_sid = ?').run(sid);
      db.prepare('DELETE FROM members WHERE channel_sid = ?').run(sid);
      db.prepare('DELETE FROM executions WHERE channel_sid = ?').run(sid);
      // A proxy session holds the customer's phone number.
      db.prepare('DELETE FROM proxy_sessions WHERE channel_sid = ?').run(sid);
      // A rating's comment is the customer's own words.
      db.prepare('DELETE FROM ratings WHERE channel_sid = ?').run(sid);
      // Staff's whispers on the chat are about the customer too.
      db.prepare('DELETE FROM whispers WHERE channel_sid = ?').run(sid);
      db.prepare(
        `UPDATE reservations SET status = 'canceled'
         WHERE status = 'pending' AND task_sid IN (SELECT sid FROM tasks WHERE channel_sid = ?)`,
      ).run(sid);
      // Supervisors' figures see the open tasks end here, as when routing cancels one.
      db.prepare(
        `INSERT INTO task_events (task_sid, kind, queue_sid, worker_sid, channel_type, details, date_created)
         SELECT sid, 'canceled', queue_sid, worker_sid,
           coalesce(json_extract(attributes, '$.channelType'), 'web'), '{"reason":"erased"}', ?
         FROM tasks WHERE channel_sid = ? AND status IN ${OPEN}`,
      ).run(at, sid);
      db.prepare(
        `UPDATE tasks SET revision = revision + 1, attributes = '{}', date_updated = ?,
           status = CASE WHEN status IN ${OPEN} THEN 'canceled' ELSE status END
         WHERE channel_sid = ?`,
      ).run(at, sid);
      db.prepare(
        `UPDATE channels SET friendly_name = 'Erased', status = 'inactive', date_updated = ?,
           attributes = json_object('from', 'Erased', 'channelType', json_extract(attributes, '$.channelType'))
         WHERE sid = ?`,
      ).run(at, sid);
    }
    db.prepare(
      `UPDATE contacts SET identity = 'erased:' || sid, friendly_name = 'Erased', address = NULL, attributes = '{}'
       WHERE sid = ?`,
    ).run(contactSid);
    return { channelSids: sids };
  });

  const remove = db.transaction((sids: string[]) => {
    if (sids.length === 0) return 0;
    const list = marks(sids.length);
    const contactSids = (
      db.prepare(`SELECT DISTINCT contact_sid FROM channels WHERE sid IN (${list})`).all(...sids) as Row[]
    ).map((r) => r.contact_sid as string);
    db.prepare(`DELETE FROM messages WHERE channel_sid IN (${list})`).run(...sids);
    db.prepare(`DELETE FROM members WHERE channel_sid IN (${list})`).run(...sids);
    db.prepare(`DELETE FROM executions WHERE channel_sid IN (${list})`).run(...sids);
    db.prepare(`DELETE FROM proxy_sessions WHERE channel_sid IN (${list})`).run(...sids);
    db.prepare(`DELETE FROM ratings WHERE channel_sid IN (${list})`).run(...sids);
    db.prepare(
      `DELETE FROM reservations WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid IN (${list}))`,
    ).run(...sids);
    // Their tasks' events go with them: the figures of so long ago are past every window.
    db.prepare(
      `DELETE FROM task_events WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid IN (${list}))`,
    ).run(...sids);
    db.prepare(`DELETE FROM tasks WHERE channel_sid IN (${list})`).run(...sids);
    const deleted = db.prepare(`DELETE FROM channels WHERE sid IN (${list})`).run(...sids).changes;
    if (contactSids.length > 0) {
      db.prepare(
        `DELETE FROM contacts WHERE sid IN (${marks(contactSids.length)})
           AND NOT EXISTS (SELECT 1 FROM channels WHERE contact_sid = contacts.sid)`,
      ).run(...contactSids);
    }
    return deleted;
  });

  return {
    async findContacts({ email, phone, identity }, limit) {
      // Each place a lookup can match, by how far it can be trusted: an identity (or an email a
      // Flex Flow verified), a messaging channel's address, or a form anyone can fill in.
      const verified: string[] = [];
      const address: string[] = [];
      const form: string[] = [];
      const isVerified = "json_extract(c.attributes, '$.verified') = 1";
      if (email !== undefined) {
        verified.push(`${isVerified} AND lower(json_extract(c.attributes, '$.email')) = @email`);
        address.push('lower(c.identity) = @email', 'lower(c.address) = @email');
        form.push(
          "lower(json_extract(c.attributes, '$.email')) = @email",
          `EXISTS (SELECT 1 FROM channels ch WHERE ch.contact_sid = c.sid
             AND lower(json_extract(ch.attributes, '$.preEngagementData.email')) = @email)`,
        );
      }
      if (phone !== undefined) {
        verified.push(`${isVerified} AND ${digitsOf("json_extract(c.attributes, '$.phone')")} = @phone`);
        address.push(`${digitsOf('c.identity')} = @phone`, `${digitsOf('c.address')} = @phone`);
        form.push(
          `${digitsOf("json_extract(c.attributes, '$.phone')")} = @phone`,
          `EXISTS (SELECT 1 FROM channels ch WHERE ch.contact_sid = c.sid
             AND ${digitsOf("json_extract(ch.attributes, '$.preEngagementData.phone')")} = @phone)`,
        );
      }
      if (identity !== undefined) verified.push('c.identity = @identity');
      const any = (conditions: string[]) =>
        conditions.length ? conditions.map((w) => `(${w})`).join(' OR ') : '0';
      const every = [...verified, ...address, ...form];
      if (every.length === 0) return [];
      const rows = db
        .prepare(
          `SELECT c.*, (SELECT count(*) FROM channels ch WHERE ch.contact_sid = c.sid) AS conversations,
             CASE WHEN ${any(verified)} THEN 'verified identity'
               WHEN ${any(address)} THEN 'messaging address'
               ELSE 'pre-engagement form (unverified)' END AS matched_by
           FROM contacts c WHERE ${any(every)}
           ORDER BY c.date_created DESC, c.sid LIMIT @limit`,
        )
        .all({
          ...(email !== undefined && { email }),
          ...(phone !== undefined && { phone }),
          ...(identity !== undefined && { identity }),
          limit,
        }) as Row[];
      return rows.map((r) => ({
        contact: toContact(r),
        conversations: Number(r.conversations),
        matchedBy: r.matched_by as ContactMatchedBy,
      }));
    },
    async exportContact(sid) {
      const contact = db.prepare('SELECT * FROM contacts WHERE sid = ?').get(sid) as Row | undefined;
      if (!contact) return null;
      const sids = channelSidsOf(sid);
      const list = marks(sids.length);
      const tasks = rowsIn(`SELECT * FROM tasks WHERE channel_sid IN (${list}) ORDER BY date_created`, sids);
      const taskSids = tasks.map((t) => t.sid as string);
      return {
        contact: toContact(contact),
        channels: rowsIn(`SELECT * FROM channels WHERE sid IN (${list}) ORDER BY date_created`, sids).map(
          toChannel,
        ),
        messages: rowsIn(
          `SELECT * FROM messages WHERE channel_sid IN (${list}) ORDER BY channel_sid, idx`,
          sids,
        ).map(toMessage),
        members: rowsIn(
          `SELECT * FROM members WHERE channel_sid IN (${list}) ORDER BY date_created`,
          sids,
        ).map(toMember),
        tasks: tasks.map(toTask),
        reservations: rowsIn(
          `SELECT * FROM reservations WHERE task_sid IN (${marks(taskSids.length)}) ORDER BY date_created`,
          taskSids,
        ).map(toReservation),
        executions: rowsIn(
          `SELECT *, ${EXECUTION_LOG} FROM executions WHERE channel_sid IN (${list}) ORDER BY date_created`,
          sids,
        ).map(toExecution),
      };
    },
    async eraseContact(sid) {
      return erase.immediate(sid);
    },
    async listExpiredChannels(before, limit) {
      const rows = db
        .prepare(
          `SELECT sid FROM channels WHERE date_updated < ?
             AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.channel_sid = channels.sid AND tasks.status IN ${OPEN})
           ORDER BY date_updated LIMIT ?`,
        )
        .all(before, limit) as Row[];
      return rows.map((r) => r.sid as string);
    },
    async deleteChannels(sids) {
      return remove.immediate(sids);
    },
  };
}
