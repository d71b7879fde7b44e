/**
 * The `/agent` namespace's handlers are defined once for the namespace: a connected desk's
 * socket holds one `onAny` listener (the shared dispatcher) and no listener per event, and its
 * events still run through budgets, schemas and acks as before. Real Socket.IO server on port 0
 * (with the server's side of each socket in reach), real socket.io-client desks, real TCP.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Namespace, Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentSyncReply, OfferDTO } from '../../server/protocol.ts';
import { attachRealtime } from '../../server/realtime/index.ts';
import { type AgentSocket, connectAgent, next, request } from '../helpers/clients.ts';
import { createTestCore } from '../helpers/core.ts';

type Ack<T> = T | { error: { code: string; message: string } };

/** Every event the namespace handles, as the desk sends them. */
const EVENTS = [
  'session:sync',
  'activity:set',
  'reservation:accept',
  'reservation:reject',
  'messages:sync',
  'message:send',
  'typing:start',
  'channel:read',
  'task:wrap',
  'task:complete',
  'transfer:targets',
  'task:transfer',
  'interaction:create',
  'supervisor:sync',
  'watch:stop',
  'supervisor:join',
  'supervisor:leave',
  'whisper:send',
  'whispers:sync',
];

interface Running {
  url: string;
  io: Server;
  agents: Namespace;
  test: Awaited<ReturnType<typeof createTestCore>>;
}

let running: Running | undefined;
const desks: AgentSocket[] = [];

afterEach(async () => {
  for (const desk of desks.splice(0)) desk.close();
  if (!running) return;
  const { io, test } = running;
  running = undefined;
  await io.close();
  await test.close();
});

async function start(): Promise<Running> {
  const test = await createTestCore();
  const http: HttpServer = createServer();
  const io = attachRealtime(http, test.core, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  running = { url: `http://127.0.0.1:${port}`, io, agents: io.of('/agent'), test };
  return running;
}

async function desk(url: string, test: Running['test']) {
  const { token } = await test.core.agents.signIn('agent', 'agent');
  const socket = await connectAgent(url, token);
  desks.push(socket);
  return socket;
}

/** The server's side of a connected desk. */
function serverSide(agents: Namespace, desk: AgentSocket) {
  const socket = agents.sockets.get(desk.id as string);
  if (!socket) throw new Error(`no server socket ${desk.id}`);
  return socket;
}

describe('the /agent namespace', () => {
  it('gives each socket the one shared dispatcher and no listener of its own per event', async () => {
    const { url, agents, test } = await start();
    const first = await desk(url, test);
    const second = await desk(url, test);
    // Both desks in use, so nothing is registered lazily later.
    await request(first, 'session:sync');
    await request(second, 'transfer:targets');
    const [a, b] = [serverSide(agents, first), serverSide(agents, second)];
    for (const socket of [a, b]) {
      expect(socket.listenersAny()).toHaveLength(1);
      for (const event of EVENTS) expect(socket.listeners(event), event).toHaveLength(0);
    }
    expect(a.listenersAny()[0]).toBe(b.listenersAny()[0]);
    // What stays per socket is its 'disconnect' listeners, and those are shared too.
    expect(a.listeners('disconnect').length).toBeGreaterThan(0);
    expect(a.listeners('disconnect')).toEqual(b.listeners('disconnect'));
  });

  it('acks an event it does not know unknown_event, within a budget of their own', async () => {
    const { url, test } = await start();
    const socket = await desk(url, test);
    expect(await request(socket, 'no:such-event')).toEqual({
      error: { code: 'unknown_event', message: 'There is no event "no:such-event" on this namespace' },
    });
    // 30 a minute for a desk: the next past those is refused before it is looked at.
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => request<Ack<unknown>>(socket, 'no:such-event')),
    );
    expect(replies.map((r) => (r as { error: { code: string } }).error.code)).toEqual([
      ...Array(29).fill('unknown_event'),
      'rate_limited',
    ]);
    // A bad payload for a known event is still the schema's refusal.
    expect(await request(socket, 'activity:set', { activity: 42 })).toMatchObject({
      error: { code: 'invalid_request' },
    });
  });

  it('syncs, accepts an offer and sends: a new message acked without itself, a retry with the stored one', async () => {
    const { url, test } = await start();
    const socket = await desk(url, test);
    const state = await request<AgentSyncReply>(socket, 'session:sync');
    expect(state).toMatchObject({ worker: { friendlyName: expect.any(String) }, chats: [] });
    await request(socket, 'activity:set', { activity: 'Available' });

    const offered = next<OfferDTO>(socket, 'offer:new');
    const { contact, channel } = await test.customer();
    await test.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hello' });
    const offer = await offered;
    const chat = await request<{ channel: { sid: string } }>(socket, 'reservation:accept', {
      reservationSid: offer.reservation.sid,
    });
    expect(chat.channel.sid).toBe(channel.sid);

    const send = { channelSid: channel.sid, clientId: 'a1', body: 'Hi, how can I help?' };
    const sent = await request<Record<string, unknown>>(socket, 'message:send', send);
    expect(Object.keys(sent).sort()).toEqual(['dateCreated', 'index', 'sid']);
    expect(sent).toEqual({
      sid: expect.any(String),
      index: expect.any(Number),
      dateCreated: expect.any(String),
    });

    const again = await request<Record<string, unknown>>(socket, 'message:send', {
      ...send,
      body: 'a retry carrying other words',
    });
    expect(again).toEqual({
      ...sent,
      message: expect.objectContaining({ sid: sent.sid, index: sent.index, body: send.body }),
    });
    const stored = await test.store.messages.list(channel.sid, { limit: 100 });
    expect(stored.filter((m) => m.body === send.body)).toHaveLength(1);
  });

  it('keeps authorisation per worker: a chat the desk does not hold is refused', async () => {
    const { url, test } = await start();
    const socket = await desk(url, test);
    const { channel } = await test.customer();
    expect(
      await request(socket, 'message:send', { channelSid: channel.sid, clientId: 'x', body: 'not mine' }),
    ).toMatchObject({ error: { code: expect.any(String) } });
    expect(await request(socket, 'whispers:sync', { channelSid: channel.sid })).toMatchObject({
      error: { code: expect.any(String) },
    });
  });
});
