/**
 * Floods (findings 1, 3 and 8): syncs of a full chat on a socket that never reads and on 200
 * sockets at once, 20,000 small events from one socket while an agent holds the chat, a
 * thousand sockets from one token, slowloris, and a rebound Host claiming `self`.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type Socket as TcpSocket, connect as tcpConnect } from 'node:net';
import type { Socket } from 'socket.io-client';
import {
  type Attack,
  ask,
  connectSocket,
  fillChat,
  makeAgent,
  nextEvent,
  openChat,
  taskFlexFlow,
  tcpOf,
  untilDisconnected,
} from './tools.ts';

/** A POST with headers fetch would not send as given (Host). */
function rawPost(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// --- the attacks ----------------------------------------------------------------------------

export const syncFloodUnread: Attack = {
  finding: '1',
  name: 'messages:sync flood on a socket that never reads',
  async prepare(attacker) {
    const chat = await openChat(attacker, await taskFlexFlow(attacker.target));
    await fillChat(attacker, chat.token, 250);
    return chat;
  },
  async run(attacker, chat) {
    const socket = await connectSocket(attacker, '/webchat', (chat as { token: string }).token);
    tcpOf(socket)?.pause();
    const syncs = 3_000 * attacker.scale;
    for (let i = 0; i < syncs; i++) socket.emit('messages:sync', { afterIndex: -1 }, () => {});
    // Reading again shows what the server did meanwhile: replies, or the end of the connection.
    await new Promise((resolve) => setImmediate(resolve));
    tcpOf(socket)?.resume();
    const cutOff = await untilDisconnected(socket, 20_000);
    socket.close();
    return {
      tried: syncs,
      seen: cutOff ? 'refused over budget, then disconnected' : 'still connected',
      checks: { 'the socket is disconnected': cutOff },
    };
  },
};

export const syncFloodParallel: Attack = {
  finding: '1',
  name: '200 sockets on one session, each syncing a full chat while reading',
  async prepare(attacker) {
    const chat = await openChat(attacker, await taskFlexFlow(attacker.target));
    await fillChat(attacker, chat.token, 250);
    return chat;
  },
  async run(attacker, chat) {
    const { token } = chat as { token: string };
    const attempts = await Promise.allSettled(
      Array.from({ length: 200 }, () => connectSocket(attacker, '/webchat', token)),
    );
    const sockets = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    let syncs = 0;
    let largest = 0;
    const rounds = 5 * attacker.scale;
    for (let round = 0; round < rounds; round++) {
      const replies = await Promise.all(
        sockets.map((s) =>
          ask<{ messages?: unknown[]; error?: unknown }>(s, 'messages:sync', { afterIndex: -1 }),
        ),
      );
      syncs += sockets.length;
      for (const reply of replies) largest = Math.max(largest, JSON.stringify(reply ?? '').length);
    }
    for (const s of sockets) s.close();
    return {
      tried: 200 + syncs,
      seen: `${sockets.length} of 200 connections accepted; largest sync reply ${(largest / 1024).toFixed(0)} KB`,
      checks: {
        'at most 20 sockets for one session': sockets.length <= 20,
        'a sync reply is at most 400 KB': largest <= 400 * 1024,
      },
    };
  },
};

export const eventFlood: Attack = {
  finding: '3',
  name: '20,000 typing/read/context/refresh/sync events from one socket, an agent holding the chat',
  async prepare(attacker) {
    const { target } = attacker;
    const flexFlowSid = await taskFlexFlow(target);
    const session = await makeAgent(attacker, 'Flooded');
    const agent = await connectSocket(attacker, '/agent', session.token);
    await ask(agent, 'session:sync');
    await ask(agent, 'activity:set', { activity: 'Available' });
    const chat = await openChat(attacker, flexFlowSid);
    // The agent must hold this chat, not one left waiting by an earlier attack.
    const offered = nextEvent<{ reservation: { sid: string }; channel: { sid: string } }>(
      agent,
      'offer:new',
      30_000,
      (offer) => offer.channel.sid === chat.channelSid,
    );
    const visitor = await connectSocket(attacker, '/webchat', chat.token);
    await ask(visitor, 'message:send', { clientId: 'hello', body: 'hello' });
    const offer = await offered;
    if (!offer) throw new Error('the chat was not offered to the agent within 30 s');
    await ask(agent, 'reservation:accept', { reservationSid: offer.reservation.sid });
    return { agent, visitor };
  },
  async run(attacker, prepared) {
    const { target, scale } = attacker;
    const { agent, visitor } = prepared as { agent: Socket; visitor: Socket };
    let agentBytes = 0;
    agent.onAny((_event, payload) => {
      agentBytes += JSON.stringify(payload ?? null).length;
    });
    const events = 20_000 * scale;
    for (let i = 0; i < events; i++) {
      switch (i % 5) {
        case 0:
          visitor.emit('typing:start');
          break;
        case 1:
          visitor.emit('channel:read', { index: 0 });
          break;
        case 2:
          visitor.emit('context:update', { pageUrl: `${target.url}/page/${i}` });
          break;
        case 3:
          visitor.emit('session:refresh', {}, () => {});
          break;
        default:
          visitor.emit('messages:sync', { afterIndex: -1 }, () => {});
      }
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    const cutOff = await untilDisconnected(visitor, 20_000);
    await ask(agent, 'session:sync');
    agent.close();
    visitor.close();
    return {
      tried: events,
      seen: `the agent desktop received ${(agentBytes / 1024).toFixed(0)} KB; visitor ${cutOff ? 'disconnected' : 'still connected'}`,
      checks: {
        'the flooding socket is disconnected': cutOff,
        'the agent desktop receives under 256 KB': agentBytes < 256 * 1024,
      },
    };
  },
};

export const connectionFlood: Attack = {
  finding: '8',
  name: '1,000 sockets from one token',
  prepare: (attacker) => openChat(attacker),
  async run(attacker, chat) {
    const count = 1_000 * attacker.scale;
    const { token } = chat as { token: string };
    const attempts = await Promise.allSettled(
      Array.from({ length: count }, () => connectSocket(attacker, '/webchat', token)),
    );
    const open = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const s of open) s.close();
    return {
      tried: count,
      seen: `${open.length} accepted`,
      checks: { 'at most 20 sockets for one session': open.length <= 20 },
    };
  },
};

export const slowloris: Attack = {
  finding: '8',
  name: 'slowloris: connections that never finish their headers',
  async run({ target, address, scale }) {
    const { port } = new URL(target.url);
    const count = Math.round(1_200 * scale);
    const sockets: TcpSocket[] = [];
    let closedByServer = 0;
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve) => {
            const socket = tcpConnect(
              { port: Number(port), host: '127.0.0.1', localAddress: address },
              () => {
                socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
                resolve();
              },
            );
            socket.on('error', () => resolve());
            socket.on('close', () => {
              closedByServer++;
              resolve();
            });
            sockets.push(socket);
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const descriptors = target.openDescriptors();
    for (const s of sockets) s.destroy();
    return {
      tried: count,
      seen: `${closedByServer} closed by the server at once; ${descriptors} descriptors open in the server`,
      checks: {
        'the server holds at most ~1,000 of them': descriptors < 1_150,
        'the rest are closed at once': closedByServer >= count - 1_000,
      },
    };
  },
};

export const hostileOrigin: Attack = {
  finding: '8',
  name: '`self` claimed through a chosen Host header; CORS and headers on refusals',
  async run({ target }) {
    const evil = 'http://evil.example:8080';
    // A DNS name rebound to Parley's address: the browser sends that name as Host and Origin.
    const res = await rawPost(
      `${target.url}/v1/WebChannels`,
      JSON.stringify({ flexFlowSid: target.flexFlowSid }),
      {
        'content-type': 'application/json',
        origin: evil,
        host: 'evil.example:8080',
      },
    );
    const polling = await fetch(`${target.url}/socket.io/?EIO=4&transport=polling`);
    await polling.text();
    return {
      tried: 2,
      seen: `WebChannels answered ${res.status}; socket.io polling nosniff=${polling.headers.get('x-content-type-options')}`,
      checks: {
        'a rebound Host is not self': res.status === 403,
        'the refusal is not readable cross-origin': res.headers['access-control-allow-origin'] === undefined,
        '/socket.io/ answers with security headers':
          polling.headers.get('x-content-type-options') === 'nosniff',
      },
    };
  },
};
