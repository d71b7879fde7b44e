/** PostgreSQL: ratings, one per task, and the figures over them, the same from every node. */
import { newRatingSid, type RatingRepository, ratingWhere, toRating, toSummary } from '../ratings.ts';
import { all, type Deps, one } from './db.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export function ratingRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): RatingRepository {
  const placeholder = (n: number) => `$${n}`;
  return {
    async create(input) {
      try {
        const row = await one(
          pool,
          `INSERT INTO ratings (sid, task_sid, channel_sid, flex_flow_sid, contact_sid, worker_sid, score, comment, date_created)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
          [
            newRatingSid(),
            input.taskSid,
            input.channelSid,
            input.flexFlowSid,
            input.contactSid,
            input.workerSid,
            input.score,
            input.comment,
            clock().toISOString(),
          ],
        );
        return row ? toRating(row) : null;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },
    async findByTask(taskSid) {
      const row = await one(pool, 'SELECT * FROM ratings WHERE task_sid = $1', [taskSid]);
      return row ? toRating(row) : null;
    },
    async list(filter, { limit, offset }) {
      const { where, params } = ratingWhere(filter, placeholder);
      const n = params.length;
      const rows = await all(
        pool,
        `SELECT * FROM ratings ${where} ORDER BY date_created DESC, sid LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, limit, offset],
      );
      return rows.map(toRating);
    },
    async summarize(filter) {
      const { where, params } = ratingWhere(filter, placeholder);
      return toSummary(
        await all(pool, `SELECT score, count(*) AS n FROM ratings ${where} GROUP BY score`, params),
      );
    },
  };
}
