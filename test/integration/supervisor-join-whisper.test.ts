/**
 * A supervisor on a live chat over real sockets: whispers (staff-only notes) that never reach
 * the visitor by any path, Join and Leave as a second agent, and stop-watching leaving the
 * channel's room.
 */

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/core/identity.ts';
import type {
  Ack,
  AgentChatDTO,
  AgentSyncReply,
  MemberDTO,
  MemberRemovedEvent,
  MessageDTO,
  OfferDTO,
  SentAck,
  SupervisorSnapshot,
  SyncReply,
  TranscriptDTO,
  WhisperDTO,
} from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
} from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let postgres: TestPostgres | undefined;
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await parley?.stop();
});
afterAll(() => postgres?.stop());

const options: StartOptions = { limits: { signInPerMinute: 1000 } } as StartOptions;
const engines: [string, () => Promise<TestParley>][] = [
  ['SQLite', () => startParley(options)],
  [
    'PostgreSQL',
    async () => {
      postgres ??= await startPostgres();
      return startParley({ ...options, databaseUrl: await postgres.createDatabase() });
    },
  ],
];

async function agent(name: string, attributes: Record<string, unknown> = {}, activity = 'Unavailable') {
  const username = name.toLowerCase();
  const { body } = await parley.api('POST', '/v1/Workers', {
    friendlyName: name,
    username,
    password: 'pw-test',
    capacity: 2,
    attributes,
  });
  const { token } = await signIn(parley.url, username, 'pw-test');
  const socket = await connectAgent(parley.url, token);
  sockets.push(socket);
  await request(socket, 'session:sync');
  await request(socket, 'activity:set', { activity });
  return { sid: body.sid as string, socket, token };
}

const SECRET = 'site-identity-secret-0123456789';

/** A visitor; with `userId`, a user the site verified (only they get their earlier chats back). */
async function visitor(name: string, userId?: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
    ...(userId && { identify: { userId, userHash: userHashOf(SECRET, userId) } }),
  });
  const socket = await connectVisitor(parley.url, session.token);
  sockets.push(socket);
  // Everything the visitor's socket ever receives, to show what never arrives.
  const received: unknown[] = [];
  socket.onAny((event, payload) => received.push({ event, payload }));
  return { ...session, socket, received };
}

/** Ana holds a live chat with Dana; Sam is a supervisor, Ben a plain agent. */
async function liveChat(userId?: string) {
  const ana = await agent('Ana', {}, 'Available');
  const sam = await agent('Sam', { roles: ['supervisor'] });
  const ben = await agent('Ben');
  const dana = await visitor('Dana', userId);
  const offered = next<OfferDTO>(ana.socket, 'offer:new');
  await request(dana.socket, 'message:send', { clientId: 'c1', body: 'My parcel never came' });
  const chat = await request<AgentChatDTO>(ana.socket, 'reservation:accept', {
    reservationSid: (await offered).reservation.sid,
  });
  return { ana, sam, ben, dana, chat, channelSid: chat.channel.sid };
}

const watch = (socket: AgentSocket, channelSid: string) =>
  request<SyncReply>(socket, 'messages:sync', { channelSid, afterIndex: -1 });

const says = (body: string) => (m: MessageDTO) => m.body === body;

describe.each(engines)('on %s', (_engine, start) => {
  beforeEach(async () => {
    parley = await start();
  }, 60_000);

  describe('whispers', () => {
    it('reach the agent and a watching supervisor, and never the visitor: not live, not in sync, history or transcript', async () => {
      await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
        integration: { identityVerification: { required: false, secret: SECRET } },
      });
      const { ana, sam, dana, channelSid } = await liveChat('dana-7');
      await watch(sam.socket, channelSid);

      const toAna = next<WhisperDTO>(ana.socket, 'whisper:new');
      const sent = await request<WhisperDTO>(sam.socket, 'whisper:send', {
        channelSid,
        body: 'Offer the refund, code SECRET-42',
      });
      expect(sent).toMatchObject({ channelSid, workerSid: sam.sid, authorName: 'Sam' });
      expect(await toAna).toEqual(sent);
      const toSam = next<WhisperDTO>(sam.socket, 'whisper:new');
      await request(ana.socket, 'whisper:send', { channelSid, body: 'Will do SECRET-43' });
      expect((await toSam).authorName).toBe('Ana');

      // A message the visitor does receive, sent after the whispers: whatever they would have
      // received has arrived by then.
      const reply = next<MessageDTO>(dana.socket, 'message:new', says('Refund on its way'));
      await request(ana.socket, 'message:send', { channelSid, clientId: 'a1', body: 'Refund on its way' });
      await reply;
      expect(JSON.stringify(dana.received)).not.toMatch(/SECRET|whisper/);

      for (const socket of [ana.socket, sam.socket]) {
        const { whispers } = await request<{ whispers: WhisperDTO[] }>(socket, 'whispers:sync', {
          channelSid,
        });
        expect(whispers.map((w) => w.body)).toEqual([
          'Offer the refund, code SECRET-42',
          'Will do SECRET-43',
        ]);
      }
      const visitorSync = await request<SyncReply>(dana.socket, 'messages:sync', { afterIndex: -1 });
      expect(visitorSync.messages.map((m) => m.body)).toEqual([
        'My parcel never came',
        'Ana joined the chat',
        'Refund on its way',
      ]);
      const agentSync = await watch(ana.socket, channelSid);
      expect(JSON.stringify(agentSync)).not.toContain('SECRET');

      const transcript = await fetch(`${parley.url}/v1/Transcripts/${channelSid}`, {
        headers: { authorization: `Bearer ${sam.token}` },
      });
      expect(transcript.status).toBe(200);
      const text = JSON.stringify((await transcript.json()) as TranscriptDTO);
      expect(text).toContain('Refund on its way');
      expect(text).not.toContain('SECRET');

      // The visitor comes back later: the earlier conversation carries no whisper either.
      await request(dana.socket, 'chat:end');
      const again = await visitor('Dana', 'dana-7');
      const history = await fetch(`${parley.url}/v1/WebChannels/History`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: parley.url },
        body: JSON.stringify({ token: again.token }),
      });
      expect(history.status).toBe(200);
      const past = await history.text();
      expect(past).toContain('Refund on its way');
      expect(past).not.toContain('SECRET');
    });

    it('are refused to an agent who does not hold the chat, naming why, and need a body', async () => {
      const { ben, ana, channelSid } = await liveChat();
      const sent = await request<Ack<WhisperDTO>>(ben.socket, 'whisper:send', { channelSid, body: 'psst' });
      expect(sent).toMatchObject({
        error: { code: 'forbidden', message: expect.stringContaining('supervisors') },
      });
      const read = await request<Ack<unknown>>(ben.socket, 'whispers:sync', { channelSid });
      expect(read).toMatchObject({ error: { code: 'forbidden' } });
      const empty = await request<Ack<WhisperDTO>>(ana.socket, 'whisper:send', { channelSid, body: '  ' });
      expect(empty).toMatchObject({
        error: { code: 'invalid_request', message: expect.stringContaining('body') },
      });
    });
    it('are erased with the contact they are about', async () => {
      const { sam, dana, channelSid } = await liveChat();
      await request(sam.socket, 'whisper:send', { channelSid, body: 'Dana is a VIP, lives at 12 Elm St' });
      const erased = await parley.api('DELETE', `/v1/Contacts/${dana.contactSid}`);
      expect(erased.status).toBe(200);
      const { whispers } = await request<{ whispers: WhisperDTO[] }>(sam.socket, 'whispers:sync', {
        channelSid,
      });
      expect(whispers).toEqual([]);
    });
  });

  describe('join and leave', () => {
    it('lets a supervisor join a live chat, write to the visitor and leave, while the agent keeps it', async () => {
      const { ana, sam, dana, chat, channelSid } = await liveChat();
      await watch(sam.socket, channelSid);

      const joinedSeen = next<MessageDTO>(dana.socket, 'message:new', says('Sam joined the chat'));
      const memberSeen = next<MemberDTO>(dana.socket, 'member:updated', (m) => m.identity === sam.sid);
      const agentSeesJoin = next<MemberDTO>(ana.socket, 'member:updated', (m) => m.identity === sam.sid);
      const member = await request<MemberDTO>(sam.socket, 'supervisor:join', { channelSid });
      expect(member).toMatchObject({ identity: sam.sid, role: 'agent', friendlyName: 'Sam' });
      expect((await joinedSeen).attributes).toMatchObject({ event: 'member.joined', identity: sam.sid });
      expect((await memberSeen).role).toBe('agent');
      await agentSeesJoin;

      const visitorGets = next<MessageDTO>(dana.socket, 'message:new', says('I am Sam, the team lead'));
      const agentGets = next<MessageDTO>(ana.socket, 'message:new', says('I am Sam, the team lead'));
      const ack = await request<SentAck>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's1',
        body: 'I am Sam, the team lead',
      });
      // A new message is acknowledged with where it was stored, not the whole message again.
      expect(ack).toEqual({
        sid: expect.any(String),
        index: expect.any(Number),
        dateCreated: expect.any(String),
      });
      expect(await visitorGets).toMatchObject({
        sid: ack.sid,
        index: ack.index,
        from: sam.sid,
        authorRole: 'agent',
        authorName: 'Sam',
      });
      await agentGets;
      const samGets = next<MessageDTO>(sam.socket, 'message:new', says('Thanks Sam'));
      await request(ana.socket, 'message:send', { channelSid, clientId: 'a1', body: 'Thanks Sam' });
      await samGets;

      const leftSeen = next<MessageDTO>(dana.socket, 'message:new', says('Sam left the chat'));
      const removed = next<MemberRemovedEvent>(dana.socket, 'member:removed');
      expect(await request(sam.socket, 'supervisor:leave', { channelSid })).toEqual({ ok: true });
      expect((await leftSeen).attributes).toMatchObject({ event: 'member.left', identity: sam.sid });
      expect(await removed).toMatchObject({ identity: sam.sid, role: 'agent' });

      const after = await request<Ack<SentAck>>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's2',
        body: 'Still here?',
      });
      expect(after).toMatchObject({ error: { code: 'forbidden' } });
      const state = await request<AgentSyncReply>(ana.socket, 'session:sync', {});
      expect(state.chats.map((c) => c.task.sid)).toEqual([chat.task.sid]);
      const snapshot = await request<SupervisorSnapshot>(sam.socket, 'supervisor:sync', {});
      expect(snapshot.chats).toMatchObject([{ channelSid, workerSid: ana.sid }]);
    });

    it('refuses Join to an agent without the supervisor role, and to a chat that has ended', async () => {
      const { ana, ben, sam, chat, channelSid } = await liveChat();
      const refused = await request<Ack<MemberDTO>>(ben.socket, 'supervisor:join', { channelSid });
      expect(refused).toMatchObject({
        error: { code: 'forbidden', message: expect.stringContaining('supervisor') },
      });
      const write = await request<Ack<SentAck>>(ben.socket, 'message:send', {
        channelSid,
        clientId: 'b1',
        body: 'Hi',
      });
      expect(write).toMatchObject({ error: { code: 'forbidden' } });
      const own = await request<Ack<MemberDTO>>(ana.socket, 'supervisor:join', { channelSid });
      expect(own).toMatchObject({ error: { code: 'forbidden' } });

      await request(ana.socket, 'task:wrap', { taskSid: chat.task.sid });
      const ended = await request<Ack<MemberDTO>>(sam.socket, 'supervisor:join', { channelSid });
      expect(ended).toMatchObject({
        error: { code: 'conflict', message: expect.stringContaining('live chat') },
      });
    });
    it('stops a joined supervisor writing once the task ends, though a long-lived channel stays open', async () => {
      await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { longLived: true });
      const { ana, sam, chat, channelSid } = await liveChat();
      await request(sam.socket, 'supervisor:join', { channelSid });
      await request(ana.socket, 'task:wrap', { taskSid: chat.task.sid });
      const channel = await parley.api('GET', `/v1/Channels/${channelSid}`);
      expect(channel.body.status).toBe('active');
      const write = await request<Ack<SentAck>>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's8',
        body: 'One more thing',
      });
      expect(write).toMatchObject({
        error: { code: 'forbidden', message: expect.stringContaining('live chat') },
      });
      // The agent still holds the chat while wrapping up, and may still write.
      const own = await request<SentAck>(ana.socket, 'message:send', {
        channelSid,
        clientId: 'a8',
        body: 'Bye',
      });
      expect(own).not.toHaveProperty('error');
      const stored = await parley.api('GET', `/v1/Channels/${channelSid}/Messages/${own.sid}`);
      expect(stored.body).toMatchObject({ index: own.index, from: ana.sid, body: 'Bye' });
    });

    it('refuses Leave to anyone who did not join as supervisor, the agent who completed the chat included', async () => {
      const { ana, sam, ben, dana, chat, channelSid } = await liveChat();
      const refuse = async (socket: AgentSocket) => {
        const reply = await request<Ack<{ ok: true }>>(socket, 'supervisor:leave', { channelSid });
        expect(reply).toMatchObject({
          error: { code: 'forbidden', message: expect.stringContaining('as a supervisor') },
        });
      };
      await refuse(ana.socket);
      await refuse(sam.socket);
      await refuse(ben.socket);
      await request(ana.socket, 'task:wrap', { taskSid: chat.task.sid });
      await request(ana.socket, 'task:complete', { taskSid: chat.task.sid });
      // Completing leaves Ana a member of the channel: membership alone must not let her leave.
      const members = (await parley.api('GET', `/v1/Channels/${channelSid}/Members`)).body.members;
      expect(members.map((m: MemberDTO) => m.identity)).toContain(ana.sid);
      await refuse(ana.socket);
      const messages: MessageDTO[] = (await parley.api('GET', `/v1/Channels/${channelSid}/Messages`)).body
        .messages;
      expect(messages.filter((m) => m.body.endsWith('left the chat'))).toEqual([]);
      const heard = dana.received.filter(
        (r) => (r as { payload?: MessageDTO }).payload?.body?.endsWith?.('left the chat') === true,
      );
      expect(heard).toEqual([]);
    });

    it('lets a supervisor who once held the chat write to the customer only after joining it', async () => {
      await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { longLived: true });
      const sam = await agent('Sam', { roles: ['supervisor'] }, 'Available');
      const ana = await agent('Ana');
      const dana = await visitor('Dana');
      const offeredToSam = next<OfferDTO>(sam.socket, 'offer:new');
      await request(dana.socket, 'message:send', { clientId: 'd1', body: 'Where is my parcel?' });
      const first = await request<AgentChatDTO>(sam.socket, 'reservation:accept', {
        reservationSid: (await offeredToSam).reservation.sid,
      });
      const channelSid = first.channel.sid;
      await request(sam.socket, 'task:wrap', { taskSid: first.task.sid });
      await request(sam.socket, 'task:complete', { taskSid: first.task.sid });
      await request(sam.socket, 'activity:set', { activity: 'Unavailable' });
      await request(ana.socket, 'activity:set', { activity: 'Available' });
      const offeredToAna = next<OfferDTO>(ana.socket, 'offer:new');
      await request(dana.socket, 'message:send', { clientId: 'd2', body: 'Back again' });
      await request(ana.socket, 'reservation:accept', {
        reservationSid: (await offeredToAna).reservation.sid,
      });

      // Sam is still a member from the first engagement, but the customer was not told he is back.
      const unannounced = await request<Ack<SentAck>>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's1',
        body: 'Sam here, unannounced',
      });
      expect(unannounced).toMatchObject({ error: { code: 'forbidden' } });
      const typing = await request<Ack<unknown>>(sam.socket, 'typing:start', { channelSid });
      expect(typing).toMatchObject({ error: { code: 'forbidden' } });

      const joinedSeen = next<MessageDTO>(dana.socket, 'message:new', says('Sam joined the chat'));
      await request<MemberDTO>(sam.socket, 'supervisor:join', { channelSid });
      expect((await joinedSeen).attributes).toMatchObject({ identity: sam.sid, supervisor: true });
      const visitorGets = next<MessageDTO>(dana.socket, 'message:new', says('Sam here, announced'));
      await request<SentAck>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's2',
        body: 'Sam here, announced',
      });
      await visitorGets;
      // Joining twice announces once.
      await request<MemberDTO>(sam.socket, 'supervisor:join', { channelSid });
      const leftSeen = next<MessageDTO>(dana.socket, 'message:new', says('Sam left the chat'));
      expect(await request(sam.socket, 'supervisor:leave', { channelSid })).toEqual({ ok: true });
      await leftSeen;

      const messages: MessageDTO[] = (await parley.api('GET', `/v1/Channels/${channelSid}/Messages`)).body
        .messages;
      const bodies = messages.map((m) => m.body);
      expect(bodies).not.toContain('Sam here, unannounced');
      expect(bodies.filter((b) => b === 'Sam joined the chat')).toHaveLength(2);
      expect(bodies.indexOf('Sam here, announced')).toBeGreaterThan(
        bodies.lastIndexOf('Sam joined the chat'),
      );
    });

    it('takes a supervisor whose role is taken away out of the chats they joined', async () => {
      const { sam, dana, channelSid } = await liveChat();
      await request(sam.socket, 'supervisor:join', { channelSid });
      const left = next<MemberRemovedEvent>(dana.socket, 'member:removed', (m) => m.identity === sam.sid);
      await parley.api('POST', `/v1/Workers/${sam.sid}`, { attributes: { roles: [] } });
      await left;
      const write = await request<Ack<SentAck>>(sam.socket, 'message:send', {
        channelSid,
        clientId: 's9',
        body: 'Still here',
      });
      expect(write).toMatchObject({ error: { code: 'forbidden' } });
    });
  });

  describe('watching', () => {
    it('stops delivering the chat to a supervisor who stopped watching it', async () => {
      const { ana, sam, dana, channelSid } = await liveChat();
      await watch(sam.socket, channelSid);
      const seen = next<MessageDTO>(sam.socket, 'message:new', says('Hello?'));
      await request(dana.socket, 'message:send', { clientId: 'c2', body: 'Hello?' });
      await seen;

      expect(await request(sam.socket, 'watch:stop', { channelSid })).toEqual({ ok: true });
      const late: MessageDTO[] = [];
      sam.socket.on('message:new', (m) => late.push(m));
      const agentGets = next<MessageDTO>(ana.socket, 'message:new', says('Anyone there?'));
      await request(dana.socket, 'message:send', { clientId: 'c3', body: 'Anyone there?' });
      await agentGets;
      // Broadcast to the room at once: anything sent to Sam is ahead of this reply.
      await request(sam.socket, 'supervisor:sync', {});
      expect(late).toEqual([]);

      // The holder's own chat stays followed when its agent sends watch:stop.
      await request(ana.socket, 'watch:stop', { channelSid });
      const still = next<MessageDTO>(ana.socket, 'message:new', says('Still there'));
      await request(dana.socket, 'message:send', { clientId: 'c4', body: 'Still there' });
      await still;
    });
  });
});
