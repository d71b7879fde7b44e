/**
 * The embedded default store: one SQLite file under the data directory, in WAL mode so
 * readers never wait for the writer.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, newSid as defaultNewSid, type IdGenerator, systemClock } from '../../core/ids.ts';
import type { Store } from '../types.ts';
import {
  channelRepository,
  contactRepository,
  memberRepository,
  messageRepository,
} from './conversations.ts';
import { flexFlowRepository } from './flex-flows.ts';
import { migrate } from './migrations.ts';
import {
  reservationRepository,
  taskQueueRepository,
  taskRepository,
  timerRepository,
  workerRepository,
} from './routing.ts';

export interface SqliteStoreOptions {
  /** Path of the database file; `:memory:` for a throwaway store. */
  file: string;
  clock?: Clock;
  newSid?: IdGenerator;
}

export function createSqliteStore({
  file,
  clock = systemClock,
  newSid = defaultNewSid,
}: SqliteStoreOptions): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged, even if the machine loses power.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const deps = { db, clock, newSid };
  return {
    engine: 'sqlite',
    contacts: contactRepository(deps),
    channels: channelRepository(deps),
    members: memberRepository(deps),
    messages: messageRepository(deps),
    flexFlows: flexFlowRepository(deps),
    workers: workerRepository(deps),
    queues: taskQueueRepository(deps),
    tasks: taskRepository(deps),
    reservations: reservationRepository(deps),
    timers: timerRepository(deps),
    async isEmpty() {
      const row = db
        .prepare('SELECT (SELECT count(*) FROM flex_flows) + (SELECT count(*) FROM workers) AS n')
        .get() as {
        n: number;
      };
      return row.n === 0;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
