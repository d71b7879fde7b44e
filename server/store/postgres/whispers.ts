/** PostgreSQL: whispers, staff-only notes on a chat, the same from every node. */
import { newWhisperSid, toWhisper, type WhisperRepository } from '../whispers.ts';
import { all, type Deps, one } from './db.ts';

export function whisperRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): WhisperRepository {
  return {
    async create(input) {
      const row = await one(
        pool,
        `INSERT INTO whispers (sid, channel_sid, worker_sid, author_name, body, date_created)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [
          newWhisperSid(),
          input.channelSid,
          input.workerSid,
          input.authorName,
          input.body,
          clock().toISOString(),
        ],
      );
      return toWhisper(row as NonNullable<typeof row>);
    },
    async list(channelSid, limit) {
      const rows = await all(
        pool,
        'SELECT * FROM whispers WHERE channel_sid = $1 ORDER BY date_created DESC, seq DESC LIMIT $2',
        [channelSid, limit],
      );
      return rows.map(toWhisper).reverse();
    },
  };
}
