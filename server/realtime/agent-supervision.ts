/**
 * The supervisor's side of a live chat on `/agent`: stop watching (the socket leaves the
 * channel's room), Join and Leave (a second agent member; the holder keeps the chat), and
 * whispers, the staff-only notes that the agent holding a chat and supervisors exchange.
 * Whispers are published on this namespace only: `/webchat` never hears of them.
 */
import type { Namespace, Socket } from 'socket.io';
import type { Core } from '../core/index.ts';
import type { createHandle } from './handle.ts';
import { channelRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

export function attachSupervisorActions(
  socket: Socket,
  handle: ReturnType<typeof createHandle>,
  core: Core,
  workerSid: string,
) {
  const { routing, supervision, whispers } = core;

  handle('watch:stop', schemas.channelRef, async ({ channelSid }) => {
    // A chat the worker holds stays followed: its room is how its messages reach the desk.
    const holds = await routing.assertHolds(workerSid, channelSid).then(
      () => true,
      () => false,
    );
    if (!holds) await socket.leave(channelRoom(channelSid));
    return { ok: true };
  });
  handle('supervisor:join', schemas.channelRef, async ({ channelSid }) => {
    const member = await supervision.join(workerSid, channelSid);
    // A joined supervisor hears the chat even without having watched it first.
    await socket.join(channelRoom(channelSid));
    return member;
  });
  handle('supervisor:leave', schemas.channelRef, async ({ channelSid }) => {
    await supervision.leave(workerSid, channelSid);
    return { ok: true };
  });
  handle('whisper:send', schemas.whisper, ({ channelSid, body }) =>
    whispers.post(workerSid, channelSid, body, socket.id),
  );
  handle('whispers:sync', schemas.channelRef, async ({ channelSid }) => ({
    whispers: await whispers.list(workerSid, channelSid),
  }));
}

/** Each whisper goes to the staff sockets following its chat; the sender has its ack. */
export function publishWhispers(nsp: Namespace, core: Core) {
  core.events.on('whisper.created', (whisper, origin) => {
    const room = nsp.to(channelRoom(whisper.channelSid));
    (origin ? room.except(origin) : room).emit('whisper:new', whisper);
  });
}
