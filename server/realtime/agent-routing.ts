/**
 * The routing side of `/agent`: transfer, outbound conversations, the supervisor view (and
 * its loss when the role is taken away), and presence (an agent desktop whose last tab stays
 * disconnected past the grace period sets its worker Offline).
 */
import type { Namespace } from 'socket.io';
import type { Core } from '../core/index.ts';
import { isSupervisor } from '../core/routing/supervision.ts';
import { forbidden } from '../errors.ts';
import type { AgentData, AgentSocket } from './agent.ts';
import { type EventHandler, on } from './handle.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

export const SUPERVISORS_ROOM = 'supervisors';

/** Transfer, outbound conversations and the supervisor view: their part of `/agent`'s handlers. */
export function routingHandlers(core: Core): Record<string, EventHandler<AgentData>> {
  const { routing, store } = core;
  return {
    'transfer:targets': on(schemas.empty, (socket) => routing.transferTargets(socket.data.workerSid)),
    'task:transfer': on(schemas.transfer, (socket, request) =>
      routing.transfer(socket.data.workerSid, request),
    ),
    'interaction:create': on(schemas.newConversation, async (socket, { channelType, to, body }) => {
      const { channel, task } = await core.messaging.interactions.create({
        channel: { type: channelType, to },
        routing: { workerSid: socket.data.workerSid },
        body,
      });
      return { channelSid: channel.sid, taskSid: task?.sid ?? null };
    }),
    'supervisor:sync': on(schemas.empty, async (socket) => {
      const worker = await store.workers.get(socket.data.workerSid);
      if (!worker || !isSupervisor(worker)) {
        throw forbidden('The supervisor view is for workers whose roles attribute has "supervisor"');
      }
      await socket.join(SUPERVISORS_ROOM);
      return routing.supervisorSnapshot();
    }),
  };
}

/**
 * Presence: what the connection handler calls for each socket. The worker is connected; when
 * its last socket on the namespace is gone, routing hears it (and sets it Offline after the
 * grace period). One 'disconnect' listener serves every socket: it reads the worker from the
 * socket, so an idle connection keeps no closure of its own.
 */
export function agentPresence(core: Core) {
  const { routing } = core;
  function disconnected(this: AgentSocket) {
    const { workerSid } = this.data;
    const nsp = this.nsp;
    core.track(
      (async () => {
        const left = await nsp.in(workerRoom(workerSid)).fetchSockets();
        if (left.length === 0) await routing.agentDisconnected(workerSid);
      })(),
    );
  }
  return function connected(socket: AgentSocket) {
    core.track(routing.agentConnected(socket.data.workerSid));
    socket.on('disconnect', disconnected);
  };
}

/**
 * A worker who is no longer a supervisor stops seeing what only supervisors see on the sockets
 * it has open too: they leave the supervisors' room and every channel room whose task the
 * worker does not hold, and the chats among those they had joined (the customer sees them
 * leave). Room operations reach every node through the adapter.
 */
export function watchSupervisorRoles(nsp: Namespace, core: Core) {
  core.events.on('worker.updated', (worker) => {
    if (!isSupervisor(worker)) core.track(revokeSupervision(nsp, core, worker.sid));
  });
}

async function revokeSupervision(nsp: Namespace, core: Core, workerSid: string) {
  const sockets = nsp.in(workerRoom(workerSid));
  sockets.socketsLeave(SUPERVISORS_ROOM);
  const prefix = channelRoom('');
  const watched = new Set(
    (await sockets.fetchSockets()).flatMap((s) => [...s.rooms].filter((room) => room.startsWith(prefix))),
  );
  if (watched.size === 0) return;
  for (const task of await core.store.tasks.list({ workerSid })) {
    if (task.status === 'assigned' || task.status === 'wrapping')
      watched.delete(channelRoom(task.channelSid));
  }
  if (watched.size === 0) return;
  sockets.socketsLeave([...watched]);
  for (const room of watched) {
    const channelSid = room.slice(prefix.length);
    if (await core.store.members.get(channelSid, workerSid))
      await core.supervision.leave(workerSid, channelSid);
  }
}

/** Pushes a fresh snapshot to connected supervisors when queues or agents change, at most every `ms`. */
export function publishSupervision(nsp: Namespace, core: Core, ms = 500) {
  let timer: NodeJS.Timeout | null = null;
  const push = () => {
    timer = null;
    if ((nsp.adapter.rooms.get(SUPERVISORS_ROOM)?.size ?? 0) === 0) return;
    core.track(
      core.routing
        .supervisorSnapshot()
        .then((snapshot) => nsp.to(SUPERVISORS_ROOM).emit('supervisor:updated', snapshot)),
    );
  };
  const schedule = () => {
    timer ??= setTimeout(push, ms);
    timer.unref();
  };
  for (const event of ['task.created', 'task.updated', 'worker.updated'] as const)
    core.events.on(event, schedule);
  return () => {
    if (timer) clearTimeout(timer);
  };
}
