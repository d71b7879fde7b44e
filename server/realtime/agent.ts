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
import { attachRouting, watchSupervisorRoles } from './agent-routing.ts';
import { attachSupervisorActions, publishWhispers } from './agent-supervision.ts';
import { type Budgets, createEventGuard } from './budgets.ts';
import type { ConnectionGate } from './connection-gate.ts';
import { createHandle, handshakeError } from './handle.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

interface AgentData {
  workerSid: string;
  address: string;
}

export type AgentNamespace = Namespace<
  AgentClientEvents,
  AgentServerEvents,
  Record<string, never>,
  AgentData
>;

export interface AgentOptions {
  budgets: Budgets | null;
  gate: ConnectionGate;
}

export function attachAgent(nsp: AgentNamespace, core: Core, log: Logger, { budgets, gate }: AgentOptions) {
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

  nsp.on(
    'connection',
    async (socket: Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>) => {
      const { workerSid } = socket.data;
      const actor = { identity: `worker:${workerSid}`, address: socket.data.address };
      const admit = budgets && createEventGuard(socket as unknown as Socket, actor, budgets, core.counter);
      const handle = createHandle(socket as unknown as Socket, log, core.track, admit ?? undefined);

      handle('session:sync', schemas.empty, async () => {
        const state = await routing.agentState(workerSid);
        await socket.join([workerRoom(workerSid), ...state.chats.map((c) => channelRoom(c.channel.sid))]);
        return state;
      });
      handle('activity:set', schemas.activity, ({ activity }) =>
        routing.updateWorker(workerSid, { activity }),
      );
      handle('reservation:accept', schemas.reservationRef, ({ reservationSid }) =>
        routing.accept(workerSid, reservationSid),
      );
      handle('reservation:reject', schemas.reservationRef, async ({ reservationSid }) => {
        await routing.reject(workerSid, reservationSid);
        return { ok: true };
      });
      handle(
        'messages:sync',
        schemas.channelRef.extend(schemas.sync.shape),
        async ({ channelSid, afterIndex }) => {
          // A supervisor watching a chat gets its live messages from then on too.
          if ((await assertCanWatch(core, workerSid, channelSid)) === 'supervisor') {
            await socket.join(channelRoom(channelSid));
          }
          return conversations.sync(channelSid, afterIndex);
        },
      );
      handle(
        'message:send',
        schemas.channelRef.extend(schemas.send.shape),
        async ({ channelSid, ...req }) => {
          // The agent holding the chat, or a supervisor who joined it.
          await core.supervision.assertCanWrite(workerSid, channelSid);
          const post = { channelSid, from: workerSid, origin: socket.id, ...req };
          const { message } = await conversations.post(post);
          return { sid: message.sid, index: message.index, message };
        },
      );
      handle('typing:start', schemas.channelRef, async ({ channelSid }) => {
        await core.supervision.assertCanWrite(workerSid, channelSid);
        await conversations.typing(channelSid, workerSid);
      });
      handle('channel:read', schemas.channelRef.extend(schemas.read.shape), async ({ channelSid, index }) => {
        await routing.assertHolds(workerSid, channelSid);
        await conversations.markRead(channelSid, workerSid, index);
      });
      handle('task:wrap', schemas.wrapUp, ({ taskSid, ...wrapUp }) =>
        routing.wrap(workerSid, taskSid, wrapUp),
      );
      handle('task:complete', schemas.wrapUp, ({ taskSid, ...wrapUp }) =>
        routing.complete(workerSid, taskSid, wrapUp),
      );
      attachRouting(socket, handle, core, workerSid);
      attachSupervisorActions(socket as unknown as Socket, handle, core, workerSid);

      // Joined at once too, so events are not missed between connect and session:sync.
      await socket.join(workerRoom(workerSid));
      // A revocation racing this handshake found no socket in the room yet: check once more.
      if (!(await agents.authenticate(socket.handshake.auth?.token))) socket.disconnect(true);
    },
  );

  // Deleted, disabled or given a new password: every tab of the worker, on every node (the
  // Redis adapter carries room operations), is disconnected at once.
  core.events.on('worker.revoked', (workerSid) => nsp.in(workerRoom(workerSid)).disconnectSockets(true));
  watchSupervisorRoles(nsp as unknown as Namespace, core);
  publishWhispers(nsp as unknown as Namespace, core);
}
