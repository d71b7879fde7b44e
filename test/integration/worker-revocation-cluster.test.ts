/**
 * Revoking agents across nodes: two Parley servers on one PostgreSQL database, broadcasting
 * through one Redis (real servers on loopback, started for this file). A change made on one
 * node ends the sessions of desks connected to the other; sign-in failures count on both.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import type { AgentChatDTO, OfferDTO } from '../../server/protocol.ts';
import { connectAgent, connectVisitor, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let postgres: TestPostgres;
let redis: TestRedis;
let nodes: TestParley[] = [];
const sockets: { close(): void }[] = [];

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 180_000);
afterAll(() => {
  postgres?.stop();
  redis?.stop();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const n of nodes) await n.stop();
  nodes = [];
});

async function twoNodes() {
  const databaseUrl = await postgres.createDatabase();
  nodes = await Promise.all(
    [0, 1].map(() =>
      startParley({
        databaseUrl,
        redisUrl: redis.url,
        limits: { signInPerMinute: 1000 },
        signInBackoff: { freeAttempts: 3, baseSeconds: 30 },
      }),
    ),
  );
  const [a, b] = nodes as [TestParley, TestParley];
  const flexFlowSid = (await demoFlexFlowSid(a.server.core.store)) ?? '';
  await a.api('POST', `/v1/FlexFlows/${flexFlowSid}`, { integrationType: 'task' });
  for (const node of nodes) node.flexFlowSid = flexFlowSid;
  return [a, b] as const;
}

const closedByServer = (socket: Socket) =>
  new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

async function handshake(url: string, token: string): Promise<string> {
  try {
    const socket = await connectAgent(url, token);
    socket.close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

async function signInStatus(url: string, username: string, password: string) {
  const res = await fetch(`${url}/v1/AgentSessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

describe('two nodes', () => {
  it('end on node B the desk of a worker whose password changed on node A', async () => {
    const [a, b] = await twoNodes();
    const { body: ana } = await a.api('POST', '/v1/Workers', {
      friendlyName: 'Ana',
      username: 'ana',
      password: 'pw-test',
    });
    const { token } = await signIn(b.url, 'ana', 'pw-test');
    const socket = await connectAgent(b.url, token);
    sockets.push(socket);
    await request(socket, 'session:sync');

    const closed = closedByServer(socket);
    expect((await a.api('POST', `/v1/Workers/${ana.sid}`, { password: 'new-secret' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(await handshake(b.url, token)).toBe('unauthorized');
    expect(await signInStatus(b.url, 'ana', 'new-secret')).toBe(201);
  });

  it('end on node B the desk of a worker deleted on node A, and requeue the chat it held', async () => {
    const [a, b] = await twoNodes();
    const { body: ana } = await a.api('POST', '/v1/Workers', {
      friendlyName: 'Ana',
      username: 'ana',
      password: 'pw-test',
    });
    const { token } = await signIn(b.url, 'ana', 'pw-test');
    const desk = await connectAgent(b.url, token);
    sockets.push(desk);
    await request(desk, 'session:sync');
    await request(desk, 'activity:set', { activity: 'Available' });
    const session = await openWebChannel(a.url, { flexFlowSid: a.flexFlowSid, customerFriendlyName: 'Dana' });
    const visitor = await connectVisitor(a.url, session.token);
    sockets.push(visitor);
    const offered = next<OfferDTO>(desk, 'offer:new');
    await request(visitor, 'message:send', { clientId: 'v1', body: 'Hello' });
    const chat = await request<AgentChatDTO>(desk, 'reservation:accept', {
      reservationSid: (await offered).reservation.sid,
    });

    const closed = closedByServer(desk);
    expect((await a.api('DELETE', `/v1/Workers/${ana.sid}`)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect(await handshake(b.url, token)).toBe('unauthorized');
    expect((await b.api('GET', `/v1/Workers/${ana.sid}`)).status).toBe(404);
    const { body: task } = await b.api('GET', `/v1/Tasks/${chat.task.sid}`);
    expect(task).toMatchObject({ status: 'completed', reason: 'transferred' });
  });

  it('count the sign-in failures of a username on both nodes', async () => {
    const [a, b] = await twoNodes();
    const statuses = [];
    for (const node of [a, b, a, b]) statuses.push(await signInStatus(node.url, 'agent', 'wrong'));
    statuses.push(await signInStatus(a.url, 'agent', 'agent'));
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});
