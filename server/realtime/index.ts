/**
 * Socket.IO on the HTTP server: the `/webchat` and `/agent` namespaces, and the publishing of
 * the core's events to the rooms that should see them.
 */
import type { Server as HttpServer } from 'node:http';
import { type Namespace, Server } from 'socket.io';
import type { Core, Logger } from '../core/index.ts';
import type { AgentServerEvents, WebchatServerEvents } from '../protocol.ts';
import { type AgentNamespace, attachAgent } from './agent.ts';
import { publishSupervision } from './agent-routing.ts';
import type { MessageLimits } from './rate-limit.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { attachWebchat, type WebchatNamespace } from './webchat.ts';

export interface RealtimeOptions {
  /** Largest frame a client may send; chat needs little. */
  maxHttpBufferSize?: number;
  /** Message rate limits on /webchat. */
  messageLimits?: MessageLimits;
}

export function attachRealtime(
  httpServer: HttpServer,
  core: Core,
  log: Logger,
  options: RealtimeOptions = {},
) {
  const io = new Server(httpServer, {
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // The widget runs on customers' sites; each connection's Origin is checked against its
    // Flex Flow's allowedOrigins in the namespace middleware.
    cors: { origin: true, credentials: false },
    serveClient: false,
  });
  const webchat = io.of('/webchat') as unknown as WebchatNamespace;
  const agent = io.of('/agent') as unknown as AgentNamespace;
  attachWebchat(webchat, core, log, options.messageLimits);
  // Who connects and why they left: ids only, never the handshake's token.
  for (const nsp of [webchat, agent] as unknown as Namespace[]) {
    nsp.on('connection', (socket) => {
      const { channelSid, contactSid, workerSid } = socket.data as Record<string, string | undefined>;
      const ids = { namespace: nsp.name, socketId: socket.id, channelSid, contactSid, workerSid };
      log.info(ids, 'socket connected');
      socket.on('disconnect', (reason) => log.info({ ...ids, reason }, 'socket disconnected'));
    });
  }
  attachAgent(agent, core, log);

  const { events } = core;
  /** Both sides of a channel: the visitor's sockets and the agents holding it. */
  function toChannel<E extends keyof WebchatServerEvents & keyof AgentServerEvents>(
    channelSid: string,
    event: E,
    payload: Parameters<WebchatServerEvents[E]>[0] & Parameters<AgentServerEvents[E]>[0],
  ) {
    // The two event maps agree on these events; TypeScript cannot see that through the generic.
    for (const room of [webchat.to(channelRoom(channelSid)), agent.to(channelRoom(channelSid))]) {
      (room as unknown as { emit(event: string, payload: unknown): boolean }).emit(event, payload);
    }
  }

  events.on('message.created', (message) => toChannel(message.channelSid, 'message:new', message));
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
