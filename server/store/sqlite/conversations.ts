/** SQLite repositories of contacts, channels and members (messages: messages.ts). */
import type Database from 'better-sqlite3';
import { uniqueNameTaken } from '../../errors.ts';
import type { Clock, IdGenerator } from '../../ids.ts';
import { type Row, toChannel, toContact, toMember } from '../rows.ts';
import type { ChannelRepository, ContactRepository, MemberRepository } from '../types.ts';

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

/** A write that would give a second channel a unique name one already has: uniqueNameTaken. */
function named<T>(attributes: Record<string, unknown> | undefined, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if ((err as Error).message?.includes('channels_by_unique_name'))
      throw uniqueNameTaken(String(attributes?.uniqueName));
    throw err;
  }
}

export function channelRepository({ db, clock, newSid }: Deps): ChannelRepository {
  const byId = db.prepare('SELECT * FROM channels WHERE sid = ?');
  const byUniqueName = db.prepare(
    "SELECT * FROM channels WHERE json_extract(attributes, '$.uniqueName') = ?",
  );
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
      const row = named(input.attributes, () =>
        db
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
          ),
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
    async findByUniqueName(name) {
      const row = byUniqueName.get(name) as Row | undefined;
      return row ? toChannel(row) : null;
    },
    async update(sid, patch) {
      const { taskSid: _derived, ...attributes } = patch.attributes ?? {};
      const row = named(attributes, () =>
        db
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
          ),
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
