/**
 * Searching conversations through the real app on both engines: an agent finds the
 * conversations they took part in by customer name, address or message words, a supervisor
 * and the admin key every one; results come newest first in pages; `%` and `_` are literal;
 * a transcript opens only for those who may find it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChatDTO, ConversationSearchPage, OfferDTO, TranscriptDTO } from '../../server/protocol.ts';
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
import { startParley, type TestParley } from '../helpers/server.ts';

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
])('conversation search on %s', (_engine, start) => {
  let parley: TestParley;
  const sockets: { close(): void }[] = [];
  const tokens = { Ana: '', Ben: '', Sam: '' };
  const channels = { 'Ada Lovelace': '', 'Grace Hopper': '' };

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

  /** `customer` writes `body`; the one Available agent `socket` takes the chat. */
  async function chatTakenBy(socket: AgentSocket, customer: keyof typeof channels, body: string) {
    const session = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: customer,
    });
    const visitor = await connectVisitor(parley.url, session.token);
    sockets.push(visitor);
    const offered = next<OfferDTO>(socket, 'offer:new', () => true, 10_000);
    await request(visitor, 'message:send', { clientId: `c-${customer}`, body });
    const { reservation } = await offered;
    await request<AgentChatDTO>(socket, 'reservation:accept', { reservationSid: reservation.sid });
    channels[customer] = session.channelSid;
  }

  async function get<T>(path: string, token: string) {
    const res = await fetch(parley.url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as T & { code?: string; message?: string } };
  }
  const search = (token: string, query: string, extra = '') =>
    get<ConversationSearchPage>(`/v1/ConversationSearch?query=${encodeURIComponent(query)}${extra}`, token);
  const names = (page: ConversationSearchPage) => page.conversations.map((c) => c.customerName);

  beforeAll(async () => {
    parley = await start();
    const ana = await agent('Ana');
    const ben = await agent('Ben');
    await agent('Sam', { roles: ['supervisor'] });
    await request(ana, 'activity:set', { activity: 'Available' });
    await chatTakenBy(ana, 'Ada Lovelace', 'Order 12: the lamp arrived 100% broken');
    await request(ana, 'activity:set', { activity: 'Unavailable' });
    await request(ben, 'activity:set', { activity: 'Available' });
    await chatTakenBy(ben, 'Grace Hopper', 'Where is the refund_2024 for my order?');
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await parley?.stop();
  });

  it('finds an agent their own conversations by message words, showing the message that matched', async () => {
    const { status, body } = await search(tokens.Ana, 'LAMP');
    expect(status).toBe(200);
    expect(names(body)).toEqual(['Ada Lovelace']);
    expect(body.conversations[0]).toMatchObject({
      channelSid: channels['Ada Lovelace'],
      channelType: 'web',
      matchedMessage: {
        authorName: 'Ada Lovelace',
        body: 'Order 12: the lamp arrived 100% broken',
        index: 0,
      },
    });
    expect(names((await search(tokens.Ana, 'refund')).body)).toEqual([]);
    expect(names((await search(tokens.Ana, 'grace')).body)).toEqual([]);
  });

  it('finds by customer name, with no matched message when only the name matched', async () => {
    const { body } = await search(tokens.Ben, 'hopper');
    expect(names(body)).toEqual(['Grace Hopper']);
    expect(body.conversations[0]?.matchedMessage).toBeNull();
  });

  it('finds a supervisor and the admin key every conversation, newest first, a page at a time', async () => {
    for (const token of [tokens.Sam, parley.adminKey]) {
      expect(names((await search(token, 'order')).body)).toEqual(['Grace Hopper', 'Ada Lovelace']);
    }
    const first = (await search(tokens.Sam, 'order', '&pageSize=1')).body;
    expect(names(first)).toEqual(['Grace Hopper']);
    expect(first.meta).toEqual({ query: 'order', page: 0, pageSize: 1, hasMore: true });
    const second = (await search(tokens.Sam, 'order', '&pageSize=1&page=1')).body;
    expect(names(second)).toEqual(['Ada Lovelace']);
    expect(second.meta.hasMore).toBe(false);
  });

  it('matches % and _ as themselves', async () => {
    expect(names((await search(tokens.Sam, '100%')).body)).toEqual(['Ada Lovelace']);
    expect(names((await search(tokens.Sam, '%%')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'd_2024')).body)).toEqual(['Grace Hopper']);
    expect(names((await search(tokens.Sam, '__')).body)).toEqual([]);
  });

  it('opens a transcript for whoever may find the conversation, and 404 for anyone else', async () => {
    const own = await get<TranscriptDTO>(`/v1/Transcripts/${channels['Ada Lovelace']}`, tokens.Ana);
    expect(own.status).toBe(200);
    expect(own.body.customerName).toBe('Ada Lovelace');
    expect(own.body.messages.map((m) => m.body)).toContain('Order 12: the lamp arrived 100% broken');
    expect(own.body.hasMore).toBe(false);

    const other = await get(`/v1/Transcripts/${channels['Grace Hopper']}`, tokens.Ana);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('not_found');
    expect((await get(`/v1/Transcripts/${channels['Grace Hopper']}`, tokens.Sam)).status).toBe(200);
    expect((await get(`/v1/Transcripts/${channels['Grace Hopper']}`, parley.adminKey)).status).toBe(200);
  });

  it('refuses a short query naming the field, and a caller without a token', async () => {
    const short = await search(tokens.Ana, 'a');
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/query needs at least 2 characters/);
    const unknown = await search(tokens.Ana, 'lamp', '&limit=5');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/limit/);
    expect((await search('not-a-token', 'lamp')).status).toBe(401);
  });
});
