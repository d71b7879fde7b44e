/**
 * Group commit: the writes queued during one turn of the event loop run in one IMMEDIATE
 * transaction (at most MAX_BATCH each), and every caller's promise settles only after that
 * transaction has committed. A commit costs far more than the few statements of a message, so
 * a burst of messages shares one; a lone message waits only for the end of the current turn.
 * A full batch commits as soon as the code that queued it has returned (in a microtask): under
 * a flood, a message's objects then die young instead of outliving a whole turn's reads (with
 * 5,000 connections, the garbage collector's time per flooded message fell from ~20 µs to ~2).
 *
 * A unit of work must write nothing before the statement that may fail on a constraint (so a
 * constraint error refuses that unit alone and the others commit); any other error rolls the
 * whole batch back and rejects every unit in it.
 */
import type Database from 'better-sqlite3';

/**
 * Units in one transaction at most. A commit costs mostly by the pages it writes, and the pages
 * every message touches (the table's tail, the indexes on keys that grow with time) are written
 * once per commit however many messages share it: 128 lets the messages in flight from a hundred
 * chats commit together (measured: about 10% less CPU per message than 64; 256 no better).
 */
export const MAX_BATCH = 128;

interface Unit {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;

export function createGroupCommit(db: Database.Database) {
  let queue: Unit[] = [];
  let scheduled = false;

  const runBatch = db.transaction((batch: Unit[]) => {
    const results: { ok: boolean; value: unknown }[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      try {
        results[i] = { ok: true, value: (batch[i] as Unit).work() };
      } catch (err) {
        // Only a constraint error leaves the transaction usable (the statement alone is undone).
        if (!isConstraintError(err)) throw err;
        results[i] = { ok: false, value: err };
      }
    }
    return results;
  });

  /** Runs everything queued so far; also called before the database closes. */
  function flush() {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.length <= MAX_BATCH ? queue : queue.slice(0, MAX_BATCH);
      queue = queue.length <= MAX_BATCH ? [] : queue.slice(MAX_BATCH);
      let results: { ok: boolean; value: unknown }[];
      try {
        results = runBatch.immediate(batch);
      } catch (err) {
        for (const unit of batch) unit.reject(err);
        continue;
      }
      for (let i = 0; i < batch.length; i++) {
        const unit = batch[i] as Unit;
        const result = results[i] as { ok: boolean; value: unknown };
        if (result.ok) unit.resolve(result.value);
        else unit.reject(result.value);
      }
    }
  }

  return {
    /** Queues `work` for the next group transaction; resolves with its result once committed. */
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queue.length === MAX_BATCH) queueMicrotask(flush);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}

function isConstraintError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
