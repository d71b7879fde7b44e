/**
 * Retention: conversations whose last activity is older than N days are deleted with their
 * messages, members, tasks and files, on a schedule. N is an admin setting kept in the store
 * (`retention`), so every node sweeps with the same one; PARLEY_RETENTION_DAYS is the default
 * until an admin sets it, and with neither nothing is deleted. The schedule is a timer row
 * per hour slot (`retention.sweep` / `slot-<n>`), so on several nodes each slot is claimed
 * once, and sweeping twice would delete nothing more anyway. Each sweep also deletes recorded
 * webhook deliveries older than 30 days, or than N days if that is shorter.
 */

import { ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { OPEN_TASK_HORIZON_MS } from '../store/task-events.ts';
import type { Store } from '../store/types.ts';
import { MAX_FIGURE_HOURS } from './figures.ts';
import { createMediaService, type MediaService } from './media.ts';

export const RETENTION_KIND = 'retention.sweep';
const SETTING = 'retention';
const BATCH = 200;
/** Bounds an admin may choose: a day to ten years. */
export const RETENTION_MIN_DAYS = 1;
export const RETENTION_MAX_DAYS = 3650;
/** Recorded webhook deliveries are kept this many days at most (fewer if retention is shorter). */
export const DELIVERY_DAYS = 30;
/** At most this many are counted when telling what a policy would delete now. */
const COUNT_CAP = 10_000;
/**
 * Task and worker events go with the policy too, but never sooner than the widest figures'
 * window plus the look-back for chats still waiting at its start need them (10 days).
 */
const EVENTS_KEPT_MS = MAX_FIGURE_HOURS * 3_600_000 + OPEN_TASK_HORIZON_MS;

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** The default until an admin sets one (PARLEY_RETENTION_DAYS); none keeps conversations. */
  days?: number;
  /** Its files are deleted with each conversation, wherever they are stored (default: records only). */
  media?: MediaService;
  /** Time between sweeps (default one hour). */
  intervalMs?: number;
}

/** The policy in force and where it comes from. */
export interface RetentionPolicy {
  /** Conversations idle longer than this are deleted; null keeps them. */
  days: number | null;
  source: 'settings' | 'environment' | 'none';
  /** PARLEY_RETENTION_DAYS, the policy when no admin has set one. */
  defaultDays: number | null;
  /** In words: what the policy deletes. */
  description: string;
  /** Conversations it would delete if it ran now (counted up to 10 000). */
  expiredNow: number;
}

export type Retention = ReturnType<typeof createRetention>;

export function createRetention({
  store,
  clock,
  log,
  days: defaultDays,
  media = createMediaService({ store }),
  intervalMs = 3_600_000,
}: RetentionOptions) {
  async function current(): Promise<Pick<RetentionPolicy, 'days' | 'source'>> {
    const set = await store.settings.get<{ days: number | null }>(SETTING);
    if (set) return { days: set.days, source: 'settings' };
    return defaultDays ? { days: defaultDays, source: 'environment' } : { days: null, source: 'none' };
  }
  const cutoff = (days: number) => new Date(clock().getTime() - days * 86_400_000).toISOString();

  async function sweep(): Promise<number> {
    const privacy = store.privacy;
    const { days } = await current();
    // Recorded webhook deliveries keep message bodies: none outlives the conversations' limit.
    const pruned = await store.webhooks.pruneDeliveries(
      cutoff(Math.min(days ?? DELIVERY_DAYS, DELIVERY_DAYS)),
    );
    if (pruned > 0) log.info({ pruned }, 'retention deleted old webhook deliveries');
    if (!privacy || !days) return 0;
    const before = cutoff(days);
    let deleted = 0;
    for (;;) {
      const sids = await privacy.listExpiredChannels(before, BATCH);
      if (sids.length === 0) break;
      await media.deleteOfChannels(sids);
      await store.webhooks.forgetChannels(sids);
      deleted += await privacy.deleteChannels(sids);
      if (sids.length < BATCH) break;
    }
    if (deleted > 0) log.info({ deleted, days }, 'retention deleted old conversations');
    const eventsBefore = new Date(Math.min(Date.parse(before), clock().getTime() - EVENTS_KEPT_MS));
    const events = await store.taskEvents.prune(eventsBefore.toISOString());
    if (events > 0)
      log.info(
        { events, before: eventsBefore.toISOString() },
        'retention deleted old task and worker events',
      );
    return deleted;
  }

  async function scheduleNext() {
    const slot = Math.floor(clock().getTime() / intervalMs) + 1;
    await store.timers.schedule(RETENTION_KIND, `slot-${slot}`, new Date(slot * intervalMs).toISOString());
  }

  async function policy(): Promise<RetentionPolicy> {
    const { days, source } = await current();
    const expiredNow =
      days && store.privacy ? (await store.privacy.listExpiredChannels(cutoff(days), COUNT_CAP)).length : 0;
    return {
      days,
      source,
      defaultDays: defaultDays ?? null,
      description: days
        ? `Conversations idle for more than ${days} day${days === 1 ? '' : 's'} are deleted, with their messages and files`
        : 'Conversations are kept until they are erased by hand',
      expiredNow,
    };
  }

  return {
    sweep,
    policy,
    /** Sets the policy for every node: a number of days, or null to keep conversations. */
    async setDays(days: number | null): Promise<RetentionPolicy> {
      if (
        days !== null &&
        !(Number.isInteger(days) && days >= RETENTION_MIN_DAYS && days <= RETENTION_MAX_DAYS)
      ) {
        throw new ParleyError(
          'invalid_request',
          `days: expected a whole number of days from ${RETENTION_MIN_DAYS} to ${RETENTION_MAX_DAYS}, or null to keep conversations`,
        );
      }
      await store.settings.set(SETTING, { days });
      return policy();
    },
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
