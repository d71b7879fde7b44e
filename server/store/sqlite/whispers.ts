/** SQLite: whispers, staff-only notes on a chat. */
import type { Row } from '../rows.ts';
import { newWhisperSid, toWhisper, type WhisperRepository } from '../whispers.ts';
import type { Deps } from './conversations.ts';

export function whisperRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): WhisperRepository {
  const insert = db.prepare(
    `INSERT INTO whispers (sid, channel_sid, worker_sid, author_name, body, date_created)
     VALUES (@sid, @channelSid, @workerSid, @authorName, @body, @dateCreated)`,
  );
  const newest = db.prepare(
    'SELECT * FROM whispers WHERE channel_sid = ? ORDER BY date_created DESC, seq DESC LIMIT ?',
  );
  return {
    async create(input) {
      const whisper = { sid: newWhisperSid(), ...input, dateCreated: clock().toISOString() };
      insert.run(whisper);
      return whisper;
    },
    async list(channelSid, limit) {
      return (newest.all(channelSid, limit) as Row[]).map(toWhisper).reverse();
    },
  };
}
