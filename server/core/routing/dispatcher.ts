/**
 * Offers pending tasks to workers: each task, in priority then age order, is reserved for the
 * longest-idle available worker with free capacity who has not already declined it. The
 * reservation is atomic in the store, so concurrent dispatchers (other nodes) never double-book;
 * runs requested while one is going coalesce into one more pass.
 */
import type { Store } from '../../store/types.ts';
import type { EventBus } from '../events.ts';
import type { Clock } from '../ids.ts';
import { buildOffer } from './views.ts';

export const RESERVATION_TIMEOUT_KIND = 'reservation.timeout';

export interface DispatcherDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  reservationTimeoutSeconds: number;
  onError: (err: unknown) => void;
}

export function createDispatcher({
  store,
  events,
  clock,
  reservationTimeoutSeconds,
  onError,
}: DispatcherDeps) {
  let running: Promise<void> | null = null;
  let again = false;

  async function pass() {
    const pending = await store.tasks.listPending(200);
    for (const task of pending) {
      const declined = (await store.reservations.list({ taskSid: task.sid, status: 'rejected' })).map(
        (r) => r.workerSid,
      );
      const candidates = await store.workers.listAvailable(declined);
      for (const worker of candidates) {
        const expiresAt = new Date(clock().getTime() + reservationTimeoutSeconds * 1000).toISOString();
        const reservation = await store.reservations.reserve(task.sid, worker.sid, expiresAt);
        if (!reservation) continue;
        await store.timers.schedule(RESERVATION_TIMEOUT_KIND, reservation.sid, expiresAt);
        const reserved = await store.tasks.get(task.sid);
        if (reserved) events.emit('offer.created', await buildOffer(store, reservation, reserved));
        break;
      }
    }
  }

  /** Runs a dispatch pass now, or once more after the one in progress. */
  function dispatch(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } catch (err) {
        onError(err);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return { dispatch };
}
