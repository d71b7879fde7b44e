/**
 * A core on a real store, for tests that call the services directly: a SQLite file in a temp
 * dir, or a fresh database on a test PostgreSQL (`postgresUrl`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type CoreOptions, createCore } from '../../server/core/index.ts';
import { seedDemo } from '../../server/core/seed.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';

export async function createTestCore({
  postgresUrl,
  ...options
}: Partial<
  Pick<
    CoreOptions,
    | 'reservationTimeoutSeconds'
    | 'reservationTimeoutActivity'
    | 'taskTimeoutSeconds'
    | 'agentDisconnectGraceSeconds'
  >
> & { postgresUrl?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-core-'));
  const file = join(dir, 'parley.db');
  const store = postgresUrl ? await createPostgresStore({ url: postgresUrl }) : createSqliteStore({ file });
  const core = createCore({
    store,
    secret: 'unit-test-secret-0123456789',
    log: pino({ level: 'silent' }),
    timerIntervalMs: 20,
    ...options,
  });
  await seedDemo(store, core.agents);
  core.start();
  const [seeded] = await store.flexFlows.list();
  if (!seeded) throw new Error('seed made no Flex Flow');
  // Core tests route a customer's first message straight to agents, without the demo bot.
  const flexFlow = await store.flexFlows.update(seeded.sid, { integrationType: 'task' });
  return {
    core,
    store,
    file,
    flexFlow,
    /** A customer with an open web channel. */
    async customer(name = 'Dana') {
      const contact = await store.contacts.create({
        identity: `visitor-${name}-${Math.random()}`,
        friendlyName: name,
      });
      const channel = await core.conversations.startChannel({
        flexFlow,
        contactSid: contact.sid,
        customerFriendlyName: name,
      });
      return { contact, channel };
    },
    async close() {
      await core.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
