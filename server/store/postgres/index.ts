/**
 * The PostgreSQL store, selected by `DATABASE_URL`: the same repositories as the SQLite store,
 * for several nodes sharing one database.
 */
import pg from 'pg';
import { type Clock, newSid as defaultNewSid, type IdGenerator, systemClock } from '../../ids.ts';
import { cachedFlexFlows, type FlexFlowChanges } from '../flex-flow-cache.ts';
import type { Store } from '../types.ts';
import { activityRepository } from './activities.ts';
import { apiKeyRepository } from './api-keys.ts';
import { auditRepository } from './audit.ts';
import { cannedResponseRepository } from './canned-responses.ts';
import { conversationSearchRepository } from './conversation-search.ts';
import { channelRepository, contactRepository, memberRepository } from './conversations.ts';
import { one } from './db.ts';
import { executionRepository } from './executions.ts';
import { listenForFlexFlowChanges } from './flex-flow-changes.ts';
import { flexFlowRepository } from './flex-flows.ts';
import { flowRepository } from './flows.ts';
import { mediaRepository } from './media.ts';
import { messageRepository, postBatcher } from './messages.ts';
import { migrate } from './migrations.ts';
import { privacyRepository } from './privacy.ts';
import { proxySessionRepository } from './proxy.ts';
import { ratingRepository } from './ratings.ts';
import {
  reservationRepository,
  taskQueueRepository,
  workerRepository,
  workflowRepository,
} from './routing.ts';
import { settingsRepository } from './settings.ts';
import { taskEventRepository } from './task-events.ts';
import { taskRepository } from './tasks.ts';
import { timerRepository } from './timers.ts';
import { visitorHistoryRepository } from './visitor-history.ts';
import { webhookRepository } from './webhooks.ts';
import { whisperRepository } from './whispers.ts';

export interface PostgresStoreOptions {
  url: string;
  clock?: Clock;
  newSid?: IdGenerator;
  /** Connections in the pool. */
  max?: number;
  /**
   * Whether to hear other nodes' Flex Flow changes (default true). A short-lived command
   * (`parley migrate`, `parley admin`) passes false: it opens no listening connection and keeps
   * no Flex Flow in memory, reading each from the database.
   */
  listen?: boolean;
}

/** What a store that does not listen is told: nothing is heard, so nothing is kept. */
const NOT_LISTENING: FlexFlowChanges = { listening: false, onChange() {} };

export async function createPostgresStore({
  url,
  clock = systemClock,
  newSid = defaultNewSid,
  max = 10,
  listen = true,
}: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection that dies (the database restarts) must not crash the process.
  pool.on('error', () => {});
  await migrate(pool);
  const deps = { pool, clock, newSid };
  const flexFlowChanges = listen ? listenForFlexFlowChanges(url) : null;
  const messages = postBatcher(deps);
  return {
    engine: 'postgres',
    contacts: contactRepository(deps),
    channels: channelRepository(deps),
    members: memberRepository(deps),
    messages: messageRepository(deps, messages),
    flexFlows: cachedFlexFlows(flexFlowRepository(deps), flexFlowChanges ?? NOT_LISTENING, () =>
      clock().getTime(),
    ),
    workers: workerRepository(deps),
    queues: taskQueueRepository(deps),
    workflows: workflowRepository(deps),
    tasks: taskRepository(deps),
    reservations: reservationRepository(deps),
    timers: timerRepository(deps),
    flows: flowRepository(deps),
    executions: executionRepository(deps),
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
      const row = await one(
        pool,
        'SELECT (SELECT count(*) FROM flex_flows) + (SELECT count(*) FROM workers) AS n',
      );
      return Number(row?.n) === 0;
    },
    async claimOnce(key) {
      const { rowCount } = await pool.query(
        'INSERT INTO claims (key, date_created) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, clock().toISOString()],
      );
      return rowCount === 1;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await messages.settled();
      await flexFlowChanges?.close();
      await pool.end();
    },
  };
}
