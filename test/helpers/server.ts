/**
 * Starts a real Parley server for a test: 127.0.0.1, port 0, a fresh SQLite file in a temp
 * dir, demo data seeded (agent `agent` / `agent`, a web Flex Flow, one queue).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import { createServer, type ParleyServer, type ServerOptions } from '../../server/index.ts';

export const ADMIN_KEY = 'test-admin-key';

export interface TestParley {
  url: string;
  adminKey: string;
  flexFlowSid: string;
  dataDir: string;
  server: ParleyServer;
  /** Calls the admin REST API: `api('POST', '/v1/Channels', body)`. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface StartOptions extends Partial<ServerOptions> {
  keepDataDir?: string;
  /**
   * How the demo web Flex Flow starts a chat: `task` (the default in tests) routes the first
   * message straight to an agent; `studio` runs the demo bot first, as `npm start` does.
   */
  integration?: 'task' | 'studio';
}

export async function startParley(options: StartOptions = {}): Promise<TestParley> {
  const dataDir = options.keepDataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const server = await createServer({
    dataDir,
    adminKey: ADMIN_KEY,
    secret: 'test-secret-0123456789abcdef',
    seedDemo: true,
    log: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    ...options,
    // Every client of a test comes from 127.0.0.1: connections per address are lifted unless a
    // test sets them (the attack suite tests them on a server with its defaults).
    limits: {
      connectionsPerIp: 100_000,
      tcpConnectionsPerIp: 100_000,
      // Authorization tests answer many 401s to one address; test/integration/abuse-limits sets it.
      authFailuresPerMinute: 100_000,
      ...options.limits,
    },
  });
  const { url } = await server.listen(0, '127.0.0.1');
  const flexFlowSid = (await demoFlexFlowSid(server.core.store)) ?? '';
  if (flexFlowSid && (options.integration ?? 'task') === 'task') {
    await server.core.store.flexFlows.update(flexFlowSid, { integrationType: 'task' });
  }
  return {
    url,
    adminKey: ADMIN_KEY,
    flexFlowSid,
    dataDir,
    server,
    async api(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await server.close();
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
