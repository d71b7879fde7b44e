/**
 * Fires the store's timer rows when they fall due. A timer is a row with a due time, so it
 * survives a restart; claiming it is atomic, so on several nodes it fires once.
 */

import type { Clock } from '../ids.ts';
import type { Store } from '../store/types.ts';

export type TimerHandlers = Record<string, (ref: string) => Promise<void>>;

export interface TimerSchedulerDeps {
  store: Store;
  clock: Clock;
  handlers: TimerHandlers;
  intervalMs?: number;
  onError: (err: unknown, timer: { kind: string; ref: string }) => void;
}

export function createTimerScheduler({
  store,
  clock,
  handlers,
  intervalMs = 250,
  onError,
}: TimerSchedulerDeps) {
  let handle: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  async function tick() {
    const due = await store.timers.claimDue(clock().toISOString(), 100);
    for (const timer of due) {
      try {
        await handlers[timer.kind]?.(timer.ref);
      } catch (err) {
        onError(err, timer);
      }
      await store.timers.complete(timer.id);
    }
  }

  return {
    start() {
      handle ??= setInterval(() => {
        ticking ??= tick()
          .catch((err) => onError(err, { kind: 'tick', ref: '' }))
          .finally(() => {
            ticking = null;
          });
      }, intervalMs);
    },
    async stop() {
      if (handle) clearInterval(handle);
      handle = null;
      await ticking;
    },
  };
}
