/**
 * PostgreSQL posts members' messages in batches (server/store/postgres/post-batch.ts): the
 * posts of one event-loop turn share one statement. Each post must still get the outcome it
 * would get alone, indexes stay gapless and in the order sent per channel, and a clientId is
 * stored once however many nodes retry it at once. Two stores on one database stand for two
 * nodes.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { POST_BATCH } from '../../server/store/postgres/post-batch.ts';
import type { Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
let stores: Store[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});
afterAll(() => postgres?.stop());

async function nodes(count: number): Promise<Store[]> {
  const url = await postgres.createDatabase();
  for (let i = 0; i < count; i++) stores.push(await createPostgresStore({ url }));
  return stores;
}

async function channels(store: Store, count: number) {
  const flexFlow = await store.flexFlows.create(webFlexFlow());
  const made: { sid: string; identity: string }[] = [];
  for (let i = 0; i < count; i++) {
    const identity = `visitor-${i}`;
    const contact = await store.contacts.create({ identity, friendlyName: `V${i}` });
    const ch = await store.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid: contact.sid,
      friendlyName: 'chat',
      attributes: {},
    });
    await store.members.add({ channelSid: ch.sid, identity, role: 'customer', friendlyName: `V${i}` });
    made.push({ sid: ch.sid, identity });
  }
  return made;
}

it('stores every message of a burst over many channels in the order sent, with gapless indexes', async () => {
  const [store] = (await nodes(1)) as [Store];
  const chats = await channels(store, 30);
  // Ten messages per chat, all sent at once: one turn, many batches.
  const outcomes = await Promise.all(
    Array.from({ length: 10 }, (_, n) =>
      chats.map(({ sid, identity }) =>
        store.messages.post({ channelSid: sid, from: identity, body: `m${n}`, attributes: { n } }),
      ),
    ).flat(),
  );
  expect(outcomes.every((o) => o.status === 'stored' && o.created)).toBe(true);
  for (const { sid, identity } of chats) {
    const stored = await store.messages.list(sid, { limit: 100 });
    expect(stored.map((m) => [m.index, m.body])).toEqual(Array.from({ length: 10 }, (_, n) => [n, `m${n}`]));
    expect(stored[3]).toMatchObject({
      from: identity,
      authorRole: 'customer',
      authorName: expect.any(String),
    });
    expect((await store.channels.get(sid))?.lastMessageIndex).toBe(9);
  }
  // What each post answered is what the store holds.
  const first = chats[0] as { sid: string };
  const held = await store.messages.list(first.sid, { limit: 100 });
  const answered = outcomes
    .flatMap((o) => (o.status === 'stored' ? [o.message] : []))
    .filter((m) => m.channelSid === first.sid);
  expect(answered).toEqual(held);
});

it('stores any text a batch carries exactly as written', async () => {
  const [store] = (await nodes(1)) as [Store];
  const chats = await channels(store, 6);
  const bodies = [
    'quotes " and \' and back\\slash \\" and {braces}, [brackets]',
    'lines\nand\ttabs\r\n  and trailing space ',
    'ünïcödé, 中文, emoji 👋🏽 and a zero-width\u200bjoiner',
    'NULL',
    '',
    '{"looks": "like json"}',
  ];
  const attributes = [
    { nested: { list: [1, 'two', null, true] } },
    { quote: '"', slash: '\\' },
    {},
    { n: null },
    { e: '👋' },
    { a: [] },
  ];
  const outcomes = await Promise.all(
    chats.map(({ sid, identity }, i) =>
      store.messages.post({
        channelSid: sid,
        from: identity,
        body: bodies[i] as string,
        attributes: attributes[i],
        clientId: i % 2 ? `c${i}` : undefined,
      }),
    ),
  );
  expect(outcomes.every((o) => o.status === 'stored' && o.created)).toBe(true);
  for (const [i, { sid }] of chats.entries()) {
    const [stored] = await store.messages.list(sid, { limit: 1 });
    expect(stored).toMatchObject({
      body: bodies[i],
      attributes: attributes[i],
      clientId: i % 2 ? `c${i}` : null,
    });
  }
});

it('numbers many posts of one chat in one batch in the order sent, around retries and refusals', async () => {
  const [store] = (await nodes(1)) as [Store];
  const [chat, other] = await channels(store, 2);
  if (!chat || !other) throw new Error('two channels expected');
  const kept = await store.messages.post({
    channelSid: chat.sid,
    from: chat.identity,
    body: 'kept',
    clientId: 'kept',
  });
  const post = (body: string, clientId?: string, from = chat.identity) =>
    store.messages.post({ channelSid: chat.sid, from, body, clientId });
  // All sent in one turn: the chat's posts share batches, a retry and a stranger among them.
  const outcomes = await Promise.all([
    ...Array.from({ length: 8 }, (_, n) => post(`a${n}`, `a${n}`)),
    post('retry', 'kept'),
    post('stranger', undefined, 'stranger'),
    store.messages.post({ channelSid: other.sid, from: other.identity, body: 'elsewhere' }),
    ...Array.from({ length: 8 }, (_, n) => post(`b${n}`)),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual([
    ...Array(8).fill('stored'),
    'stored',
    'not_a_member',
    'stored',
    ...Array(8).fill('stored'),
  ]);
  expect(outcomes[8]).toEqual({ ...kept, created: false });
  const stored = await store.messages.list(chat.sid, { limit: 100 });
  expect(stored.map((m) => [m.index, m.body])).toEqual(
    [
      'kept',
      ...Array.from({ length: 8 }, (_, n) => `a${n}`),
      ...Array.from({ length: 8 }, (_, n) => `b${n}`),
    ].map((body, index) => [index, body]),
  );
  // What each post was answered is what was stored.
  const answered = outcomes.flatMap((o, i) =>
    o.status === 'stored' && o.created && i !== 10 ? [o.message] : [],
  );
  expect(answered).toEqual(stored.slice(1));
  expect((await store.channels.get(chat.sid))?.lastMessageIndex).toBe(16);
  expect((await store.messages.list(other.sid, { limit: 10 })).map((m) => m.index)).toEqual([0]);
});

it('keeps the order of a chat whose batch is refused, posting its messages again one by one', async () => {
  const [store] = (await nodes(1)) as [Store];
  const [chat] = await channels(store, 1);
  if (!chat) throw new Error('a channel expected');
  // The same new clientId twice in one batch: the statement is refused, each post made alone.
  const outcomes = await Promise.all(
    ['one', 'two', 'two again', 'three'].map((body, n) =>
      store.messages.post({
        channelSid: chat.sid,
        from: chat.identity,
        body,
        clientId: n === 2 ? 'c1' : `c${n}`,
      }),
    ),
  );
  expect(outcomes.map((o) => o.status === 'stored' && [o.created, o.message.index, o.message.body])).toEqual([
    [true, 0, 'one'],
    [true, 1, 'two'],
    [false, 1, 'two'],
    [true, 2, 'three'],
  ]);
});

it('gives each post of a batch its own outcome', async () => {
  const [store] = (await nodes(1)) as [Store];
  const [open, ended, tasked, spare] = await channels(store, 4);
  if (!open || !ended || !tasked || !spare) throw new Error('four channels expected');
  const original = await store.messages.post({
    channelSid: ended.sid,
    from: ended.identity,
    body: 'before the end',
    clientId: 'kept',
  });
  await store.channels.update(ended.sid, { status: 'inactive' });
  const queue = await store.queues.create({ friendlyName: 'q' });
  await store.tasks.createUnlessOpen({ channelSid: tasked.sid, queueSid: queue.sid, attributes: {} });

  const outcomes = await Promise.all([
    store.messages.post({ channelSid: open.sid, from: open.identity, body: 'hello' }),
    store.messages.post({ channelSid: 'CHmissing', from: open.identity, body: 'x' }),
    store.messages.post({ channelSid: spare.sid, from: 'stranger', body: 'x' }),
    store.messages.post({ channelSid: ended.sid, from: ended.identity, body: 'late', clientId: 'late' }),
    store.messages.post({ channelSid: tasked.sid, from: tasked.identity, body: 'to the agent' }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual([
    'stored',
    'no_channel',
    'not_a_member',
    'inactive',
    'stored',
  ]);
  expect(outcomes[0]).toMatchObject({ created: true, engaged: false, message: { index: 0, body: 'hello' } });
  expect(outcomes[4]).toMatchObject({ created: true, engaged: true, message: { index: 0 } });

  // A retry of a message stored before the chat ended still gets its original, in a batch too.
  const [retry, other] = await Promise.all([
    store.messages.post({ channelSid: ended.sid, from: ended.identity, body: 'again', clientId: 'kept' }),
    store.messages.post({ channelSid: open.sid, from: open.identity, body: 'second' }),
  ]);
  expect(retry).toEqual({ ...original, created: false });
  expect(other).toMatchObject({ status: 'stored', message: { index: 1 } });
  expect(await store.messages.list(ended.sid, { limit: 10 })).toHaveLength(1);
});

it('stores each clientId once when two nodes post the same messages to the same chats at once', async () => {
  const [a, b] = (await nodes(2)) as [Store, Store];
  const chats = await channels(a, 20);
  for (let round = 0; round < 3; round++) {
    // Both nodes send every chat's message, with the same clientId, in opposite chat orders.
    const send = (s: Store, list: typeof chats) =>
      list.map(({ sid, identity }) =>
        s.messages.post({ channelSid: sid, from: identity, body: `r${round}`, clientId: `k${round}` }),
      );
    const outcomes = await Promise.all([...send(a, chats), ...send(b, [...chats].reverse())]);
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
    expect(outcomes.filter((o) => o.status === 'stored' && o.created)).toHaveLength(chats.length);
  }
  for (const { sid } of chats) {
    const stored = await a.messages.list(sid, { limit: 10 });
    expect(stored.map((m) => [m.index, m.clientId])).toEqual([
      [0, 'k0'],
      [1, 'k1'],
      [2, 'k2'],
    ]);
  }
});

it('looks each post and channel up by index, also once the tables have grown past what its connection planned for', async () => {
  const url = await postgres.createDatabase();
  const store = await createPostgresStore({ url });
  stores.push(store);
  const chats = await channels(store, 2);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A connection plans a prepared statement at its first EXECUTE and keeps the plan until
    // its tables are analyzed: here while they are nearly empty, as a server's first posts do.
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE post_batch(json, text) AS ${POST_BATCH}`);
    const execute = (n: number) => {
      const posts = chats.map((c, i) => [`IMplan${n}x${i}`, c.sid, c.identity, 'hi', '{}', `plan-${n}-${i}`]);
      return `EXECUTE post_batch('${JSON.stringify(posts)}', '${new Date().toISOString()}')`;
    };
    await client.query(execute(0));
    // The tables grow, with no ANALYZE yet: thousands of members and messages.
    const first = chats[0] as { sid: string };
    await client.query(
      `INSERT INTO members (sid, channel_sid, identity, role, friendly_name, date_created)
       SELECT 'MBgrow' || g, $1, 'grown-' || g, 'customer', 'G', now()::text FROM generate_series(1, 5000) g`,
      [first.sid],
    );
    await client.query(
      `INSERT INTO messages (sid, channel_sid, idx, from_identity, author_role, author_name, body, client_id, date_created)
       SELECT 'IMgrow' || g, $1, 100000 + g, 'grown-1', 'customer', 'G', 'old', 'grown-' || g, now()::text
       FROM generate_series(1, 20000) g`,
      [first.sid],
    );
    await client.query(
      `INSERT INTO contacts (sid, identity, friendly_name, attributes, date_created)
       SELECT 'CTgrow' || g, 'grown-' || g, 'G', '{}', now()::text FROM generate_series(1, 5000) g`,
    );
    await client.query(
      `INSERT INTO channels (sid, flex_flow_sid, contact_sid, friendly_name, attributes, status, date_created, date_updated)
       SELECT 'CHgrow' || g, flex_flow_sid, 'CTgrow' || g, 'c', '{}', 'active', now()::text, now()::text
       FROM channels, generate_series(1, 5000) g WHERE sid = $1`,
      [first.sid],
    );
    const { rows } = await client.query(`EXPLAIN ${execute(1)}`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(/Seq Scan on (channels|members|messages|tasks)/);
  } finally {
    await client.end();
  }
});
