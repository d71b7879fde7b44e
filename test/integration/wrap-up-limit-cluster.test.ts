/**
 * The wrap-up time limit on two nodes over PostgreSQL and Redis: both run timers, and a chat
 * left wrapping is completed once, by one of them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import type { AgentChatDTO, OfferDTO, WrapUpInfo } from '../../server/protocol.ts';
import type { Task } from '../../server/store/types.ts';
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
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const n of nodes) await n.stop();
  postgres?.stop();
  redis?.stop();
});

it('completes a chat left wrapping once, on one of two nodes', async () => {
  const databaseUrl = await postgres.createDatabase();
  nodes = await Promise.all(
    [0, 1].map(() => startParley({ databaseUrl, redisUrl: redis.url, limits: { signInPerMinute: 1000 } })),
  );
  const [a, b] = nodes as [TestParley, TestParley];
  const flexFlowSid = (await demoFlexFlowSid(a.server.core.store)) ?? '';
  const updated = await a.api('POST', `/v1/FlexFlows/${flexFlowSid}`, {
    integrationType: 'task',
    integration: { wrapUpSeconds: 1 },
  });
  expect(updated.status).toBe(200);

  // Every completion either node makes, from its own event bus.
  const completions: string[] = [];
  for (const node of nodes) {
    node.server.core.events.on('task.updated', (task: Task) => {
      if (task.status === 'completed') completions.push(task.sid);
    });
  }

  const agent = await connectAgent(b.url, (await signIn(b.url)).token);
  sockets.push(agent);
  await request(agent, 'session:sync');
  await request(agent, 'activity:set', { activity: 'Available' });

  async function wrappedChat(name: string) {
    const session = await openWebChannel(a.url, { flexFlowSid, customerFriendlyName: name });
    const visitor = await connectVisitor(a.url, session.token);
    sockets.push(visitor);
    const offered = next<OfferDTO>(agent, 'offer:new', (o) => o.customerName === name, 10_000);
    await request(visitor, 'message:send', { clientId: `c-${name}`, body: 'Hello' });
    const { reservation } = await offered;
    const chat = await request<AgentChatDTO>(agent, 'reservation:accept', {
      reservationSid: reservation.sid,
    });
    const completed = next<AgentChatDTO>(
      agent,
      'chat:updated',
      (c) => c.task.sid === chat.task.sid && c.task.status === 'completed',
      10_000,
    );
    await request(agent, 'task:wrap', { taskSid: chat.task.sid });
    return { taskSid: chat.task.sid, completed };
  }

  const first = await wrappedChat('Dana');
  const done = await first.completed;
  expect((done.task.attributes.wrapUp as WrapUpInfo).autoCompleted).toBe(true);
  // A second limit, due later, fires after both nodes' schedulers have passed the first one's
  // due time several times: had either node acted on it again, it would show by then.
  const second = await wrappedChat('Eli');
  await second.completed;
  expect(completions.filter((sid) => sid === first.taskSid)).toHaveLength(1);
  expect(completions.filter((sid) => sid === second.taskSid)).toHaveLength(1);
}, 120_000);
