/**
 * SQLite's group commit (server/store/sqlite/group-commit.ts), on a real file: what one turn
 * queues shares a transaction of at most MAX_BATCH units, a caller learns of its write only once it is
 * committed, a constraint error refuses its unit alone, any other error the whole batch, and a
 * full batch commits without waiting for the end of the turn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createGroupCommit, MAX_BATCH } from '../../server/store/sqlite/group-commit.ts';

let dir: string;
let db: Database.Database;
let reader: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-group-'));
  db = new Database(join(dir, 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
  reader = new Database(join(dir, 'g.db'), { readonly: true });
});
afterEach(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (n: number) => () => db.prepare('INSERT INTO t (n) VALUES (?)').run(n).changes;
/** What another connection sees: only what was committed. */
const committed = () => (reader.prepare('SELECT n FROM t ORDER BY n').pluck().all() as number[]).length;

it('settles each write only once it is committed, a turn sharing one transaction', async () => {
  const group = createGroupCommit(db);
  const seenByReader: number[] = [];
  const writes = Array.from({ length: 10 }, (_, i) =>
    group.run(insert(i)).then(() => seenByReader.push(committed())),
  );
  expect(committed()).toBe(0);
  await Promise.all(writes);
  // All ten were committed together: the first to settle already sees the tenth.
  expect(seenByReader).toEqual(Array(10).fill(10));
});

it('rolls back the whole batch on an error that is not a constraint, and only that batch', async () => {
  const group = createGroupCommit(db);
  const outcomes = await Promise.allSettled(
    Array.from({ length: MAX_BATCH + 6 }, (_, i) =>
      group.run(
        i === 3
          ? () => {
              throw new Error('disk on fire');
            }
          : insert(i),
      ),
    ),
  );
  const rejected = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
  // The first MAX_BATCH units failed together, the other 6 committed in the next batch.
  expect(rejected).toEqual(Array.from({ length: MAX_BATCH }, (_, i) => i));
  expect(reader.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual(
    Array.from({ length: 6 }, (_, i) => MAX_BATCH + i),
  );
});

it('refuses a unit that breaks a constraint alone, and commits the others of its batch', async () => {
  const group = createGroupCommit(db);
  const outcomes = await Promise.allSettled([1, 2, 1, 3].map((n) => group.run(insert(n))));
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[2] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
  expect(committed()).toBe(3);
});

it('commits a full batch as soon as the code that queued it returns, before the end of the turn', async () => {
  const group = createGroupCommit(db);
  // Scheduled before anything is queued: it runs at the end of this turn, before any flush
  // that waits for the end of the turn.
  let turnEnded = false;
  setImmediate(() => {
    turnEnded = true;
  });
  await Promise.all(Array.from({ length: MAX_BATCH }, (_, i) => group.run(insert(i))));
  expect(turnEnded).toBe(false);
  expect(committed()).toBe(MAX_BATCH);

  // A batch that is not full waits for the end of the turn, for more to join it.
  await new Promise((next) => setImmediate(next));
  let partialTurnEnded = false;
  setImmediate(() => {
    partialTurnEnded = true;
  });
  await Promise.all(Array.from({ length: 5 }, (_, i) => group.run(insert(MAX_BATCH + i))));
  expect(partialTurnEnded).toBe(true);
  expect(committed()).toBe(MAX_BATCH + 5);
});
