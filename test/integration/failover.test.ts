/**
 * Node failure: two Parley nodes (child processes) on one PostgreSQL and one Redis, behind a
 * small TCP balancer on loopback. Visitors and agents chat through it with outboxes; node A is
 * killed with SIGKILL mid-conversation; its clients reconnect through the balancer to node B
 * and catch up. Nothing acknowledged is lost or stored twice, and every view equals the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosAgent, ChaosVisitor } from '../bench/chaos/clients.ts';
import { ServerProcess } from '../bench/chaos/server-process.ts';
import { verify } from '../bench/chaos/verify.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const ADMIN_KEY = 'failover-admin-key-0123456789';
const SECRET = 'failover-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let postgres: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 180_000);
afterAll(() => {
  postgres?.stop();
  redis?.stop();
});

/** A TCP balancer: each new connection goes to the first upstream port that accepts it. */
async function balancer(upstreams: () => number[]): Promise<{ url: string; close(): void }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const tryNext = (ports: number[]) => {
      const [port, ...rest] = ports;
      if (port === undefined) return client.destroy();
      const upstream = createConnection(port, '127.0.0.1');
      upstream.once('connect', () => {
        client.pipe(upstream).pipe(client);
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', () => {
        upstream.destroy();
        if (!upstream.readyState || upstream.connecting) tryNext(rest);
        else client.destroy();
      });
    };
    tryNext(upstreams());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close() {
      for (const s of open) s.destroy();
      server.close();
    },
  };
}

describe('a node failure', () => {
  it('moves its visitors and agents to the other node with nothing lost or duplicated', {
    timeout: 300_000,
  }, async () => {
    const databaseUrl = await postgres.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-failover-'));
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PARLEY_WEBCHANNELS_PER_MINUTE: '100000',
      PARLEY_SIGNIN_PER_MINUTE: '100000',
      PARLEY_MESSAGES_PER_MINUTE: '100000',
      PARLEY_MESSAGES_PER_MINUTE_PER_IP: '1000000',
      PARLEY_EVENT_BUDGETS: 'off',
    };
    const nodes = [0, 1].map(() => new ServerProcess({ dataDir, adminKey: ADMIN_KEY, secret: SECRET, env }));
    const ports: number[] = [];
    for (const node of nodes) ports.push(Number(new URL(await node.start()).port));
    const alive = new Set([0, 1]);
    const lb = await balancer(() => ports.filter((_, i) => alive.has(i)));
    const clients: (ChaosVisitor | ChaosAgent)[] = [];
    try {
      const call = async (
        method: string,
        path: string,
        body?: unknown,
        headers: Record<string, string> = {},
      ) => {
        const res = await fetch(lb.url + path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
        return res.json();
      };
      await call('POST', '/v1/TaskQueues', { friendlyName: 'Everyone' });
      const flexFlow = await call('POST', '/v1/FlexFlows', {
        friendlyName: 'Failover webchat',
        channelType: 'web',
        contactIdentity: 'webchat',
        enabled: true,
        integrationType: 'task',
        allowedOrigins: ['*'],
      });
      for (let a = 0; a < 2; a++) {
        await call('POST', '/v1/Workers', {
          friendlyName: `Agent ${a}`,
          username: `fo-${a}`,
          password: 'fo-password',
          capacity: 10,
          activity: 'Available',
        });
        const { token } = await call('POST', '/v1/AgentSessions', {
          username: `fo-${a}`,
          password: 'fo-password',
        });
        clients.push(new ChaosAgent(`a${a}`, lb.url, token));
      }
      for (let v = 0; v < 8; v++) {
        const session = await call(
          'POST',
          '/v1/WebChannels',
          { flexFlowSid: flexFlow.sid, customerFriendlyName: `V${v}` },
          { origin: 'https://shop.test' },
        );
        clients.push(new ChaosVisitor(`v${v}`, lb.url, session.token, session.channelSid));
      }
      const pumps = clients.map((c) => c.pump());
      let talking = true;
      // A small deterministic sequence picks which chat each agent answers.
      let turn = 0;
      const pick = () => {
        turn = (turn * 9301 + 49297) % 233280;
        return turn / 233280;
      };
      const talkers = clients.map(async (c) => {
        while (talking) {
          if (c instanceof ChaosVisitor) c.say();
          else c.say(pick);
          await sleep(40);
        }
      });

      await sleep(1500);
      // Node A dies mid-conversation: everything connected through it moves to node B.
      await nodes[0]!.kill();
      alive.delete(0);
      await sleep(2500);
      talking = false;
      await Promise.all(talkers);
      for (const c of clients) c.finish();
      // The outboxes drain on their own; a busy machine only slows them (bounded all the same).
      await Promise.race([Promise.all(pumps), sleep(120_000)]);
      await sleep(1000);

      const verdict = await verify(
        (path) => call('GET', path),
        clients.flatMap((c) => c.acked),
        clients.flatMap((c) => [...c.views.values()]),
      );
      const acked = clients.reduce((n, c) => n + c.acked.length, 0);
      const reconnects = clients.reduce((n, c) => n + c.stats.reconnects, 0);
      expect(acked).toBeGreaterThan(100);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      expect(clients.reduce((n, c) => n + c.outbox.length, 0)).toBe(0);
      expect(verdict).toMatchObject({ lost: 0, duplicated: 0, gaps: 0, viewMismatches: 0 });
    } finally {
      for (const c of clients) c.close();
      lb.close();
      for (const node of nodes) await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
