/** SQLite: ratings, one per task, and the figures over them. */
import { newRatingSid, type RatingRepository, ratingWhere, toRating, toSummary } from '../ratings.ts';
import type { Row } from '../rows.ts';
import type { Deps } from './conversations.ts';

const isUniqueViolation = (err: unknown) =>
  String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT');

export function ratingRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): RatingRepository {
  const insert = db.prepare(
    `INSERT INTO ratings (sid, task_sid, channel_sid, flex_flow_sid, contact_sid, worker_sid, score, comment, date_created)
     VALUES (@sid, @taskSid, @channelSid, @flexFlowSid, @contactSid, @workerSid, @score, @comment, @dateCreated)`,
  );
  const byTask = db.prepare('SELECT * FROM ratings WHERE task_sid = ?');
  const placeholder = () => '?';
  return {
    async create(input) {
      const rating = { sid: newRatingSid(), ...input, dateCreated: clock().toISOString() };
      try {
        insert.run(rating);
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
      return rating;
    },
    async findByTask(taskSid) {
      const row = byTask.get(taskSid) as Row | undefined;
      return row ? toRating(row) : null;
    },
    async list(filter, { limit, offset }) {
      const { where, params } = ratingWhere(filter, placeholder);
      const rows = db
        .prepare(`SELECT * FROM ratings ${where} ORDER BY date_created DESC, sid LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as Row[];
      return rows.map(toRating);
    },
    async summarize(filter) {
      const { where, params } = ratingWhere(filter, placeholder);
      const rows = db
        .prepare(`SELECT score, count(*) AS n FROM ratings ${where} GROUP BY score`)
        .all(...params) as Row[];
      return toSummary(rows);
    },
  };
}
