/** PostgreSQL repository of media records (the files' bytes are in the file storage). */
import type { Row } from '../rows.ts';
import type { MediaRecord, MediaRepository } from '../types.ts';
import { all, type Deps, one, transaction } from './db.ts';

const toMedia = (r: Row): MediaRecord => ({
  sid: r.sid,
  channelSid: r.channel_sid,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  uploadedBy: r.uploaded_by,
  dateCreated: r.date_created,
});

const USAGE = 'SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM media WHERE channel_sid = $1';

export function mediaRepository({ pool }: Deps): MediaRepository {
  return {
    add(m, quota) {
      return transaction(pool, async (client) => {
        // The channel row's lock orders uploads finishing at once on any node: one takes the last place.
        const channel = await one(client, 'SELECT status FROM channels WHERE sid = $1 FOR UPDATE', [
          m.channelSid,
        ]);
        if (channel?.status !== 'active') return 'channel_inactive';
        const used = await one(client, USAGE, [m.channelSid]);
        if (Number(used?.files) + 1 > quota.maxFiles) return 'too_many_files';
        if (Number(used?.bytes) + m.size > quota.maxBytes) return 'too_many_bytes';
        await client.query(
          `INSERT INTO media (sid, channel_sid, filename, content_type, size, uploaded_by, date_created)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [m.sid, m.channelSid, m.filename, m.contentType, m.size, m.uploadedBy, m.dateCreated],
        );
        return 'added';
      });
    },
    async get(sid) {
      const row = await one(pool, 'SELECT * FROM media WHERE sid = $1', [sid]);
      return row ? toMedia(row) : null;
    },
    async usage(channelSid) {
      const row = await one(pool, USAGE, [channelSid]);
      return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
    },
    async listByChannels(channelSids) {
      if (channelSids.length === 0) return [];
      const rows = await all(
        pool,
        'SELECT * FROM media WHERE channel_sid = ANY($1) ORDER BY date_created, seq',
        [channelSids],
      );
      return rows.map(toMedia);
    },
    async delete(sids) {
      if (sids.length === 0) return 0;
      const { rowCount } = await pool.query('DELETE FROM media WHERE sid = ANY($1)', [sids]);
      return rowCount ?? 0;
    },
    async adopt(m) {
      const { rowCount } = await pool.query(
        `INSERT INTO media (sid, channel_sid, filename, content_type, size, uploaded_by, date_created)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sid) DO NOTHING`,
        [m.sid, m.channelSid, m.filename, m.contentType, m.size, m.uploadedBy, m.dateCreated],
      );
      return rowCount === 1;
    },
  };
}
