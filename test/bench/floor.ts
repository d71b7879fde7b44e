/**
 * The storage engine's own floor: what SQLite costs to store a chat message durably with no
 * Parley code around it. The least a chat store can write per message is a row kept in order
 * per conversation (a unique conversation-and-index key) and the conversation's next index;
 * Parley also checks the author, keys client ids and sids, and indexes for search. Measured
 * with better-sqlite3 as Parley opens it (WAL, synchronous NORMAL), 100 conversations taking
 * turns, in transactions of `BATCHES` messages: with one message in flight per conversation
 * there are never more than 100 to commit together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const BATCHES = [1, 25, 100];
const CONVERSATIONS = 100;
const WARM_MESSAGES = 100_000;
const MEASURED_MESSAGES = 20_000;

/** µs of CPU per message at each size of transaction in BATCHES. */
export function sqliteFloor(): { batch: number; micros: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'parley-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      CREATE TABLE conversations (sid TEXT PRIMARY KEY, last_index INTEGER NOT NULL DEFAULT -1);
      CREATE TABLE messages (conversation TEXT NOT NULL, idx INTEGER NOT NULL, body TEXT NOT NULL,
        UNIQUE (conversation, idx));`);
    const sids = Array.from({ length: CONVERSATIONS }, (_, i) => `CH${i.toString(16).padStart(32, '0')}`);
    const add = db.prepare('INSERT INTO conversations (sid) VALUES (?)');
    for (const sid of sids) add.run(sid);
    const next = db
      .prepare('UPDATE conversations SET last_index = last_index + 1 WHERE sid = ? RETURNING last_index')
      .pluck();
    const insert = db.prepare('INSERT INTO messages (conversation, idx, body) VALUES (?, ?, ?)');
    let sent = 0;
    const commit = db.transaction((count: number) => {
      for (let i = 0; i < count; i++, sent++) {
        const sid = sids[sent % CONVERSATIONS] as string;
        insert.run(sid, next.get(sid), `message ${sent}: where is my parcel?`);
      }
    });
    // A store that has been in use: each conversation's page of its index is no longer new.
    for (let i = 0; i < WARM_MESSAGES; i += 25) commit.immediate(25);
    return BATCHES.map((batch) => {
      const before = process.cpuUsage();
      for (let i = 0; i < MEASURED_MESSAGES; i += batch) commit.immediate(batch);
      const used = process.cpuUsage(before);
      return { batch, micros: (used.user + used.system) / MEASURED_MESSAGES };
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
