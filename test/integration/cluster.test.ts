/**
 * Several nodes over PostgreSQL and Redis: two Parley servers on one database, broadcasting
 * through one Redis. Real PostgreSQL 15 and Redis on loopback, started for this file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import type { Ack, AgentChatDTO, MessageDTO, OfferDTO } from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
} from '../helpers/clients.ts';
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

/** Two nodes started at once on an empty database. */
async function twoNodes() {
  const databaseUrl = await postgres.createDatabase();
  nodes = await Promise.all(
    [0, 1].map(() =>
      startParley({
        databaseUrl,
        redisUrl: redis.url,
        limits: { signInPerMinute: 1000, webChannelsPerMinute: 1000 },
      }),
    ),
  );
  // One of the two seeded; both read the demo Flex Flow once the seeding is done.
  const flexFlowSid = (await demoFlexFlowSid(nodes[0]!.server.core.store)) ?? '';
  await nodes[0]!.api('POST', `/v1/FlexFlows/${flexFlowSid}`, { integrationType: 'task' });
  for (const node of nodes) node.flexFlowSid = flexFlowSid;
  return nodes as [TestParley, TestParley];
}

describe('two nodes', () => {
  it('seed the demo data once when they start together on an empty database', async () => {
    const [a, b] = await twoNodes();
    expect((await a.api('GET', '/v1/Workers')).body.workers).toHaveLength(1);
    expect((await b.api('GET', '/v1/FlexFlows')).body.flexFlows).toHaveLength(1);
    expect((await b.api('GET', '/readyz')).body).toMatchObject({ store: 'postgres' });
  });

  it('let a visitor on one node and an agent on the other chat live', async () => {
    const [a, b] = await twoNodes();
    const { token } = await signIn(b.url);
    const agent = await connectAgent(b.url, token);
    sockets.push(agent);
    await request(agent, 'session:sync');
    await request(agent, 'activity:set', { activity: 'Available' });

    const session = await openWebChannel(a.url, { flexFlowSid: a.flexFlowSid, customerFriendlyName: 'Dana' });
    const visitor = await connectVisitor(a.url, session.token);
    sockets.push(visitor);
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(visitor, 'message:send', { clientId: 'v1', body: 'Hello from node A' });
    const offer = await offered;
    expect(offer.firstMessage).toBe('Hello from node A');

    const joined = next<MessageDTO>(visitor, 'message:new', (m) => m.authorRole === 'system');
    await request(agent, 'reservation:accept', { reservationSid: offer.reservation.sid });
    expect((await joined).body).toBe('Alex Morgan joined the chat');

    const toVisitor = next<MessageDTO>(visitor, 'message:new', (m) => m.authorRole === 'agent');
    await request(agent, 'message:send', {
      channelSid: session.channelSid,
      clientId: 'a1',
      body: 'Hello from node B',
    });
    expect((await toVisitor).body).toBe('Hello from node B');
    const toAgent = next<MessageDTO>(agent, 'message:new', (m) => m.body === 'second');
    await request(visitor, 'message:send', { clientId: 'v2', body: 'second' });
    await toAgent;
  });

  it('assign exactly 40 of 80 tasks to 20 workers of capacity 2 when every offer is accepted on both nodes at once', async () => {
    const [a, b] = await twoNodes();
    const accepts: Promise<Ack<AgentChatDTO>>[] = [];
    for (let w = 0; w < 20; w++) {
      const username = `w${w}`;
      await a.api('POST', '/v1/Workers', {
        friendlyName: `Worker ${w}`,
        username,
        password: 'pw-race',
        capacity: 2,
      });
      const { token } = await signIn(a.url, username, 'pw-race');
      const tabs: AgentSocket[] = [await connectAgent(a.url, token), await connectAgent(b.url, token)];
      sockets.push(...tabs);
      for (const tab of tabs) {
        await request(tab, 'session:sync');
        tab.on('offer:new', (offer: OfferDTO) => {
          accepts.push(
            request<Ack<AgentChatDTO>>(tab, 'reservation:accept', { reservationSid: offer.reservation.sid }),
          );
        });
      }
    }
    for (let i = 0; i < 80; i++) {
      const node = i % 2 ? a : b;
      const { channelSid, identity } = await openWebChannel(node.url, { flexFlowSid: node.flexFlowSid });
      await node.api('POST', `/v1/Channels/${channelSid}/Messages`, {
        from: identity,
        body: 'hi',
        clientId: 'c',
      });
    }
    // All available at once, half through each node: both nodes dispatch concurrently.
    const workers = (await a.api('GET', '/v1/Workers')).body.workers.filter(
      (w: { username: string }) => w.username !== 'agent',
    );
    await Promise.all(
      workers.map((w: { sid: string }, i: number) =>
        (i % 2 ? a : b).api('POST', `/v1/Workers/${w.sid}`, { activity: 'Available' }),
      ),
    );

    await expect
      .poll(async () => (await a.api('GET', '/v1/Tasks?status=assigned')).body.tasks.length, {
        timeout: 20_000,
      })
      .toBe(40);
    await Promise.all([a.server.core.idle(), b.server.core.idle()]);
    await new Promise((r) => setTimeout(r, 300));
    const replies = await Promise.all(accepts);
    const won = replies.filter((r) => !('error' in r));
    const lost = replies.filter((r): r is { error: { code: string; message: string } } => 'error' in r);
    expect(won).toHaveLength(40);
    expect(lost).toHaveLength(40);
    for (const l of lost) expect(l.error.code).toBe('conflict');

    const assigned = (await a.api('GET', '/v1/Tasks?status=assigned')).body.tasks as {
      sid: string;
      workerSid: string;
    }[];
    expect(new Set(assigned.map((t) => t.sid)).size).toBe(40);
    const load = new Map<string, number>();
    for (const t of assigned) load.set(t.workerSid, (load.get(t.workerSid) ?? 0) + 1);
    expect([...load.values()].every((n) => n === 2)).toBe(true);
    expect((await b.api('GET', '/v1/Tasks?status=pending')).body.tasks).toHaveLength(40);
  });

  it('fire a timer once across nodes', async () => {
    const [a, b] = await twoNodes();
    const { body: flow } = await a.api('POST', '/v1/Flows', {
      friendlyName: 'wait',
      definition: {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingMessage', next: 'ask' }],
          },
          {
            name: 'ask',
            type: 'send-and-wait-for-reply',
            properties: { body: 'Q?', timeout: '1' },
            transitions: [{ event: 'timeout', next: 'late' }],
          },
          { name: 'late', type: 'send-message', properties: { body: 'Timed out' }, transitions: [] },
        ],
      },
    });
    await b.api('POST', `/v1/FlexFlows/${a.flexFlowSid}`, {
      integrationType: 'studio',
      integration: { flowSid: flow.sid },
    });
    const { body: channel } = await a.api('POST', '/v1/Channels', {
      flexFlowSid: a.flexFlowSid,
      identity: 'timer-1',
    });
    await a.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'timer-1', body: 'hi' });
    await expect
      .poll(
        async () =>
          (await b.api('GET', `/v1/Channels/${channel.sid}/Messages`)).body.messages.map(
            (m: { body: string }) => m.body,
          ),
        {
          timeout: 5000,
        },
      )
      .toContain('Timed out');
    await new Promise((r) => setTimeout(r, 600));
    const bodies = (await a.api('GET', `/v1/Channels/${channel.sid}/Messages`)).body.messages.map(
      (m: { body: string }) => m.body,
    );
    expect(bodies.filter((x: string) => x === 'Timed out')).toHaveLength(1);
  });
});
