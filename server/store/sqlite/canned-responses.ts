/** SQLite: canned responses, shared and per agent. */
import {
  type CannedResponse,
  type CannedResponseRepository,
  newCannedResponseSid,
  SHARED_OWNER,
  toCannedResponse,
} from '../canned-responses.ts';
import type { Row } from '../rows.ts';
import type { Deps } from './conversations.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function cannedResponseRepository({
  db,
  clock,
}: Pick<Deps, 'db' | 'clock'>): CannedResponseRepository {
  const byId = db.prepare('SELECT * FROM canned_responses WHERE sid = ?');
  const insert = db.prepare(
    `INSERT INTO canned_responses (sid, owner_sid, shortcut, title, body, date_created, date_updated)
     VALUES (@sid, @owner, @shortcut, @title, @body, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE canned_responses SET shortcut = @shortcut, title = @title, body = @body, date_updated = @now
     WHERE sid = @sid`,
  );
  const get = (sid: string) => {
    const row = byId.get(sid) as Row | undefined;
    return row ? toCannedResponse(row) : null;
  };
  return {
    async create({ workerSid, ...input }) {
      const sid = newCannedResponseSid();
      try {
        insert.run({ sid, owner: workerSid ?? SHARED_OWNER, ...input, now: clock().toISOString() });
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
      return get(sid);
    },
    async get(sid) {
      return get(sid);
    },
    async list({ workerSid }) {
      const rows =
        workerSid === undefined
          ? db.prepare('SELECT * FROM canned_responses ORDER BY shortcut, owner_sid').all()
          : db
              .prepare(
                'SELECT * FROM canned_responses WHERE owner_sid IN (?, ?) ORDER BY shortcut, owner_sid',
              )
              .all(SHARED_OWNER, workerSid);
      return (rows as Row[]).map(toCannedResponse);
    },
    async update(sid, patch) {
      const held = get(sid);
      if (!held) return null;
      const next: CannedResponse = { ...held, ...patch };
      try {
        update.run({
          sid,
          shortcut: next.shortcut,
          title: next.title,
          body: next.body,
          now: clock().toISOString(),
        });
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
      return get(sid);
    },
    async delete(sid) {
      db.prepare('DELETE FROM canned_responses WHERE sid = ?').run(sid);
    },
  };
}
