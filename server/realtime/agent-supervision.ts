/**
 * The supervisor's side of a live chat on `/agent`: stop watching (the socket leaves the
 * channel's room), Join and Leave (a second agent member; the holder keeps the chat), and
 * whispers, the staff-only notes that the agent holding a chat and supervisors exchange.
 * Whispers are published on this namespace only: `/webchat` never hears of them.
 */
import type { Namespace } from 'socket.io';
import type { Core } from '../core/index.ts';
import type { AgentData } from './agent.ts';
import { type EventHandler, on } from './handle.ts';
import { channelRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

/** Watching, joining and whispering: their part of `/agent`'s handlers. */
export function supervisorHandlers(core: Core): Record<string, EventHandler<AgentData>> {
  const { routing, supervision, whispers } = core;
  return {
    'watch:stop': on(schemas.channelRef, async (socket, { channelSid }) => {
      // A chat the worker holds stays followed: its room is how its messages reach the desk.
      const holds = await routing.assertHolds(socket.data.workerSid, channelSid).then(
        () => true,
        () => false,
      );
      if (!holds) await socket.leave(channelRoom(channelSid));
      return { ok: true };
    }),
    'supervisor:join': on(schemas.channelRef, async (socket, { channelSid }) => {
      const member = await supervision.join(socket.data.workerSid, channelSid);
      // A joined supervisor hears the chat even without having watched it first.
      await socket.join(channelRoom(channelSid));
      return member;
    }),
    'supervisor:leave': on(schemas.channelRef, async (socket, { channelSid }) => {
      await supervision.leave(socket.data.workerSid, channelSid);
      return { ok: true };
    }),
    'whisper:send': on(schemas.whisper, (socket, { channelSid, body }) =>
      whispers.post(socket.data.workerSid, channelSid, body, socket.id),
    ),
    'whispers:sync': on(schemas.channelRef, async (socket, { channelSid }) => ({
      whispers: await whispers.list(socket.data.workerSid, channelSid),
    })),
  };
}

/** Each whisper goes to the staff sockets following its chat; the sender has its ack. */
export function publishWhispers(nsp: Namespace, core: Core) {
  core.events.on('whisper.created', (whisper, origin) => {
    const room = nsp.to(channelRoom(whisper.channelSid));
    (origin ? room.except(origin) : room).emit('whisper:new', whisper);
  });
}
