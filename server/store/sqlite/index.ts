/**
 * The embedded default store: one SQLite file under the data directory, in WAL mode so
 * readers never wait for the writer.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, newSid as defaultNewSid, type IdGenerator, systemClock } from '../../ids.ts';
import { cachedFlexFlows } from '../flex-flow-cache.ts';
import type { Store } from '../types.ts';
import { activityRepository } from './activities.ts';
import { apiKeyRepository } from './api-keys.ts';
import { auditRepository } from './audit.ts';
import { cannedResponseRepository } from './canned-responses.ts';
import { conversationSearchRepository } from './conversation-search.ts';
import { channelRepository, contactRepository, memberRepository } from './conversations.ts';
import { executionRepository } from './executions.ts';
import { flexFlowRepository } from './flex-flows.ts';
import { flowRepository } from './flows.ts';
import { createGroupCommit } from './group-commit.ts';
import { mediaRepository } from './media.ts';
import { messageRepository } from './messages.ts';
import { migrate } from './migrations.ts';
import { privacyRepository } from './privacy.ts';
import { proxySessionRepository } from './proxy.ts';
import { ratingRepository } from './ratings.ts';
import { reservationRepository } from './reservations.ts';
import { taskQueueRepository, workerRepository, workflowRepository } from './routing.ts';
import { settingsRepository } from './settings.ts';
import { taskEventRepository } from './task-events.ts';
import { taskRepository } from './tasks.ts';
import { timerRepository } from './timers.ts';
import { visitorHistoryRepository } from './visitor-history.ts';
import { webhookRepository } from './webhooks.ts';
import { whisperRepository } from './whispers.ts';

export interface SqliteStoreOptions {
  /** Path of the database file; `:memory:` for a throwaway store. */
  file: string;
  clock?: Clock;
  newSid?: IdGenerator;
  /**
   * `NORMAL` (default): in WAL mode a commit survives a crash or kill of the process; only an
   * OS crash or power loss may drop the newest commits. `FULL`: every commit is fsynced before
   * it is acknowledged, surviving power loss too, at a cost in throughput.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

export function createSqliteStore({
  file,
  clock = systemClock,
  newSid = defaultNewSid,
  synchronous = 'NORMAL',
}: SqliteStoreOptions): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  cacheStatements(db);
  const deps = { db, clock, newSid };
  const group = createGroupCommit(db);
  return {
    engine: 'sqlite',
    contacts: contactRepository(deps),
    channels: channelRepository(deps),
    members: memberRepository(deps),
    messages: messageRepository(deps, group),
    // One process owns the file: what it writes is all that changes.
    flexFlows: cachedFlexFlows(flexFlowRepository(deps), undefined, () => clock().getTime()),
    workers: workerRepository(deps),
    queues: taskQueueRepository(deps),
    workflows: workflowRepository(deps),
    tasks: taskRepository(deps),
    reservations: reservationRepository(deps),
    timers: timerRepository(deps),
    flows: flowRepository(deps),
    executions: executionRepository(deps, group),
    proxySessions: proxySessionRepository(deps),
    media: mediaRepository(deps),
    privacy: privacyRepository(deps),
    audit: auditRepository(deps),
    apiKeys: apiKeyRepository(deps),
    cannedResponses: cannedResponseRepository(deps),
    activities: activityRepository(deps),
    ratings: ratingRepository(deps),
    visitorHistory: visitorHistoryRepository(deps),
    conversationSearch: conversationSearchRepository(deps),
    webhooks: webhookRepository(deps),
    settings: settingsRepository(deps),
    taskEvents: taskEventRepository(deps),
    whispers: whisperRepository(deps),
    async isEmpty() {
      const row = db
        .prepare('SELECT (SELECT count(*) FROM flex_flows) + (SELECT count(*) FROM workers) AS n')
        .get() as {
        n: number;
      };
      return row.n === 0;
    },
    async claimOnce(key) {
      const claimed = db
        .prepare('INSERT INTO claims (key, date_created) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
        .run(key, clock().toISOString());
      return claimed.changes === 1;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (!db.open) return;
      group.flush();
      db.close();
    },
  };
}

/**
 * Every statement is prepared once: repositories call `db.prepare(sql)` where they use it, and
 * the same SQL gets the same compiled statement back. Bounded, since a few statements are
 * built with a varying number of placeholders.
 */
function cacheStatements(db: Database.Database, limit = 1000) {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= limit) statements.clear();
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }) as typeof db.prepare;
}
