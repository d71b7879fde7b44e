/**
 * The API keys service on a real SQLite store with a clock the test moves: only a digest of
 * the secret is stored, a secret is bound to its own SID, and the last-used time is written at
 * most once a minute however often the key is used.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiKeys, createApiKeys } from '../../server/core/api-keys.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';

const silent = { info() {}, warn() {}, error() {} };

let store: Store;
let apiKeys: ApiKeys;
let now: Date;

beforeEach(() => {
  now = new Date('2026-03-01T10:00:00.000Z');
  store = createSqliteStore({ file: ':memory:', clock: () => now });
  apiKeys = createApiKeys({ store, clock: () => now, log: silent });
});
afterEach(() => store.close());

/** The key's last-used time once the fire-and-forget write has landed. */
const lastUsed = async (sid: string) => {
  await new Promise((resolve) => setImmediate(resolve));
  return (await apiKeys.get(sid)).dateLastUsed;
};

describe('API keys', () => {
  it('stores no secret, only what finds the key again', async () => {
    const key = await apiKeys.create('billing sync');
    const listed = await apiKeys.list();
    expect(listed).toEqual([
      { sid: key.sid, friendlyName: 'billing sync', dateCreated: now.toISOString(), dateLastUsed: null },
    ]);
    expect(JSON.stringify(await store.apiKeys.get(key.sid))).not.toContain(key.secret);
    expect((await apiKeys.authenticate(key.secret))?.sid).toBe(key.sid);
    expect(await apiKeys.authenticate(`${key.secret.slice(0, -1)}x`)).toBeNull();
  });

  it('binds a secret to its own SID, and forgets a revoked key', async () => {
    const a = await apiKeys.create('a');
    const b = await apiKeys.create('b');
    expect((await apiKeys.authenticate(a.secret, a.sid))?.sid).toBe(a.sid);
    expect(await apiKeys.authenticate(a.secret, b.sid)).toBeNull();
    await apiKeys.revoke(a.sid);
    expect(await apiKeys.authenticate(a.secret)).toBeNull();
    expect((await apiKeys.authenticate(b.secret))?.sid).toBe(b.sid);
    await expect(apiKeys.revoke(a.sid)).rejects.toMatchObject({ status: 404 });
  });

  it('records the last use at most once a minute', async () => {
    const key = await apiKeys.create('busy');
    await apiKeys.authenticate(key.secret);
    const first = now.toISOString();
    expect(await lastUsed(key.sid)).toBe(first);
    now = new Date(now.getTime() + 59_000);
    for (let i = 0; i < 5; i++) await apiKeys.authenticate(key.secret);
    expect(await lastUsed(key.sid)).toBe(first);
    now = new Date(now.getTime() + 2_000);
    await apiKeys.authenticate(key.secret);
    expect(await lastUsed(key.sid)).toBe(now.toISOString());
  });
});
