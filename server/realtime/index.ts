/**
 * Socket.IO on the HTTP server: the `/webchat` and `/agent` namespaces, and the publishing of
 * the core's events to the rooms that should see them.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { type Namespace, Server, type Socket } from 'socket.io';
import type { Core, Logger } from '../core/index.ts';
import { addressKey, createWindows } from '../core/rate-counter.ts';
import { clientAddress, parseTrustProxy, type TrustProxy } from '../http/proxy-trust.ts';
import type { AgentServerEvents, WebchatServerEvents } from '../protocol.ts';
import { type AgentNamespace, attachAgent } from './agent.ts';
import { publishSupervision } from './agent-routing.ts';
import { DEFAULT_MAX_QUEUED_BYTES, enforceBackpressure } from './backpressure.ts';
import { AGENT_BUDGETS, DEFAULT_MESSAGE_LIMITS, type MessageLimits, webchatBudgets } from './budgets.ts';
import {
  type ConnectionLimits,
  createConnectionGate,
  createTransportGate,
  DEFAULT_CONNECTION_LIMITS,
  refuseMainNamespace,
  type TrackedConnection,
} from './connection-gate.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { attachWebchat, type WebchatNamespace } from './webchat.ts';

export interface RealtimeOptions {
  /** Largest frame a client may send; chat needs little. */
  maxHttpBufferSize?: number;
  /** Message rate limits on /webchat. */
  messageLimits?: MessageLimits;
  /** Open sockets per session and per address. */
  connectionLimits?: ConnectionLimits;
  /** False lifts the per-event budgets (load tests driving one session hard); on by default. */
  eventBudgets?: boolean;
  /** Bytes that may wait for one client before it is cut off. */
  maxQueuedBytes?: number;
  /** Which proxies' X-Forwarded-For is believed (default: loopback). */
  trustProxy?: TrustProxy;
  /** Times each acknowledged request by namespace and event (delivery latency in /metrics). */
  timeRequest?: (namespace: string, event: string) => () => void;
}

const HANDSHAKE_WINDOW_MS = 10_000;

/** Headers on every Engine.IO response (long-polling and the WebSocket upgrade). */
const SOCKET_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

export function attachRealtime(
  httpServer: HttpServer,
  core: Core,
  log: Logger,
  options: RealtimeOptions = {},
) {
  const trust = options.trustProxy ?? parseTrustProxy(undefined);
  const connectionLimits = options.connectionLimits ?? DEFAULT_CONNECTION_LIMITS;
  const handshakes = createWindows();
  const transports = createTransportGate(connectionLimits.connectionsPerIp);
  const io = new Server(httpServer, {
    // New connections per address (half the open-socket limit per 10 s), counted before
    // the WebSocket upgrade or any namespace work: a burst of handshakes from one address is
    // refused for the price of a counter, and clients retry with backoff. Counted per node,
    // since each node pays for its own handshakes.
    allowRequest(req, callback) {
      const address = addressKey(
        clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trust),
      );
      const allowed =
        handshakes.hit(address, HANDSHAKE_WINDOW_MS) <= connectionLimits.connectionsPerIp / 2 &&
        !transports.full(address);
      callback(allowed ? null : 'too many connections from this address', allowed);
    },
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // The widget runs on customers' sites; each connection's Origin is checked against its
    // Flex Flow's allowedOrigins in the namespace middleware.
    cors: { origin: true, credentials: false },
    serveClient: false,
  });
  io.engine.on('connection', (conn: TrackedConnection & { request: IncomingMessage }) =>
    transports.track(
      conn,
      addressKey(
        clientAddress(conn.request.socket.remoteAddress, conn.request.headers['x-forwarded-for'], trust),
      ),
    ),
  );
  refuseMainNamespace(io);
  const addHeaders = (headers: Record<string, string>) => Object.assign(headers, SOCKET_HEADERS);
  io.engine.on('initial_headers', addHeaders);
  io.engine.on('headers', addHeaders);
  enforceBackpressure(io, options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES, (queued) =>
    log.warn({ queued }, 'client cut off: it stopped reading while its queue grew'),
  );
  const gate = createConnectionGate(connectionLimits, trust);
  const budgetsOn = options.eventBudgets !== false;
  const webchat = io.of('/webchat') as unknown as WebchatNamespace;
  const agent = io.of('/agent') as unknown as AgentNamespace;
  const timeRequest = options.timeRequest;
  // Who connects and why they left: ids only, never the handshake's token. One 'disconnect'
  // listener shared by every socket frees its connection slots and logs it (an idle connection
  // keeps no closure of its own); registered before the namespaces' own 'connection' handlers,
  // so it is in place before anything they do can disconnect the socket.
  const idsOf = (socket: Socket) => {
    const { channelSid, contactSid, workerSid } = socket.data as Record<string, string | undefined>;
    return { namespace: socket.nsp.name, socketId: socket.id, channelSid, contactSid, workerSid };
  };
  function leave(this: Socket, reason: string) {
    gate.leave(this);
    log.info({ ...idsOf(this), reason }, 'socket disconnected');
  }
  for (const nsp of [webchat, agent] as unknown as Namespace[]) {
    nsp.on('connection', (socket) => {
      gate.connected(socket);
      socket.on('disconnect', leave);
      log.info(idsOf(socket), 'socket connected');
    });
  }
  attachWebchat(webchat, core, log, {
    timeRequest: timeRequest && ((event) => timeRequest('/webchat', event)),
    gate,
    budgets: budgetsOn ? webchatBudgets(options.messageLimits ?? DEFAULT_MESSAGE_LIMITS) : null,
  });
  attachAgent(agent, core, log, {
    timeRequest: timeRequest && ((event) => timeRequest('/agent', event)),
    gate,
    budgets: budgetsOn ? AGENT_BUDGETS : null,
  });

  const { events } = core;
  // Socket.IO encodes a broadcast before it looks for its recipients. With its own in-memory
  // adapter (one node) the rooms here are all there is, so a broadcast that would reach nobody
  // (a chat no agent holds yet, a visitor whose only socket sent the message) is not encoded at
  // all. With the Redis adapter (set later, several nodes) every broadcast goes out.
  const localAdapter = webchat.adapter.constructor;
  function reachesAnyone(nsp: Namespace, room: string, except?: string) {
    if (nsp.adapter.constructor !== localAdapter) return true;
    const sockets = nsp.adapter.rooms.get(room);
    return (
      sockets !== undefined &&
      (sockets.size > 1 || (except === undefined ? sockets.size > 0 : !sockets.has(except)))
    );
  }
  const namespaces = [webchat, agent] as unknown as Namespace[];
  /** Both sides of a channel: the visitor's sockets and the agents holding it, but `except`. */
  function toChannel<E extends keyof WebchatServerEvents & keyof AgentServerEvents>(
    channelSid: string,
    event: E,
    payload: Parameters<WebchatServerEvents[E]>[0] & Parameters<AgentServerEvents[E]>[0],
    except?: string,
  ) {
    const room = channelRoom(channelSid);
    // The two event maps agree on these events; TypeScript cannot see that through the generic.
    for (const nsp of namespaces) {
      if (!reachesAnyone(nsp, room, except)) continue;
      if (except === undefined) nsp.to(room).emit(event, payload);
      else nsp.to(room).except(except).emit(event, payload);
    }
  }

  // The sender's own socket is answered by its ack, which names the stored message (sid, index, time).
  events.on('message.created', (message, origin) =>
    toChannel(message.channelSid, 'message:new', message, origin),
  );
  events.on('typing', (event) => toChannel(event.channelSid, 'typing:start', event));
  events.on('channel.updated', (channel) => toChannel(channel.sid, 'channel:updated', channel));
  events.on('member.updated', (member) => toChannel(member.channelSid, 'member:updated', member));
  events.on('message.updated', (message) => toChannel(message.channelSid, 'message:updated', message));
  events.on('message.removed', (event) => toChannel(event.channelSid, 'message:removed', event));
  events.on('member.removed', (event) => toChannel(event.channelSid, 'member:removed', event));
  events.on('queue.position', (event) =>
    webchat.to(channelRoom(event.channelSid)).emit('queue:position', event),
  );
  publishSupervision(agent as unknown as Namespace, core);
  events.on('offer.created', (offer) => {
    agent.to(workerRoom(offer.reservation.workerSid)).emit('offer:new', offer);
  });
  events.on('offer.ended', (reservation) => {
    agent
      .to(workerRoom(reservation.workerSid))
      .emit('offer:ended', { reservationSid: reservation.sid, status: reservation.status });
  });
  events.on('chat.updated', (workerSid, chat) => {
    const sockets = agent.in(workerRoom(workerSid));
    if (chat.task.status === 'completed' || chat.task.status === 'canceled')
      sockets.socketsLeave(channelRoom(chat.channel.sid));
    else sockets.socketsJoin(channelRoom(chat.channel.sid));
    agent.to(workerRoom(workerSid)).emit('chat:updated', chat);
  });
  events.on('worker.updated', (worker) => {
    agent.to(workerRoom(worker.sid)).emit('worker:updated', worker);
  });
  return io;
}
