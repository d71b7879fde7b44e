/** SQLite repository of media records (the files' bytes are in the file storage). */
import type { Row } from '../rows.ts';
import type { MediaRecord, MediaRepository } from '../types.ts';
import type { Deps } from './conversations.ts';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export const toMedia = (r: Row): MediaRecord => ({
  sid: r.sid,
  channelSid: r.channel_sid,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  uploadedBy: r.uploaded_by,
  dateCreated: r.date_created,
});

export function mediaRepository({ db }: Deps): MediaRepository {
  const usage = (channelSid: string) =>
    db
      .prepare('SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM media WHERE channel_sid = ?')
      .get(channelSid) as { files: number; bytes: number };

  // One write transaction: two uploads finishing at once cannot both take the last place.
  const add = db.transaction((m: MediaRecord, quota: { maxFiles: number; maxBytes: number }) => {
    const channel = db.prepare('SELECT status FROM channels WHERE sid = ?').get(m.channelSid) as
      | Row
      | undefined;
    if (channel?.status !== 'active') return 'channel_inactive' as const;
    const used = usage(m.channelSid);
    if (used.files + 1 > quota.maxFiles) return 'too_many_files' as const;
    if (used.bytes + m.size > quota.maxBytes) return 'too_many_bytes' as const;
    db.prepare(
      `INSERT INTO media (sid, channel_sid, filename, content_type, size, uploaded_by, date_created)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(m.sid, m.channelSid, m.filename, m.contentType, m.size, m.uploadedBy, m.dateCreated);
    return 'added' as const;
  });

  return {
    async add(record, quota) {
      return add.immediate(record, quota);
    },
    async get(sid) {
      const row = db.prepare('SELECT * FROM media WHERE sid = ?').get(sid) as Row | undefined;
      return row ? toMedia(row) : null;
    },
    async usage(channelSid) {
      return usage(channelSid);
    },
    async listByChannels(channelSids) {
      if (channelSids.length === 0) return [];
      return (
        db
          .prepare(
            `SELECT * FROM media WHERE channel_sid IN (${marks(channelSids.length)}) ORDER BY date_created, rowid`,
          )
          .all(...channelSids) as Row[]
      ).map(toMedia);
    },
    async delete(sids) {
      if (sids.length === 0) return 0;
      return db.prepare(`DELETE FROM media WHERE sid IN (${marks(sids.length)})`).run(...sids).changes;
    },
    async adopt(m) {
      const { changes } = db
        .prepare(
          `INSERT INTO media (sid, channel_sid, filename, content_type, size, uploaded_by, date_created)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sid) DO NOTHING`,
        )
        .run(m.sid, m.channelSid, m.filename, m.contentType, m.size, m.uploadedBy, m.dateCreated);
      return changes === 1;
    },
  };
}
