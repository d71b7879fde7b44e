/**
 * Transfer, queue positions and the supervisor view over real sockets: agents on `/agent`,
 * visitors on `/webchat`.
 */

import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Ack,
  AgentChatDTO,
  MemberRemovedEvent,
  MessageDTO,
  OfferDTO,
  QueuePositionEvent,
  SupervisorSnapshot,
  SyncReply,
  TaskDTO,
  TransferTargets,
} from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
} from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
const sockets: { close(): void }[] = [];
beforeEach(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await parley.stop();
});

/** A worker signed in on a desktop socket, Available unless told otherwise. */
async function agent(name: string, attributes: Record<string, unknown> = {}, activity = 'Available') {
  const username = name.toLowerCase();
  const { body } = await parley.api('POST', '/v1/Workers', {
    friendlyName: name,
    username,
    password: 'pw-test',
    capacity: 2,
    attributes,
  });
  const { token } = await signIn(parley.url, username, 'pw-test');
  const socket = await connectAgent(parley.url, token);
  sockets.push(socket);
  await request(socket, 'session:sync');
  await request(socket, 'activity:set', { activity });
  return { sid: body.sid as string, socket };
}

async function visitor(name: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  sockets.push(socket);
  return { ...session, socket };
}

async function takeChat(socket: AgentSocket, offer: Promise<OfferDTO>) {
  return request<AgentChatDTO>(socket, 'reservation:accept', {
    reservationSid: (await offer).reservation.sid,
  });
}

describe('transfer', () => {
  it('hands a chat to a named agent with a note: history and note go along, the first agent leaves', async () => {
    const ana = await agent('Ana');
    const dana = await visitor('Dana');
    const offered = next<OfferDTO>(ana.socket, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'My invoice is wrong' });
    const chat = await takeChat(ana.socket, offered);
    const ben = await agent('Ben');

    const targets = await request<TransferTargets>(ana.socket, 'transfer:targets', {});
    expect(targets.workers.map((w) => w.friendlyName)).toEqual(['Ben']);
    expect(targets.queues.length).toBeGreaterThan(0);

    const toBen = next<OfferDTO>(ben.socket, 'offer:new');
    const anaLeft = next<MemberRemovedEvent>(dana.socket, 'member:removed');
    const anaDone = next<AgentChatDTO>(ana.socket, 'chat:updated', (c) => c.task.status === 'completed');
    const transferred = await request<TaskDTO>(ana.socket, 'task:transfer', {
      taskSid: chat.task.sid,
      workerSid: ben.sid,
      note: 'Billing question, customer is upset',
    });
    expect(transferred).toMatchObject({ status: 'pending', channelSid: dana.channelSid });
    expect(await anaLeft).toMatchObject({ identity: ana.sid, role: 'agent', friendlyName: 'Ana' });
    expect((await anaDone).task.reason).toBe('transferred');

    const offer = await toBen;
    expect(offer.transfer).toMatchObject({ fromName: 'Ana', note: 'Billing question, customer is upset' });
    const joined = next<MessageDTO>(dana.socket, 'message:new', (m) => m.body === 'Ben joined the chat');
    await request(ben.socket, 'reservation:accept', { reservationSid: offer.reservation.sid });
    await joined;
    const history = await request<SyncReply>(ben.socket, 'messages:sync', {
      channelSid: dana.channelSid,
      afterIndex: -1,
    });
    expect(history.messages.map((m) => m.body)).toEqual([
      'My invoice is wrong',
      'Ana joined the chat',
      'Ana transferred the chat',
      'Ben joined the chat',
    ]);
    const refused = await request<Ack<SyncReply>>(ana.socket, 'messages:sync', {
      channelSid: dana.channelSid,
      afterIndex: -1,
    });
    expect(refused).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('sends a chat to a queue, never back to the agent who transferred it', async () => {
    const ana = await agent('Ana', { team: 'sales' });
    const dana = await visitor('Dana');
    const offered = next<OfferDTO>(ana.socket, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    const chat = await takeChat(ana.socket, offered);
    const { body: support } = await parley.api('POST', '/v1/TaskQueues', {
      friendlyName: 'Support',
      targetWorkers: 'team == "support"',
    });
    const cy = await agent('Cy', { team: 'support' });
    const toCy = next<OfferDTO>(cy.socket, 'offer:new');
    await request(ana.socket, 'task:transfer', { taskSid: chat.task.sid, queueSid: support.sid });
    expect((await toCy).task).toMatchObject({ queueSid: support.sid });
  });

  it('refuses a transfer to an agent who is not available, and a request naming no target', async () => {
    const ana = await agent('Ana');
    const dana = await visitor('Dana');
    const offered = next<OfferDTO>(ana.socket, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    const chat = await takeChat(ana.socket, offered);
    const away = await agent('Away', {}, 'Unavailable');
    const busy = await request<Ack<TaskDTO>>(ana.socket, 'task:transfer', {
      taskSid: chat.task.sid,
      workerSid: away.sid,
    });
    expect(busy).toMatchObject({ error: { code: 'conflict' } });
    const none = await request<Ack<TaskDTO>>(ana.socket, 'task:transfer', { taskSid: chat.task.sid });
    expect(none).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('queue position', () => {
  it('tells a waiting visitor their place in line and moves them up as others are taken', async () => {
    const first = await visitor('First');
    await request(first.socket, 'message:send', { clientId: 'c1', body: 'one' });
    const second = await visitor('Second');
    const secondPlace = next<QueuePositionEvent>(second.socket, 'queue:position', (e) => e.position === 2);
    await request(second.socket, 'message:send', { clientId: 'c1', body: 'two' });
    expect(await secondPlace).toMatchObject({
      channelSid: second.channelSid,
      position: 2,
      estimatedWaitSeconds: null,
    });

    const movedUp = next<QueuePositionEvent>(second.socket, 'queue:position', (e) => e.position === 1);
    const firstDone = next<QueuePositionEvent>(first.socket, 'queue:position', (e) => e.position === null);
    const ana = await agent('Ana', {}, 'Unavailable');
    const offered = next<OfferDTO>(ana.socket, 'offer:new', (o) => o.customerName === 'First');
    await request(ana.socket, 'activity:set', { activity: 'Available' });
    await takeChat(ana.socket, offered);
    await firstDone;
    await parley.api('POST', `/v1/Workers/${ana.sid}`, { activity: 'Unavailable' });
    const second2 = await movedUp;
    expect(second2.position).toBe(1);

    // Listening before the connection is up, as the widget does: the position comes right after it.
    const reconnected = io(`${parley.url}/webchat`, {
      auth: { token: second.token },
      transports: ['websocket'],
      extraHeaders: { origin: parley.url },
      forceNew: true,
    });
    sockets.push(reconnected);
    const onConnect = await next<QueuePositionEvent>(reconnected, 'queue:position');
    expect(onConnect).toMatchObject({ position: 1, estimatedWaitSeconds: expect.any(Number) });
  });
});

describe('the supervisor view', () => {
  it('shows queues with waiting tasks and agents with load, only to supervisors, and pushes changes', async () => {
    const boss = await agent('Boss', { roles: ['supervisor'] }, 'Unavailable');
    const plain = await agent('Plain', {}, 'Unavailable');
    const refused = await request<Ack<SupervisorSnapshot>>(plain.socket, 'supervisor:sync', {});
    expect(refused).toMatchObject({ error: { code: 'forbidden' } });

    const snapshot = await request<SupervisorSnapshot>(boss.socket, 'supervisor:sync', {});
    expect(snapshot.workers.find((w) => w.friendlyName === 'Boss')).toMatchObject({
      supervisor: true,
      load: 0,
    });
    const pushed = next<SupervisorSnapshot>(boss.socket, 'supervisor:updated', (s) =>
      s.queues.some((q) => q.waiting === 1),
    );
    const dana = await visitor('Dana');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'anyone?' });
    const update = await pushed;
    const queue = update.queues.find((q) => q.waiting === 1);
    expect(queue?.tasks[0]).toMatchObject({ name: 'Dana', status: 'pending' });
    expect(queue?.longestWaitSeconds).toBeGreaterThanOrEqual(0);
  });
});
