/**
 * Retention: conversations whose last activity is older than N days are deleted with their
 * messages, members, tasks and files, on a schedule. The schedule is a timer row per hour
 * slot (`retention.sweep` / `slot-<n>`), so on several nodes each slot is claimed once, and
 * sweeping twice would delete nothing more anyway.
 */

import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/types.ts';
import { createMediaService, type MediaService } from './media.ts';

export const RETENTION_KIND = 'retention.sweep';
const BATCH = 200;

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Conversations idle longer than this many days are deleted. */
  days: number;
  /** Its files are deleted with each conversation, wherever they are stored (default: records only). */
  media?: MediaService;
  /** Time between sweeps (default one hour). */
  intervalMs?: number;
}

export type Retention = ReturnType<typeof createRetention>;

export function createRetention({
  store,
  clock,
  log,
  days,
  media = createMediaService({ store }),
  intervalMs = 3_600_000,
}: RetentionOptions) {
  async function sweep(): Promise<number> {
    const privacy = store.privacy;
    if (!privacy) return 0;
    const before = new Date(clock().getTime() - days * 86_400_000).toISOString();
    let deleted = 0;
    for (;;) {
      const sids = await privacy.listExpiredChannels(before, BATCH);
      if (sids.length === 0) break;
      await media.deleteOfChannels(sids);
      deleted += await privacy.deleteChannels(sids);
      if (sids.length < BATCH) break;
    }
    if (deleted > 0) log.info({ deleted, days }, 'retention deleted old conversations');
    return deleted;
  }

  async function scheduleNext() {
    const slot = Math.floor(clock().getTime() / intervalMs) + 1;
    await store.timers.schedule(RETENTION_KIND, `slot-${slot}`, new Date(slot * intervalMs).toISOString());
  }

  return {
    sweep,
    /** A sweep now (at start), then one per interval. */
    async start() {
      await store.timers.schedule(RETENTION_KIND, 'start', clock().toISOString());
    },
    async onTimer() {
      try {
        await sweep();
      } finally {
        await scheduleNext();
      }
    },
  };
}
