import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentChatDTO, MessageDTO, OfferDTO, SentAck, SyncReply } from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
  type VisitorSocket,
} from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
const sockets: { close(): void }[] = [];

beforeEach(async () => {
  parley = await startParley();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await parley.stop();
});

async function availableAgent(): Promise<AgentSocket> {
  const { token } = await signIn(parley.url);
  const agent = await connectAgent(parley.url, token);
  sockets.push(agent);
  await request(agent, 'session:sync');
  await request(agent, 'activity:set', { activity: 'Available' });
  return agent;
}

async function visitor(name = 'Dana'): Promise<{ socket: VisitorSocket; channelSid: string; token: string }> {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  sockets.push(socket);
  return { socket, channelSid: session.channelSid, token: session.token };
}

describe('a whole conversation', () => {
  it('routes the first message to the agent, who accepts, and both see each other', async () => {
    const agent = await availableAgent();
    const dana = await visitor('Dana');
    const offered = next<OfferDTO>(agent, 'offer:new');
    const sent = await request<SentAck>(dana.socket, 'message:send', {
      clientId: 'c1',
      body: 'Where is my order?',
    });
    expect(sent.index).toBe(0);

    const offer = await offered;
    expect(offer.customerName).toBe('Dana');
    expect(offer.firstMessage).toBe('Where is my order?');

    const joined = next<MessageDTO>(dana.socket, 'message:new', (m) => m.authorRole === 'system');
    const chat = await request<AgentChatDTO>(agent, 'reservation:accept', {
      reservationSid: offer.reservation.sid,
    });
    expect(chat.task.status).toBe('assigned');
    expect((await joined).body).toBe('Alex Morgan joined the chat');

    const toAgent = next<MessageDTO>(agent, 'message:new', (m) => m.authorRole === 'customer');
    await request(dana.socket, 'message:send', { clientId: 'c2', body: 'Order 1234' });
    expect((await toAgent).body).toBe('Order 1234');

    const toVisitor = next<MessageDTO>(dana.socket, 'message:new', (m) => m.authorRole === 'agent');
    const reply = await request<SentAck>(agent, 'message:send', {
      channelSid: dana.channelSid,
      clientId: 'a1',
      body: 'It ships today',
    });
    const received = await toVisitor;
    expect(received).toMatchObject({ body: 'It ships today', authorName: 'Alex Morgan', index: reply.index });

    const history = await request<SyncReply>(dana.socket, 'messages:sync', { afterIndex: -1 });
    expect(history.messages.map((m) => m.index)).toEqual([0, 1, 2, 3]);
    expect(history.messages.map((m) => m.authorRole)).toEqual(['customer', 'system', 'customer', 'agent']);
  });

  it('shows typing both ways and the read horizon', async () => {
    const agent = await availableAgent();
    const dana = await visitor();
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    await request(agent, 'reservation:accept', { reservationSid: (await offered).reservation.sid });

    const agentSeesTyping = next<{ role: string }>(agent, 'typing:start', (e) => e.role === 'customer');
    dana.socket.emit('typing:start');
    expect((await agentSeesTyping).role).toBe('customer');

    const visitorSeesTyping = next<{ friendlyName: string }>(
      dana.socket,
      'typing:start',
      (e) => e.friendlyName === 'Alex Morgan',
    );
    agent.emit('typing:start', { channelSid: dana.channelSid });
    await visitorSeesTyping;

    const seen = next<{ role: string; lastReadIndex: number }>(
      dana.socket,
      'member:updated',
      (m) => m.role === 'agent',
    );
    agent.emit('channel:read', { channelSid: dana.channelSid, index: 1 });
    expect((await seen).lastReadIndex).toBe(1);
  });

  it('ends the chat: wrapping closes the channel, complete frees the agent', async () => {
    const agent = await availableAgent();
    const dana = await visitor();
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    const chat = await request<AgentChatDTO>(agent, 'reservation:accept', {
      reservationSid: (await offered).reservation.sid,
    });

    const inactive = next<{ status: string }>(dana.socket, 'channel:updated', (c) => c.status === 'inactive');
    const wrapped = await request<{ status: string }>(agent, 'task:wrap', { taskSid: chat.task.sid });
    expect(wrapped.status).toBe('wrapping');
    await inactive;

    const refused = await request<{ error: { code: string } }>(dana.socket, 'message:send', {
      clientId: 'c2',
      body: 'hello?',
    });
    expect(refused.error.code).toBe('conflict');

    const completed = await request<{ status: string }>(agent, 'task:complete', { taskSid: chat.task.sid });
    expect(completed.status).toBe('completed');
    const state = await request<{ chats: unknown[] }>(agent, 'session:sync');
    expect(state.chats).toHaveLength(0);
  });

  it('lets the visitor end the chat and start a new one as the same contact', async () => {
    const dana = await visitor();
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    expect(await request(dana.socket, 'chat:end')).toEqual({ ok: true });
    const task = (await parley.api('GET', '/v1/Tasks')).body.tasks[0];
    expect(task.status).toBe('canceled');

    const again = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, token: dana.token });
    expect(again.channelSid).not.toBe(dana.channelSid);
    const first = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, token: dana.token });
    expect(first.channelSid).toBe(again.channelSid);
  });
});

describe('delivery', () => {
  it('returns the original message for a retried clientId, never a second one', async () => {
    const dana = await visitor();
    const first = await request<SentAck>(dana.socket, 'message:send', { clientId: 'same', body: 'Once' });
    // A new message: what only the server knows, not the message the visitor just wrote.
    expect(first).toEqual({ sid: expect.any(String), index: 0, dateCreated: expect.any(String) });
    const retry = await request<SentAck>(dana.socket, 'message:send', { clientId: 'same', body: 'Once' });
    const { messages } = await request<SyncReply>(dana.socket, 'messages:sync', { afterIndex: -1 });
    expect(messages).toHaveLength(1);
    const [stored] = messages;
    expect(stored).toMatchObject({ sid: first.sid, index: 0, dateCreated: first.dateCreated, body: 'Once' });
    // A repeat: the message as stored, which the sender shows instead of what it sent again.
    expect(retry).toEqual({ ...first, message: stored });
    const changed = await request<SentAck>(dana.socket, 'message:send', { clientId: 'same', body: 'Twice' });
    expect(changed).toEqual({ ...first, message: stored });
  });

  it('catches a reconnecting visitor up from the last index it holds', async () => {
    const agent = await availableAgent();
    const dana = await visitor();
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    await request(agent, 'reservation:accept', { reservationSid: (await offered).reservation.sid });
    dana.socket.disconnect();
    for (const body of ['one', 'two', 'three']) {
      await request(agent, 'message:send', { channelSid: dana.channelSid, clientId: body, body });
    }
    dana.socket.connect();
    await next(dana.socket, 'connect');
    const caught = await request<SyncReply>(dana.socket, 'messages:sync', { afterIndex: 0 });
    expect(caught.messages.map((m) => [m.index, m.body])).toEqual([
      [1, 'Alex Morgan joined the chat'],
      [2, 'one'],
      [3, 'two'],
      [4, 'three'],
    ]);
  });
});

describe('the visitor’s page', () => {
  it('follows single-page-app navigation into the channel, where the agent sees it', async () => {
    const agent = await availableAgent();
    const dana = await visitor();
    const offered = next<OfferDTO>(agent, 'offer:new');
    await request(dana.socket, 'message:send', { clientId: 'c1', body: 'Hi' });
    await request(agent, 'reservation:accept', { reservationSid: (await offered).reservation.sid });
    const updated = next<{ attributes: { pageUrl?: string } }>(
      agent,
      'channel:updated',
      (c) => c.attributes.pageUrl === 'https://shop.example/cart',
    );
    dana.socket.emit('context:update', { pageUrl: 'https://shop.example/cart' });
    await updated;
    const channel = (await parley.api('GET', `/v1/Channels/${dana.channelSid}`)).body;
    expect(channel.attributes.pageUrl).toBe('https://shop.example/cart');
  });
});
