/**
 * Searching conversations through the real app on both engines (SQLite FTS5, PostgreSQL
 * full-text): an agent finds the conversations they took part in by customer name, address or
 * message words, a supervisor and the admin key every one; words match without regard to case
 * or accents, the last one as a prefix; results come by relevance, then newest, in pages, with
 * the matched words located in a snippet; no query syntax reaches the engines; a transcript
 * opens only for those who may find it; 10,000 messages answer well within half a second.
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
    await chatTakenBy(ben, 'Grace Hopper', 'Where is my refund_2024 order now?');
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
        snippet: { text: 'Order 12: the lamp arrived 100% broken', highlights: [[14, 18]] },
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

  it('finds a supervisor and the admin key every conversation, equal matches newest first, a page at a time', async () => {
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

  it('finds a message within a second of its acknowledgement', async () => {
    const session = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Prompt Pat',
    });
    const visitor = await connectVisitor(parley.url, session.token);
    sockets.push(visitor);
    await request(visitor, 'message:send', { clientId: 'c-prompt', body: 'my harmonica squeaks' });
    // Acknowledged means stored; search may index it a moment later, never more than a second.
    const deadline = Date.now() + 1000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      found = names((await search(tokens.Sam, 'harmonica')).body);
      if (found.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(found).toEqual(['Prompt Pat']);
  });

  it('matches whole words, the last one also as a prefix, every word required', async () => {
    expect(names((await search(tokens.Sam, 'lam')).body)).toEqual(['Ada Lovelace']);
    expect(names((await search(tokens.Sam, 'lam broken')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'broken lam')).body)).toEqual(['Ada Lovelace']);
    expect(names((await search(tokens.Sam, 'amp')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'refund_2024')).body)).toEqual(['Grace Hopper']);
    expect(names((await search(tokens.Sam, 'lamp refund')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'Grace Hop')).body)).toEqual(['Grace Hopper']);
  });

  it('treats quotes, operators and punctuation in a query as word separators, never as syntax', async () => {
    for (const query of [
      '""',
      '**',
      '--',
      'OR',
      'NEAR(',
      '::',
      '&&',
      '!!',
      "''",
      '%%',
      '__',
      '(*)',
      '^^',
      '\\\\',
    ]) {
      const { status, body } = await search(tokens.Sam, query);
      expect({ query, status }).toEqual({ query, status: 200 });
      expect(Array.isArray(body.conversations)).toBe(true);
    }
    for (const query of [
      '"lamp',
      'lamp"',
      'lamp*',
      '-lamp',
      'lamp OR',
      '(lamp)',
      'lamp:*',
      'lamp & !',
      "'lamp'",
      '100%',
    ]) {
      expect({ query, names: names((await search(tokens.Sam, query)).body) }).toEqual({
        query,
        names: ['Ada Lovelace'],
      });
    }
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

  /** A conversation stored straight through the store (no task: only a supervisor finds it). */
  async function storedConversation(name: string, address: string | null, bodies: string[]) {
    const { store } = parley.server.core;
    const contact = await store.contacts.create({
      identity: `id-${name}-${Math.random()}`,
      friendlyName: name,
      address,
    });
    const channel = await store.channels.create({
      flexFlowSid: parley.flexFlowSid,
      contactSid: contact.sid,
      friendlyName: `Chat with ${name}`,
      attributes: { from: name, channelType: 'sms' },
    });
    for (const body of bodies) {
      await store.messages.append({
        channelSid: channel.sid,
        from: contact.identity,
        authorRole: 'customer',
        authorName: name,
        body,
      });
    }
    return { contact, channel };
  }

  it('finds words without regard to accents or case, either way round', async () => {
    await storedConversation('Élodie Brûlé', null, ['Le café était froid à l’arrivée']);
    await storedConversation('Noor', null, ['A CAFE NOIR please']);
    expect(names((await search(tokens.Sam, 'cafe')).body)).toEqual(['Noor', 'Élodie Brûlé']);
    expect(names((await search(tokens.Sam, 'CAFÉ froid')).body)).toEqual(['Élodie Brûlé']);
    expect(names((await search(tokens.Sam, 'elodie brule')).body)).toEqual(['Élodie Brûlé']);
    const [found] = (await search(tokens.Sam, 'arrivee')).body.conversations;
    expect(found?.matchedMessage?.snippet).toEqual({
      text: 'Le café était froid à l’arrivée',
      highlights: [[24, 31]],
    });
  });

  it('matches a one-letter last word whole, not as the prefix of every word', async () => {
    await storedConversation('Kim', null, ['a parcel for Kim, left at the door']);
    expect(names((await search(tokens.Sam, 'parcel a')).body)).toEqual(['Kim']);
    // "l" is not a word of the message; as a prefix it would have matched "left".
    expect(names((await search(tokens.Sam, 'parcel l')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'parcel le')).body)).toEqual(['Kim']);
  });

  it('finds words of letters newer than SQLite’s Unicode tables, alone or with others', async () => {
    await storedConversation('Aissata', null, ['𞤀𞤣𞤤𞤢𞤥 order for the blue teapot']);
    expect(names((await search(tokens.Sam, '𞤀𞤣𞤤𞤢𞤥 teapot')).body)).toEqual(['Aissata']);
    expect(names((await search(tokens.Sam, 'teapot 𞤀𞤣𞤤𞤢𞤥')).body)).toEqual(['Aissata']);
    expect(names((await search(tokens.Sam, '𞤀𞤣𞤤𞤢𞤥')).body)).toEqual(['Aissata']);
  });

  it('finds a conversation by the customer’s address, a phone number or an email', async () => {
    await storedConversation('Phone customer', '+15557777', ['Hi']);
    await storedConversation('Mail customer', 'kim.lee@example.org', ['Hello']);
    expect(names((await search(tokens.Sam, '+1555')).body)).toEqual(['Phone customer']);
    expect(names((await search(tokens.Sam, '15557777')).body)).toEqual(['Phone customer']);
    const byMail = (await search(tokens.Sam, 'kim.lee@example.org')).body;
    expect(names(byMail)).toEqual(['Mail customer']);
    expect(byMail.conversations[0]).toMatchObject({ address: 'kim.lee@example.org', matchedMessage: null });
  });

  it('follows a renamed contact and a deleted conversation', async () => {
    const { contact, channel } = await storedConversation('Quentin Old', null, [
      'The xylophone is out of tune',
    ]);
    expect(names((await search(tokens.Sam, 'quentin')).body)).toEqual(['Quentin Old']);
    await parley.server.core.store.contacts.update(contact.sid, { friendlyName: 'Rita New' });
    // `from` on the channel still says Quentin Old; the contact's name is now Rita New.
    expect(names((await search(tokens.Sam, 'rita')).body)).toEqual(['Quentin Old']);
    await parley.server.core.store.channels.delete(channel.sid);
    expect(names((await search(tokens.Sam, 'xylophone')).body)).toEqual([]);
    expect(names((await search(tokens.Sam, 'quentin')).body)).toEqual([]);
  });

  it('ranks the conversation that matches best first, even when older', async () => {
    await storedConversation('Often', null, [
      'warranty claim: the warranty card and warranty number are attached',
    ]);
    await storedConversation('Once', null, ['is the blue sofa covered by the warranty or not']);
    expect(names((await search(tokens.Sam, 'warranty')).body)).toEqual(['Often', 'Once']);
  });

  it('shows a window of a long message around the first matched word', async () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(12);
    await storedConversation('Long', null, [
      `${filler}the parcel was left at the neighbour's door ${filler}`,
    ]);
    const [found] = (await search(tokens.Sam, 'parcel neighbour')).body.conversations;
    const snippet = found?.matchedMessage?.snippet;
    if (!snippet) throw new Error('no snippet');
    expect(snippet.text.length).toBeLessThanOrEqual(182);
    expect(snippet.text.startsWith('…') && snippet.text.endsWith('…')).toBe(true);
    expect(snippet.highlights.map(([from, to]) => snippet.text.slice(from, to))).toEqual([
      'parcel',
      'neighbour',
    ]);
  });

  it('answers over 10,000 messages well within half a second', async () => {
    const words = [
      'order',
      'parcel',
      'invoice',
      'delivery',
      'refund',
      'colour',
      'size',
      'late',
      'thanks',
      'please',
    ];
    const conversations = Array.from({ length: 50 }, (_, c) => c);
    // Ten conversations at a time: each message is its own transaction, as in production.
    for (let start = 0; start < conversations.length; start += 10) {
      await Promise.all(
        conversations.slice(start, start + 10).map((c) =>
          storedConversation(
            `Bulk ${c}`,
            null,
            Array.from(
              { length: 200 },
              (_, i) =>
                [0, 3, 7].map((k) => words[(i * (k + 1) + c) % words.length]).join(' ') +
                (c === 42 && i === 100 ? ' kumquat' : ''),
            ),
          ),
        ),
      );
    }
    for (const query of ['kumquat', 'order', 'parcel invoice', 'del']) {
      const started = performance.now();
      const { status, body } = await search(tokens.Sam, query);
      const ms = performance.now() - started;
      expect(status).toBe(200);
      expect(body.conversations.length).toBeGreaterThan(0);
      expect({ query, fast: ms < 500 }).toEqual({ query, fast: true });
    }
    expect(names((await search(tokens.Sam, 'kumquat')).body)).toEqual(['Bulk 42']);
  }, 120_000);
});
