/**
 * A customer's earlier conversations for the desk, through the real app on both engines: the
 * agent holding a verified user's new chat reads the earlier one (who handled it, its
 * disposition, its rating) and opens its transcript; another agent is refused, a supervisor and
 * the admin key are not; a rating given while the agent wraps up reaches their desk at once; and
 * the widget's history answers a verified visitor, never an anonymous one.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AgentChatDTO,
  EarlierConversationsResponse,
  OfferDTO,
  TranscriptDTO,
  VisitorHistoryResponse,
} from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
  type VisitorSocket,
} from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const SECRET = 'earlier-conversations-secret';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe.each([
  ['SQLite', async () => startParley({ limits: { signInPerMinute: 1000 } })],
  [
    'PostgreSQL',
    async () =>
      startParley({ limits: { signInPerMinute: 1000 }, databaseUrl: await postgres.createDatabase() }),
  ],
])('earlier conversations on %s', (_engine, start) => {
  let parley: TestParley;
  let flow: string;
  const sockets: { close(): void }[] = [];
  const tokens = { Ana: '', Ben: '', Sam: '' };
  let ana: AgentSocket;

  async function agent(name: keyof typeof tokens, attributes: Record<string, unknown> = {}) {
    const username = name.toLowerCase();
    await parley.api('POST', '/v1/Workers', {
      friendlyName: name,
      username,
      password: 'pw-test',
      attributes,
    });
    const { token } = await signIn(parley.url, username, 'pw-test');
    tokens[name] = token;
    const socket = await connectAgent(parley.url, token);
    sockets.push(socket);
    await request(socket, 'session:sync');
    return socket;
  }

  /** A visitor (verified as `userId`, or anonymous with an earlier `token`) whose chat Ana takes. */
  async function chatTakenByAna(body: string, who: { userId?: string; token?: string }) {
    const session = await openWebChannel(parley.url, {
      flexFlowSid: flow,
      customerFriendlyName: 'Grace',
      ...(who.userId && {
        identify: {
          userId: who.userId,
          userHash: createHmac('sha256', SECRET).update(who.userId).digest('hex'),
        },
      }),
      ...(who.token && { token: who.token }),
    });
    const visitor: VisitorSocket = await connectVisitor(parley.url, session.token);
    sockets.push(visitor);
    const offered = next<OfferDTO>(ana, 'offer:new', () => true, 10_000);
    await request(visitor, 'message:send', { clientId: `c-${Math.random()}`, body });
    const { reservation, task } = await offered;
    await request<AgentChatDTO>(ana, 'reservation:accept', { reservationSid: reservation.sid });
    return { ...session, visitor, taskSid: task.sid };
  }

  async function get<T>(path: string, token: string | null) {
    const res = await fetch(parley.url + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as T & { code?: string; message?: string } };
  }
  const earlierOf = (channelSid: string, token: string | null) =>
    get<EarlierConversationsResponse>(`/v1/Channels/${channelSid}/EarlierConversations`, token);

  async function visitorCall<T>(path: string, body: unknown) {
    const res = await fetch(`${parley.url}/v1/WebChannels/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  let first: Awaited<ReturnType<typeof chatTakenByAna>>;
  let second: Awaited<ReturnType<typeof chatTakenByAna>>;

  beforeAll(async () => {
    parley = await start();
    flow = (
      await parley.api<{ sid: string }>('POST', '/v1/FlexFlows', {
        friendlyName: 'Verified shop',
        channelType: 'web',
        contactIdentity: 'verified-shop',
        enabled: true,
        integrationType: 'task',
        integration: { identityVerification: { required: false, secret: SECRET } },
        allowedOrigins: ['self'],
      })
    ).body.sid;
    ana = await agent('Ana');
    await agent('Ben');
    await agent('Sam', { roles: ['supervisor'] });
    await request(ana, 'activity:set', { activity: 'Available' });

    // Grace's first chat: wrapped up as Resolved, rated 4 while Ana wraps it up, then completed.
    first = await chatTakenByAna('My lamp arrived broken', { userId: 'u-grace' });
    await request(ana, 'task:wrap', { taskSid: first.taskSid, disposition: 'Resolved' });
    const ratedLive = next<AgentChatDTO>(ana, 'chat:updated', (chat) => Boolean(chat.task.attributes.csat));
    const rated = await visitorCall('Ratings', { token: first.token, score: 4, comment: 'Quick and kind' });
    expect(rated.status).toBe(201);
    const live = await ratedLive;
    expect(live.task.sid).toBe(first.taskSid);
    expect(live.task.status).toBe('wrapping');
    expect(live.task.attributes.csat).toEqual({ score: 4, comment: 'Quick and kind' });
    await request(ana, 'task:complete', { taskSid: first.taskSid });

    // She comes back on another device: the same verified contact, a new chat.
    second = await chatTakenByAna('The replacement lamp flickers', { userId: 'u-grace' });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await parley?.stop();
  });

  it("lists the customer's earlier chat for the agent holding the new one, with its rating", async () => {
    expect(second.contactSid).toBe(first.contactSid);
    const { status, body } = await earlierOf(second.channelSid, tokens.Ana);
    expect(status).toBe(200);
    expect(body.conversations).toEqual([
      {
        channelSid: first.channelSid,
        channelType: 'web',
        status: 'inactive',
        subject: null,
        dateCreated: expect.any(String),
        agentNames: ['Ana'],
        disposition: 'Resolved',
        csat: { score: 4, comment: 'Quick and kind' },
      },
    ]);
    expect(body.meta).toEqual({ channelSid: second.channelSid, contactSid: second.contactSid, pageSize: 1 });
    // The first chat has nothing before it.
    expect((await earlierOf(first.channelSid, tokens.Sam)).body.conversations).toEqual([]);
  });

  it('opens the earlier transcript with its wrap-up and rating, and only a conversation of the same customer', async () => {
    const path = `/v1/Channels/${second.channelSid}/EarlierConversations/${first.channelSid}`;
    const { status, body } = await get<TranscriptDTO>(path, tokens.Ana);
    expect(status).toBe(200);
    expect(body.channel.sid).toBe(first.channelSid);
    expect(body.messages.map((m) => m.body)).toContain('My lamp arrived broken');
    expect(body.wrapUps).toMatchObject([{ disposition: 'Resolved', workerName: 'Ana' }]);
    expect(body.ratings).toEqual([
      { taskSid: first.taskSid, score: 4, comment: 'Quick and kind', workerName: 'Ana' },
    ]);

    const stranger = await openWebChannel(parley.url, { flexFlowSid: flow, customerFriendlyName: 'Bo' });
    const foreign = `/v1/Channels/${second.channelSid}/EarlierConversations/${stranger.channelSid}`;
    expect((await get(foreign, tokens.Ana)).status).toBe(404);
    const itself = `/v1/Channels/${second.channelSid}/EarlierConversations/${second.channelSid}`;
    expect((await get(itself, tokens.Ana)).status).toBe(404);
    // A later conversation of the same customer is not the earlier chat's history, even for a supervisor.
    const later = `/v1/Channels/${first.channelSid}/EarlierConversations/${second.channelSid}`;
    expect((await get(later, tokens.Sam)).status).toBe(404);
    expect((await get(later, parley.adminKey)).status).toBe(404);
    const malformed = await get(`/v1/Channels/${second.channelSid}/EarlierConversations/nope`, tokens.Ana);
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('earlierSid');
  });

  it('refuses an agent with no part in the chat, visitors and strangers; admits a supervisor and the admin key', async () => {
    const ben = await earlierOf(second.channelSid, tokens.Ben);
    expect(ben.status).toBe(403);
    expect(ben.body.code).toBe('forbidden');
    const benTranscript = await get(
      `/v1/Channels/${second.channelSid}/EarlierConversations/${first.channelSid}`,
      tokens.Ben,
    );
    expect(benTranscript.status).toBe(403);
    expect((await earlierOf(second.channelSid, second.token)).status).toBe(401);
    expect((await earlierOf(second.channelSid, null)).status).toBe(401);
    expect((await earlierOf(second.channelSid, tokens.Sam)).body.conversations).toHaveLength(1);
    expect((await earlierOf(second.channelSid, parley.adminKey)).body.conversations).toHaveLength(1);
    // Ana no longer holds the first chat once it is completed.
    expect((await earlierOf(first.channelSid, tokens.Ana)).status).toBe(403);
    expect((await earlierOf(`CH${'0'.repeat(32)}`, parley.adminKey)).status).toBe(404);
  });

  it("gives a verified visitor's widget their history, and an anonymous visitor none", async () => {
    const verified = await visitorCall<VisitorHistoryResponse>('History', { token: second.token });
    expect(verified.status).toBe(200);
    expect(verified.body.conversations.map((c) => c.channelSid)).toEqual([first.channelSid]);
    expect(verified.body.conversations[0]?.messages.map((m) => m.body)).toContain('My lamp arrived broken');
    // The first session's token shows nothing newer than its own chat.
    const older = await visitorCall<VisitorHistoryResponse>('History', { token: first.token });
    expect(older.body.conversations).toEqual([]);

    const once = await chatTakenByAna('Anonymous question', {});
    await request(ana, 'task:wrap', { taskSid: once.taskSid });
    await request(ana, 'task:complete', { taskSid: once.taskSid });
    const again = await chatTakenByAna('Anonymous again', { token: once.token });
    expect(again.contactSid).toBe(once.contactSid);
    expect(again.channelSid).not.toBe(once.channelSid);
    const anonymous = await visitorCall<VisitorHistoryResponse>('History', { token: again.token });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.conversations).toEqual([]);
    // The agent still sees the anonymous customer's earlier chat in the context panel.
    const panel = await earlierOf(again.channelSid, tokens.Ana);
    expect(panel.body.conversations.map((c) => c.channelSid)).toEqual([once.channelSid]);
  });
});
