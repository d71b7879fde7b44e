/**
 * Which step log entries an execution store has stored (each in its own row of
 * execution_steps), so that saving a step inserts only the entries it added.
 */
import type { StepLog } from '../studio-types.ts';

/**
 * The step log entries this store knows to be stored: every entry of a state it read or saved
 * (marked once the save committed). A log only grows, entries are never changed, and a step's
 * state shares its entries with the state it was stepped from (the engine copies the log, not
 * its entries), so the entries of a log past the last known one are those its save has to
 * insert: a step costs its own entries, not the whole log again. A log that comes with copies
 * of stored entries instead (read by another store, parsed again) has them inserted again and
 * ignored (ON CONFLICT DO NOTHING): never one missed. A log holds its own execution's entries
 * only; the save's version check keeps a stale copy's from being written.
 */
export function storedSteps() {
  const stored = new WeakSet<StepLog>();
  return {
    /** How many of `log`'s first entries are known stored: its entries from there on are new. */
    from(log: StepLog[]) {
      let n = log.length;
      while (n > 0 && !stored.has(log[n - 1] as StepLog)) n--;
      return n;
    },
    /** `log`'s entries from `from` on are now stored. */
    mark(log: StepLog[], from = 0) {
      for (let n = from; n < log.length; n++) {
        const entry = log[n];
        // Only objects can be remembered; anything else in a log (never written by the engine,
        // only by hand) is offered again and ignored.
        if (typeof entry === 'object' && entry !== null) stored.add(entry);
      }
    },
  };
}
