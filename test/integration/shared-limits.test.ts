/**
 * With REDIS_URL, every node counts one budget: what one address or one visitor may do is
 * limited across the cluster, not per node (HTTP limits and socket budgets share the counter). Two real nodes on one
 * PostgreSQL and one Redis, on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let postgres: TestPostgres;
let redis: TestRedis;
let nodes: TestParley[] = [];
let flexFlowSid = '';

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const databaseUrl = await postgres.createDatabase();
  nodes = await Promise.all(
    [0, 1].map(() =>
      startParley({
        databaseUrl,
        redisUrl: redis.url,
        limits: { webChannelsPerMinute: 4 },
      }),
    ),
  );
  flexFlowSid = (await demoFlexFlowSid(nodes[0]?.server.core.store as never)) ?? '';
}, 180_000);
afterAll(async () => {
  for (const node of nodes) await node.stop();
  postgres?.stop();
  redis?.stop();
});

const open = (url: string) =>
  fetch(`${url}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ flexFlowSid }),
  });

describe('limits shared through Redis', () => {
  it('counts the chats one address opens on either node against one budget', async () => {
    const [a, b] = nodes as [TestParley, TestParley];
    const statuses: number[] = [];
    for (const url of [a.url, b.url, a.url, b.url, a.url, b.url]) {
      const res = await open(url);
      await res.body?.cancel();
      statuses.push(res.status);
    }
    // Four a minute from this address in all: each node alone would have allowed six.
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});
