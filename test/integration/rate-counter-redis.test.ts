/** The shared counter on a real Redis: weighted hits, windows that expire, and the memory fallback. */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCounter, createRedisCounter } from '../../server/core/rate-counter.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

let redis: TestRedis;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  redis?.stop();
});

describe('the shared counter', () => {
  it('adds a weighted hit to the window and expires the window with its first hit', async () => {
    const errors: unknown[] = [];
    const counter = createRedisCounter(client, (err) => errors.push(err));
    expect(await counter.hit('download-mb:ip:203.0.113.9', 60_000, 10)).toBe(10);
    expect(await counter.hit('download-mb:ip:203.0.113.9', 60_000)).toBe(11);
    expect(await counter.hit('download-mb:ip:203.0.113.9', 60_000, 5)).toBe(16);
    const [key] = await client.keys('parley:rl:download-mb:ip:203.0.113.9:*');
    const ttl = await client.pTTL(key ?? '');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(errors).toEqual([]);
  });

  it('counts weights the same in memory', async () => {
    const counter = createMemoryCounter();
    expect(await counter.hit('k', 60_000, 3)).toBe(3);
    expect(await counter.hit('k', 60_000)).toBe(4);
  });
});
