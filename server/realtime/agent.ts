/**
 * Namespace `/agent`: a signed-in worker, possibly in several tabs. Each socket joins its
 * worker's room and the rooms of the channels whose tasks the worker holds; every event is
 * authorised against those tasks on the server. A worker whose sessions are revoked loses
 * every socket at once.
 */
import type { Namespace, Socket } from 'socket.io';
import type { Core, Logger } from '../core/index.ts';
import type { AgentClientEvents, AgentServerEvents } from '../protocol.ts';
import { assertCanWatch } from './access.ts';
import { agentPresence, routingHandlers, watchSupervisorRoles } from './agent-routing.ts';
import { publishWhispers, supervisorHandlers } from './agent-supervision.ts';
import { type Budgets, guardsFor } from './budgets.ts';
import type { ConnectionGate } from './connection-gate.ts';
import { createDispatcher, type EventHandler, handshakeError, on } from './handle.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { schemas } from './schemas.ts';
import { sentAck } from './sent-ack.ts';

export interface AgentData {
  workerSid: string;
  address: string;
}

/** A socket of `/agent` as its handlers see it: who it is, in `socket.data`. */
export type AgentSocket = Socket & { data: AgentData };

export type AgentNamespace = Namespace<
  AgentClientEvents,
  AgentServerEvents,
  Record<string, never>,
  AgentData
>;

export interface AgentOptions {
  budgets: Budgets | null;
  gate: ConnectionGate;
  /** Times each acknowledged request (delivery latency in /metrics). */
  timeRequest?: (event: string) => () => void;
}

export function attachAgent(nsp: AgentNamespace, core: Core, log: Logger, options: AgentOptions) {
  const { budgets, gate } = options;
  const { conversations, routing, agents } = core;

  nsp.use(async (socket, next) => {
    try {
      // Valid, and still current: a token of a deleted or disabled worker, or from before a
      // password change, is refused like a missing one.
      const worker = await agents.authenticate(socket.handshake.auth?.token);
      if (!worker)
        return next(handshakeError('unauthorized', 'Sign in again: the session is missing or expired'));
      const address = gate.addressOf(socket);
      const data = { workerSid: worker.sid, address };
      const refused = gate.admit(socket, data);
      if (refused) return next(refused);
      socket.data = data;
      next();
    } catch (err) {
      log.error({ err }, 'agent handshake failed');
      next(new Error('internal'));
    }
  });

  // Defined once for the namespace: each handler reads the worker from socket.data.
  const handlers: Record<string, EventHandler<AgentData>> = {
    'session:sync': on(schemas.empty, async (socket) => {
      const { workerSid } = socket.data;
      const state = await routing.agentState(workerSid);
      await socket.join([workerRoom(workerSid), ...state.chats.map((c) => channelRoom(c.channel.sid))]);
      return state;
    }),
    'activity:set': on(schemas.activity, (socket, { activity }) =>
      routing.updateWorker(socket.data.workerSid, { activity }),
    ),
    'reservation:accept': on(schemas.reservationRef, (socket, { reservationSid }) =>
      routing.accept(socket.data.workerSid, reservationSid),
    ),
    'reservation:reject': on(schemas.reservationRef, async (socket, { reservationSid }) => {
      await routing.reject(socket.data.workerSid, reservationSid);
      return { ok: true };
    }),
    'messages:sync': on(
      schemas.channelRef.extend(schemas.sync.shape),
      async (socket, { channelSid, afterIndex }) => {
        // A supervisor watching a chat gets its live messages from then on too.
        if ((await assertCanWatch(core, socket.data.workerSid, channelSid)) === 'supervisor') {
          await socket.join(channelRoom(channelSid));
        }
        return conversations.sync(channelSid, afterIndex);
      },
    ),
    'message:send': on(
      schemas.channelRef.extend(schemas.send.shape),
      async (socket, { channelSid, ...req }) => {
        const { workerSid } = socket.data;
        // The agent holding the chat, or a supervisor who joined it.
        await core.supervision.assertCanWrite(workerSid, channelSid);
        const post = { channelSid, from: workerSid, origin: socket.id, ...req };
        const { message, created } = await conversations.post(post);
        return sentAck(message, created);
      },
    ),
    'typing:start': on(schemas.channelRef, async (socket, { channelSid }) => {
      const { workerSid } = socket.data;
      await core.supervision.assertCanWrite(workerSid, channelSid);
      await conversations.typing(channelSid, workerSid);
    }),
    'channel:read': on(
      schemas.channelRef.extend(schemas.read.shape),
      async (socket, { channelSid, index }) => {
        const { workerSid } = socket.data;
        await routing.assertHolds(workerSid, channelSid);
        await conversations.markRead(channelSid, workerSid, index);
      },
    ),
    'task:wrap': on(schemas.wrapUp, (socket, { taskSid, ...wrapUp }) =>
      routing.wrap(socket.data.workerSid, taskSid, wrapUp),
    ),
    'task:complete': on(schemas.wrapUp, (socket, { taskSid, ...wrapUp }) =>
      routing.complete(socket.data.workerSid, taskSid, wrapUp),
    ),
    ...routingHandlers(core),
    ...supervisorHandlers(core),
  };
  const dispatch = createDispatcher<AgentData>(
    handlers,
    log,
    core.track,
    guardsFor<AgentData>(budgets, core.counter, ({ workerSid }) => `worker:${workerSid}`),
    options.timeRequest,
  );
  const presence = agentPresence(core);

  nsp.on('connection', async (connected) => {
    const socket = connected as unknown as AgentSocket;
    const { workerSid } = socket.data;
    socket.onAny(dispatch);
    presence(socket);
    // Joined at once too, so events are not missed between connect and session:sync.
    await socket.join(workerRoom(workerSid));
    // A revocation racing this handshake found no socket in the room yet: check once more.
    if (!(await agents.authenticate(socket.handshake.auth?.token))) socket.disconnect(true);
  });

  // Deleted, disabled or given a new password: every tab of the worker, on every node (the
  // Redis adapter carries room operations), is disconnected at once.
  core.events.on('worker.revoked', (workerSid) => nsp.in(workerRoom(workerSid)).disconnectSockets(true));
  watchSupervisorRoles(nsp as unknown as Namespace, core);
  publishWhispers(nsp as unknown as Namespace, core);
}
