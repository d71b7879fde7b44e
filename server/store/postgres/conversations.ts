/** PostgreSQL repositories of contacts, channels and members (messages: messages.ts). */

import { uniqueNameTaken } from '../../errors.ts';
import { toChannel, toContact, toMember } from '../rows.ts';
import type { ChannelRepository, ContactRepository, MemberRepository } from '../types.ts';
import { all, type Deps, one, transaction } from './db.ts';

const now = (deps: Deps) => deps.clock().toISOString();
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export function contactRepository(deps: Deps): ContactRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const row = await one(
        pool,
        `INSERT INTO contacts (sid, identity, friendly_name, address, attributes, date_created)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [
          newSid('US'),
          input.identity,
          input.friendlyName,
          input.address ?? null,
          json(input.attributes ?? {}),
          now(deps),
        ],
      );
      return toContact(row!);
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM contacts WHERE sid = $1', [sid]);
      return row ? toContact(row) : null;
    },
    async findByIdentity(identity) {
      const row = await one(pool, 'SELECT * FROM contacts WHERE identity = $1', [identity]);
      return row ? toContact(row) : null;
    },
    async update(sid, patch) {
      const row = await one(
        pool,
        `UPDATE contacts SET friendly_name = coalesce($1, friendly_name), attributes = coalesce($2::jsonb, attributes)
         WHERE sid = $3 RETURNING *`,
        [patch.friendlyName ?? null, json(patch.attributes), sid],
      );
      return toContact(row!);
    },
  };
}

/** A write that would give a second channel a unique name one already has: uniqueNameTaken. */
async function named<T>(
  attributes: Record<string, unknown> | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'channels_by_unique_name')
      throw uniqueNameTaken(String(attributes?.uniqueName));
    throw err;
  }
}

export function channelRepository(deps: Deps): ChannelRepository {
  const { pool, newSid } = deps;
  return {
    async create(input) {
      const at = now(deps);
      const row = await named(input.attributes, () =>
        one(
          pool,
          `INSERT INTO channels (sid, flex_flow_sid, contact_sid, friendly_name, status, attributes, date_created, date_updated)
           VALUES ($1, $2, $3, $4, 'active', $5, $6, $6) RETURNING *`,
          [newSid('CH'), input.flexFlowSid, input.contactSid, input.friendlyName, json(input.attributes), at],
        ),
      );
      return toChannel(row!);
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM channels WHERE sid = $1', [sid]);
      return row ? toChannel(row) : null;
    },
    async list({ limit, offset }) {
      const rows = await all(pool, 'SELECT * FROM channels ORDER BY date_created, sid LIMIT $1 OFFSET $2', [
        limit,
        offset,
      ]);
      return rows.map(toChannel);
    },
    async findActive(contactSid, flexFlowSid) {
      const row = await one(
        pool,
        `SELECT * FROM channels WHERE contact_sid = $1 AND flex_flow_sid = $2 AND status = 'active'
         ORDER BY date_created DESC LIMIT 1`,
        [contactSid, flexFlowSid],
      );
      return row ? toChannel(row) : null;
    },
    async findByUniqueName(name) {
      const row = await one(pool, "SELECT * FROM channels WHERE attributes->>'uniqueName' = $1", [name]);
      return row ? toChannel(row) : null;
    },
    async update(sid, patch) {
      const { taskSid: _derived, ...attributes } = patch.attributes ?? {};
      const row = await named(attributes, () =>
        one(
          pool,
          `UPDATE channels SET status = coalesce($1, status), friendly_name = coalesce($2, friendly_name),
             attributes = coalesce($3::jsonb, attributes), date_updated = $4
           WHERE sid = $5 RETURNING *`,
          [
            patch.status ?? null,
            patch.friendlyName ?? null,
            patch.attributes ? json(attributes) : null,
            now(deps),
            sid,
          ],
        ),
      );
      return toChannel(row!);
    },
    delete(sid) {
      return transaction(pool, async (client) => {
        await client.query(
          'DELETE FROM reservations WHERE task_sid IN (SELECT sid FROM tasks WHERE channel_sid = $1)',
          [sid],
        );
        for (const table of ['tasks', 'executions', 'messages', 'members', 'proxy_sessions']) {
          await client.query(`DELETE FROM ${table} WHERE channel_sid = $1`, [sid]);
        }
        const { rowCount } = await client.query('DELETE FROM channels WHERE sid = $1', [sid]);
        return (rowCount ?? 0) > 0;
      });
    },
  };
}

export function memberRepository(deps: Deps): MemberRepository {
  const { pool, newSid } = deps;
  const get = (channelSid: string, identity: string) =>
    one(pool, 'SELECT * FROM members WHERE channel_sid = $1 AND identity = $2', [channelSid, identity]);
  return {
    async add(input) {
      await pool.query(
        `INSERT INTO members (sid, channel_sid, identity, role, friendly_name, date_created)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel_sid, identity) DO NOTHING`,
        [newSid('MB'), input.channelSid, input.identity, input.role, input.friendlyName, now(deps)],
      );
      return toMember((await get(input.channelSid, input.identity))!);
    },
    async get(channelSid, identity) {
      const row = await get(channelSid, identity);
      return row ? toMember(row) : null;
    },
    async list(channelSid) {
      return (
        await all(pool, 'SELECT * FROM members WHERE channel_sid = $1 ORDER BY date_created, seq', [
          channelSid,
        ])
      ).map(toMember);
    },
    async advanceReadHorizon(channelSid, identity, index) {
      const row = await one(
        pool,
        `UPDATE members SET last_read_index = $1
         WHERE channel_sid = $2 AND identity = $3 AND last_read_index < $1
           AND $1 <= (SELECT last_message_index FROM channels WHERE sid = $2)
         RETURNING *`,
        [index, channelSid, identity],
      );
      return row ? toMember(row) : null;
    },
    async remove(channelSid, identity) {
      const { rowCount } = await pool.query('DELETE FROM members WHERE channel_sid = $1 AND identity = $2', [
        channelSid,
        identity,
      ]);
      return (rowCount ?? 0) > 0;
    },
  };
}
