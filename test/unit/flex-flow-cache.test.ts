/**
 * Flex Flows kept in memory (store/flex-flow-cache.ts): one node's own writes are seen at once;
 * on PostgreSQL another node's are heard through LISTEN/NOTIFY, whoever wrote them (the
 * trigger fires for plain SQL too), and while a node cannot hear them it reads the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFlexFlows, type FlexFlowsDeps } from '../../server/core/flex-flows.ts';
import { KEEP_MS } from '../../server/store/flex-flow-cache.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { FlexFlow, Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Waits (bounded) until `store` answers a Flex Flow that passes `check`. */
const until = (store: Store, sid: string, check: (flexFlow: FlexFlow | null) => boolean) =>
  vi.waitFor(async () => expect(check(await store.flexFlows.get(sid))).toBe(true), {
    timeout: 10_000,
    interval: 20,
  });

async function twoNodes() {
  const url = await postgres.createDatabase();
  const a = await createPostgresStore({ url });
  cleanups.push(() => a.close());
  const b = await createPostgresStore({ url });
  cleanups.push(() => b.close());
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  cleanups.push(() => sql.end());
  return { a, b, sql };
}

describe('Flex Flows kept in memory', () => {
  it('answers the same frozen object until the node itself changes it (SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-ffcache-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteStore({ file: join(dir, 'parley.db') });
    cleanups.push(() => store.close());
    const created = await store.flexFlows.create(webFlexFlow({ friendlyName: 'Shop' }));
    const first = (await store.flexFlows.get(created.sid)) as FlexFlow;
    expect(await store.flexFlows.get(created.sid)).toBe(first);
    // Shared by every caller, so nobody may change it in place.
    expect(() => {
      (first as { friendlyName: string }).friendlyName = 'Changed';
    }).toThrow(TypeError);
    expect(() => {
      (first.widgetConfig as Record<string, unknown>).x = 1;
    }).toThrow(TypeError);

    await store.flexFlows.update(created.sid, { friendlyName: 'Shop 2' });
    expect((await store.flexFlows.get(created.sid))?.friendlyName).toBe('Shop 2');
    await store.flexFlows.delete(created.sid);
    expect(await store.flexFlows.get(created.sid)).toBeNull();
  });

  it('keeps no copy past KEEP_MS, whatever it heard', async () => {
    // A change this node cannot hear (another process on the same SQLite file stands for a node
    // whose notifications were lost) is served from the database once the copy is too old.
    const dir = mkdtempSync(join(tmpdir(), 'parley-ffcache-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let at = Date.parse('2026-11-30T12:00:00Z');
    const a = createSqliteStore({ file: join(dir, 'parley.db'), clock: () => new Date(at) });
    cleanups.push(() => a.close());
    const b = createSqliteStore({ file: join(dir, 'parley.db') });
    cleanups.push(() => b.close());
    const created = await a.flexFlows.create(webFlexFlow({ friendlyName: 'Shop' }));
    await a.flexFlows.get(created.sid);
    await b.flexFlows.update(created.sid, { friendlyName: 'Shop 2' });
    at += KEEP_MS - 1;
    expect((await a.flexFlows.get(created.sid))?.friendlyName).toBe('Shop');
    at += 2;
    expect((await a.flexFlows.get(created.sid))?.friendlyName).toBe('Shop 2');
  });

  it("writes a Flex Flow's integration only when it changes, so an older copy cannot undo another node's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-ffcache-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const a = createSqliteStore({ file: join(dir, 'parley.db') });
    cleanups.push(() => a.close());
    const b = createSqliteStore({ file: join(dir, 'parley.db') });
    cleanups.push(() => b.close());
    // Only update() is used, which needs none of the engagement's parts.
    const flexFlowsOnA = createFlexFlows({ store: a } as unknown as FlexFlowsDeps);
    const created = await a.flexFlows.create(
      webFlexFlow({
        integrationType: 'external',
        integration: { url: 'https://crm.example.com/old', secret: 'secret-0123456789' },
      }),
    );
    await a.flexFlows.get(created.sid);
    await b.flexFlows.update(created.sid, {
      integration: { url: 'https://crm.example.com/new', secret: 'secret-0123456789' },
    });
    // A still holds the old integration, and disables the Flex Flow.
    await flexFlowsOnA.update(created.sid, { enabled: false });
    const stored = await b.flexFlows.get(created.sid);
    expect(stored?.enabled).toBe(false);
    expect(stored?.integration.url).toBe('https://crm.example.com/new');
  });

  it("hears another node's update and delete, and a change made in plain SQL (PostgreSQL)", async () => {
    const { a, b, sql } = await twoNodes();
    const created = await a.flexFlows.create(webFlexFlow({ friendlyName: 'Shop' }));
    // Kept once the node listens (its listening connection opens beside the store, so on a
    // busy machine the first reads may come before it does and go to the database).
    await vi.waitFor(
      async () => expect(await a.flexFlows.get(created.sid)).toBe(await a.flexFlows.get(created.sid)),
      { timeout: 10_000, interval: 20 },
    );

    await b.flexFlows.update(created.sid, { friendlyName: 'Shop 2', enabled: false });
    await until(a, created.sid, (f) => f?.friendlyName === 'Shop 2' && f.enabled === false);

    await sql.query('UPDATE flex_flows SET friendly_name = $1 WHERE sid = $2', ['Shop 3', created.sid]);
    await until(a, created.sid, (f) => f?.friendlyName === 'Shop 3');
    await until(b, created.sid, (f) => f?.friendlyName === 'Shop 3');

    await b.flexFlows.delete(created.sid);
    await until(a, created.sid, (f) => f === null);
  });

  it('reads the database while it cannot hear changes, and listens again by itself', async () => {
    const { a, b, sql } = await twoNodes();
    const created = await a.flexFlows.create(webFlexFlow({ friendlyName: 'Shop' }));
    await a.flexFlows.get(created.sid);
    // Cut every node's listening connection: neither can hear changes until it reconnects.
    const listeners = async () =>
      (
        await sql.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
        )
      ).rows.map((r) => r.pid as number);
    // Both listening first (their connections open beside the stores).
    await vi.waitFor(async () => expect(await listeners()).toHaveLength(2), {
      timeout: 10_000,
      interval: 20,
    });
    const cut = await listeners();
    // Changed in the same statement that cuts the listeners, so no notification can reach A.
    await sql.query(
      `WITH changed AS (UPDATE flex_flows SET friendly_name = 'Shop 2' WHERE sid = $1 RETURNING sid)
       SELECT pg_terminate_backend(pid) FROM unnest($2::int[]) AS pid, changed`,
      [created.sid, cut],
    );
    // No notification comes: A answers the new name because it forgot everything when its
    // connection dropped, and keeps nothing until it listens again.
    await until(a, created.sid, (f) => f?.friendlyName === 'Shop 2');
    await vi.waitFor(
      async () => expect((await listeners()).filter((pid) => !cut.includes(pid))).toHaveLength(2),
      {
        timeout: 15_000,
        interval: 50,
      },
    );
    await b.flexFlows.update(created.sid, { friendlyName: 'Shop 3' });
    await until(a, created.sid, (f) => f?.friendlyName === 'Shop 3');
  });

  it('keeps nothing and opens no listening connection in a store that does not listen (a command)', async () => {
    const url = await postgres.createDatabase();
    const node = await createPostgresStore({ url });
    cleanups.push(() => node.close());
    const command = await createPostgresStore({ url, max: 1, listen: false });
    cleanups.push(() => command.close());
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const created = await node.flexFlows.create(webFlexFlow({ friendlyName: 'Shop' }));
    const first = await command.flexFlows.get(created.sid);
    expect(first?.friendlyName).toBe('Shop');
    // Read again, not kept: another object each time, and a change in plain SQL seen at once.
    expect(await command.flexFlows.get(created.sid)).not.toBe(first);
    await sql.query('UPDATE flex_flows SET friendly_name = $1 WHERE sid = $2', ['Shop 2', created.sid]);
    expect((await command.flexFlows.get(created.sid))?.friendlyName).toBe('Shop 2');
    // A node opened after the command listens by the time it answers; the command does not.
    const later = await createPostgresStore({ url });
    cleanups.push(() => later.close());
    const listening = async () =>
      (
        await sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
        )
      ).rows[0].n as number;
    await vi.waitFor(async () => expect(await listening()).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await listening()).toBe(2);
  });
});
