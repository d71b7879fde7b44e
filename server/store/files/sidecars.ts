/**
 * Files uploaded before media records were kept in the store lie on disk beside a JSON
 * sidecar (`ME….json`: channel, name, type, size, uploader). At start, each one whose bytes
 * are there is recorded in the store and its sidecar removed, so those files stay reachable.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaRecord, MediaRepository } from '../types.ts';

const SIDECAR = /^(ME[0-9a-f]{32})\.json$/;

/** How many files were adopted. */
export async function adoptSidecars(dir: string, media: MediaRepository): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let adopted = 0;
  for (const name of names) {
    const sid = SIDECAR.exec(name)?.[1];
    if (!sid) continue;
    const bytes = await stat(join(dir, sid)).catch(() => null);
    if (bytes) {
      const old = JSON.parse(await readFile(join(dir, name), 'utf8')) as Omit<MediaRecord, 'dateCreated'>;
      const record: MediaRecord = {
        sid,
        channelSid: String(old.channelSid),
        filename: String(old.filename),
        contentType: String(old.contentType),
        size: bytes.size,
        uploadedBy: String(old.uploadedBy ?? ''),
        dateCreated: bytes.mtime.toISOString(),
      };
      if (await media.adopt(record)) adopted++;
    }
    await rm(join(dir, name), { force: true });
  }
  return adopted;
}
