/**
 * The routing side of `/agent`: transfer, outbound conversations, the supervisor view (and
 * its loss when the role is taken away), and presence (an agent desktop whose last tab stays disconnected past the grace period sets its
 * worker Offline).
 */
import type { Namespace, Socket } from 'socket.io';
import type { Core } from '../core/index.ts';
import { isSupervisor } from '../core/routing/supervision.ts';
import { forbidden } from '../errors.ts';
import type { createHandle } from './handle.ts';
import { channelRoom, workerRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

export const SUPERVISORS_ROOM = 'supervisors';

export function attachRouting(
  socket: Socket,
  handle: ReturnType<typeof createHandle>,
  core: Core,
  workerSid: string,
) {
  const { routing, store } = core;

  handle('transfer:targets', schemas.empty, () => routing.transferTargets(workerSid));
  handle('task:transfer', schemas.transfer, (request) => routing.transfer(workerSid, request));
  handle('interaction:create', schemas.newConversation, async ({ channelType, to, body }) => {
    const { channel, task } = await core.messaging.interactions.create({
      channel: { type: channelType, to },
      routing: { workerSid },
      body,
    });
    return { channelSid: channel.sid, taskSid: task?.sid ?? null };
  });
  handle('supervisor:sync', schemas.empty, async () => {
    const worker = await store.workers.get(workerSid);
    if (!worker || !isSupervisor(worker)) {
      throw forbidden('The supervisor view is for workers whose roles attribute has "supervisor"');
    }
    await socket.join(SUPERVISORS_ROOM);
    return routing.supervisorSnapshot();
  });

  core.track(routing.agentConnected(workerSid));
  socket.on('disconnect', () => {
    core.track(
      (async () => {
        const left = await (socket.nsp as Namespace).in(workerRoom(workerSid)).fetchSockets();
        if (left.length === 0) await routing.agentDisconnected(workerSid);
      })(),
    );
  });
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
