/**
 * A supervisor and an agent on different nodes (PostgreSQL and Redis, started for this file):
 * whispers and a supervisor's Join cross nodes through the adapter, and whispers still never
 * reach the visitor.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import type { AgentChatDTO, MessageDTO, OfferDTO, SyncReply, WhisperDTO } from '../../server/protocol.ts';
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

async function twoNodes(): Promise<[TestParley, TestParley]> {
  const databaseUrl = await postgres.createDatabase();
  const start = () =>
    startParley({
      databaseUrl,
      redisUrl: redis.url,
      limits: { signInPerMinute: 1000, webChannelsPerMinute: 1000 },
    });
  const [a, b] = await Promise.all([start(), start()]);
  nodes = [a, b];
  // One of the two seeded the demo Flex Flow; both route its chats straight to an agent.
  const flexFlowSid = (await demoFlexFlowSid(a.server.core.store)) ?? '';
  await a.api('POST', `/v1/FlexFlows/${flexFlowSid}`, { integrationType: 'task' });
  a.flexFlowSid = flexFlowSid;
  b.flexFlowSid = flexFlowSid;
  return [a, b];
}

async function desk(node: TestParley, username: string, password: string) {
  const { token } = await signIn(node.url, username, password);
  const socket = await connectAgent(node.url, token);
  sockets.push(socket);
  await request(socket, 'session:sync');
  return socket;
}

describe('a supervisor on another node', () => {
  it('whispers to the agent and joins the chat across nodes, and the visitor never gets a whisper', async () => {
    const [a, b] = await twoNodes();
    const agent = await desk(b, 'agent', 'agent');
    await request(agent, 'activity:set', { activity: 'Available' });
    const made = await a.api('POST', '/v1/Workers', {
      friendlyName: 'Sam',
      username: 'sam',
      password: 'pw-test',
      attributes: { roles: ['supervisor'] },
    });
    expect(made.status).toBe(201);
    const sam = await desk(a, 'sam', 'pw-test');

    const session = await openWebChannel(a.url, { flexFlowSid: a.flexFlowSid, customerFriendlyName: 'Dana' });
    const visitor = await connectVisitor(a.url, session.token);
    sockets.push(visitor);
    const heard: string[] = [];
    visitor.onAny((event, payload) => heard.push(`${event} ${JSON.stringify(payload)}`));
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(visitor, 'message:send', { clientId: 'v1', body: 'Hello' });
    const chat = await request<AgentChatDTO>(agent, 'reservation:accept', {
      reservationSid: (await offered).reservation.sid,
    });
    const channelSid = chat.channel.sid;
    await request<SyncReply>(sam, 'messages:sync', { channelSid, afterIndex: -1 });

    const toAgent = next<WhisperDTO>(agent, 'whisper:new');
    await request(sam, 'whisper:send', { channelSid, body: 'Across nodes: SECRET-7' });
    expect((await toAgent).authorName).toBe('Sam');
    const toSam = next<WhisperDTO>(sam, 'whisper:new');
    await request(agent, 'whisper:send', { channelSid, body: 'Got it SECRET-8' });
    await toSam;

    const joined = next<MessageDTO>(visitor, 'message:new', (m) => m.body === 'Sam joined the chat');
    await request(sam, 'supervisor:join', { channelSid });
    await joined;
    const agentGets = next<MessageDTO>(agent, 'message:new', (m) => m.body === 'From node A');
    await request(sam, 'message:send', { channelSid, clientId: 's1', body: 'From node A' });
    await agentGets;

    const reply = next<MessageDTO>(visitor, 'message:new', (m) => m.body === 'From node B');
    await request(agent, 'message:send', { channelSid, clientId: 'a1', body: 'From node B' });
    await reply;
    expect(heard.join('\n')).not.toMatch(/SECRET|whisper/);
  });
});
