/**
 * The store contract, run against every engine: SQLite (a file in a temp dir) and PostgreSQL
 * (a real server started for this file). Two store instances on one database stand for two
 * nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

type Open = () => Promise<Store>;
const engines: [string, () => Promise<{ open: Open; cleanup: () => void }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
      return {
        open: async () => createSqliteStore({ file: join(dir, 'parley.db') }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      return { open: () => createPostgresStore({ url }), cleanup: () => {} };
    },
  ],
];

describe.each(engines)('the %s store', (_engine, make) => {
  let stores: Store[] = [];
  let cleanup = () => {};
  let open: Open;
  let store: Store;

  // Each test gets its own empty database.
  beforeEach(async () => {
    ({ open, cleanup } = await make());
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    stores = [];
    cleanup();
  });

  async function node() {
    const s = await open();
    stores.push(s);
    return s;
  }

  async function channel(s: Store, identity = `c-${Math.random()}`) {
    const flexFlow = (await s.flexFlows.list())[0] ?? (await s.flexFlows.create(webFlexFlow()));
    const contact = await s.contacts.create({ identity, friendlyName: 'Dana' });
    const ch = await s.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid: contact.sid,
      friendlyName: 'chat',
      attributes: { from: 'Dana', channelType: 'web' },
    });
    await s.members.add({ channelSid: ch.sid, identity, role: 'customer', friendlyName: 'Dana' });
    return { channel: ch, identity };
  }

  /** A pending task in a queue of its own, and an available worker to offer it to. */
  async function waitingTask(s: Store) {
    const queue = await s.queues.create({ friendlyName: 'q' });
    const worker = await s.workers.create({ friendlyName: 'w', activity: 'Available' });
    const { channel: ch } = await channel(s);
    const { task } = await s.tasks.createUnlessOpen({
      channelSid: ch.sid,
      queueSid: queue.sid,
      attributes: {},
    });
    return { task, worker };
  }

  const message = (channelSid: string, i: number | string, clientId?: string) => ({
    channelSid,
    from: 'x',
    authorRole: 'customer' as const,
    authorName: 'Dana',
    body: `m${i}`,
    clientId: clientId ?? null,
  });

  it('gives concurrent appends from two nodes gapless indexes, each clientId stored once', async () => {
    store = await node();
    const other = await node();
    const { channel: ch } = await channel(store);
    const appends = Array.from({ length: 120 }, (_, i) =>
      (i % 2 ? store : other).messages.append(message(ch.sid, i, `c${i % 60}`)),
    );
    const results = await Promise.all(appends);
    expect(results.filter((r) => r.created)).toHaveLength(60);
    const stored = await store.messages.list(ch.sid, { limit: 1000 });
    expect(stored.map((m) => m.index)).toEqual([...Array(60).keys()]);
    expect(new Set(stored.map((m) => m.clientId)).size).toBe(60);
    expect((await store.channels.get(ch.sid))?.lastMessageIndex).toBe(59);
  });

  it('posts a member’s message in one step, checking the channel and the membership where it writes', async () => {
    store = await node();
    const other = await node();
    const { channel: ch, identity } = await channel(store);
    const post = (s: Store, i: number, clientId: string | null = null, from = identity) =>
      s.messages.post({ channelSid: ch.sid, from, body: `p${i}`, clientId, attributes: { i } });

    expect(await post(store, 0, null, 'stranger')).toEqual({ status: 'not_a_member' });
    expect(
      await store.messages.post({ channelSid: 'CHmissing', from: identity, body: 'x', clientId: null }),
    ).toEqual({ status: 'no_channel' });

    // Two nodes at once, every clientId twice: gapless, each stored once, author from the membership.
    const outcomes = await Promise.all(
      Array.from({ length: 80 }, (_, i) => post(i % 2 ? store : other, i, `k${i % 40}`)),
    );
    const stored = outcomes.filter((o) => o.status === 'stored');
    expect(stored).toHaveLength(80);
    expect(stored.filter((o) => o.created)).toHaveLength(40);
    const messages = await store.messages.list(ch.sid, { limit: 1000 });
    expect(messages.map((m) => m.index)).toEqual([...Array(40).keys()]);
    expect(new Set(messages.map((m) => m.clientId)).size).toBe(40);
    expect(messages[0]).toMatchObject({ from: identity, authorRole: 'customer', authorName: 'Dana' });
    // What a post answers is what the store holds.
    const first = stored.find((o) => o.created && o.message.index === 0);
    expect(first?.message).toEqual(messages[0]);

    // No task yet: not engaged. An open task engages the channel; a completed one no longer.
    expect(stored[0]?.engaged).toBe(false);
    const queue = await store.queues.create({ friendlyName: 'q' });
    const { task } = await store.tasks.createUnlessOpen({
      channelSid: ch.sid,
      queueSid: queue.sid,
      attributes: {},
    });
    expect(await post(other, 100)).toMatchObject({ status: 'stored', created: true, engaged: true });
    await store.tasks.transition(task.sid, ['pending'], 'canceled');
    expect(await post(store, 101)).toMatchObject({ status: 'stored', created: true, engaged: false });

    // An ended chat refuses new messages, but a retry still gets its original back.
    await store.channels.update(ch.sid, { status: 'inactive' });
    expect(await post(other, 102, 'late')).toEqual({ status: 'inactive' });
    expect(await post(store, 0, 'k0')).toMatchObject({ status: 'stored', created: false });
    expect((await store.channels.get(ch.sid))?.lastMessageIndex).toBe(41);
  });

  it('creates one open task per channel however many ask at once', async () => {
    store = await node();
    const other = await node();
    const { channel: ch } = await channel(store);
    const queue = await store.queues.create({ friendlyName: 'q' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? store : other).tasks.createUnlessOpen({
          channelSid: ch.sid,
          queueSid: queue.sid,
          attributes: {},
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.task.sid)).size).toBe(1);
    expect((await store.channels.get(ch.sid))?.attributes.taskSid).toBe(results[0]?.task.sid);
  });

  it('reserves each task once and keeps every worker within capacity under a storm from two nodes', async () => {
    store = await node();
    const other = await node();
    const queue = await store.queues.create({ friendlyName: 'q' });
    const workers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.workers.create({ friendlyName: `w${i}`, activity: 'Available', capacity: 2 }),
      ),
    );
    const tasks = [];
    for (let i = 0; i < 80; i++) {
      const { channel: ch } = await channel(store);
      tasks.push(
        (await store.tasks.createUnlessOpen({ channelSid: ch.sid, queueSid: queue.sid, attributes: {} }))
          .task,
      );
    }
    const expires = new Date(Date.now() + 60_000).toISOString();
    // Every worker tries every task, from both nodes, all at once.
    const attempts = tasks.flatMap((t, i) =>
      workers.map((w, j) => ((i + j) % 2 ? store : other).reservations.reserve(t.sid, w.sid, expires)),
    );
    const reserved = (await Promise.all(attempts)).filter((r) => r !== null);
    expect(reserved).toHaveLength(40);
    expect(new Set(reserved.map((r) => r.taskSid)).size).toBe(40);
    const perWorker = new Map<string, number>();
    for (const r of reserved) perWorker.set(r.workerSid, (perWorker.get(r.workerSid) ?? 0) + 1);
    expect(Math.max(...perWorker.values())).toBe(2);
    expect(await store.workers.listAvailable([])).toEqual([]);

    const accepts = await Promise.all(
      reserved.flatMap((r) => [store.reservations.accept(r.sid), other.reservations.accept(r.sid)]),
    );
    expect(accepts.filter((a) => a !== null)).toHaveLength(40);
    expect((await store.tasks.list({ status: 'assigned' })).length).toBe(40);
    expect((await store.tasks.list({ status: 'pending' })).length).toBe(40);
  });

  it('releases a reservation once, returning its task to pending', async () => {
    store = await node();
    const { task, worker } = await waitingTask(store);
    const r = await store.reservations.reserve(task.sid, worker.sid, new Date().toISOString());
    const [a, b] = await Promise.all([
      store.reservations.release(r!.sid, 'timeout'),
      store.reservations.release(r!.sid, 'rejected'),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.tasks.get(task.sid)).toMatchObject({ status: 'pending', workerSid: null });
    expect(await store.reservations.accept(r!.sid)).toBeNull();
  });

  it('moves a task’s revision on at every write, and applies a conditional update at its revision only', async () => {
    store = await node();
    const other = await node();
    const { task, worker } = await waitingTask(store);
    const seen = [task.revision];
    const revision = async () => {
      const now = (await store.tasks.get(task.sid))?.revision as number;
      expect(now).toBeGreaterThan(seen.at(-1) as number);
      seen.push(now);
      return now;
    };
    // Every kind of write: a patch, a reservation made, released, made and accepted, a status change.
    const patched = await store.tasks.update(task.sid, { priority: 5 });
    expect(patched?.revision).toBe(await revision());
    const first = await store.reservations.reserve(task.sid, worker.sid, new Date().toISOString());
    await revision();
    await store.reservations.release(first!.sid, 'rejected');
    await revision();
    const second = await store.reservations.reserve(task.sid, worker.sid, new Date().toISOString());
    await store.reservations.accept(second!.sid);
    await revision();
    const wrapping = await store.tasks.transition(task.sid, ['assigned'], 'wrapping');
    expect(wrapping?.revision).toBe(await revision());

    // Two nodes holding the same revision: one conditional update applies, the other finds it moved on.
    const at = seen.at(-1) as number;
    const results = await Promise.all([
      store.tasks.update(task.sid, { attributes: { by: 'a' } }, at),
      other.tasks.update(task.sid, { attributes: { by: 'b' } }, at),
    ]);
    const applied = results.filter((r) => r !== null);
    expect(applied).toHaveLength(1);
    expect(applied[0]?.revision).toBe(at + 1);
    expect(await store.tasks.update(task.sid, { priority: 1 }, at)).toBeNull();
    expect((await store.tasks.get(task.sid))?.attributes).toEqual(applied[0]?.attributes);
    expect(await store.tasks.update(`WT${'0'.repeat(32)}`, {}, 0)).toBeNull();
  });

  it('keeps a unique name on one channel, from two nodes at once too, and finds the channel by it', async () => {
    store = await node();
    const other = await node();
    const flexFlow = await store.flexFlows.create(webFlexFlow());
    const contact = await store.contacts.create({ identity: 'u', friendlyName: 'U' });
    const open = (s: Store, attributes: Record<string, unknown>) =>
      s.channels.create({
        flexFlowSid: flexFlow.sid,
        contactSid: contact.sid,
        friendlyName: 'c',
        attributes,
      });
    const taken = { status: 409, code: 'unique_name_taken' };

    const first = await open(store, { uniqueName: 'order 42/ü' });
    await open(store, {});
    await open(other, {});
    expect((await other.channels.findByUniqueName('order 42/ü'))?.sid).toBe(first.sid);
    expect(await store.channels.findByUniqueName('order 43')).toBeNull();
    await expect(open(other, { uniqueName: 'order 42/ü' })).rejects.toMatchObject(taken);
    const second = await open(store, { uniqueName: 'order 43' });
    await expect(
      other.channels.update(second.sid, { attributes: { uniqueName: 'order 42/ü' } }),
    ).rejects.toMatchObject(taken);

    // Renamed, the old name is free again; two nodes racing for it: one gets it.
    await store.channels.update(first.sid, { attributes: { uniqueName: 'order 41' } });
    const race = await Promise.allSettled([
      open(store, { uniqueName: 'order 42/ü' }),
      open(other, { uniqueName: 'order 42/ü' }),
    ]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(race.find((r) => r.status === 'rejected')).toMatchObject({ reason: taken });
    expect((await store.channels.findByUniqueName('order 41'))?.sid).toBe(first.sid);
  });

  it('hands each due timer to one node only, and again after its lease if never completed', async () => {
    store = await node();
    const other = await node();
    const due = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 30; i++) await store.timers.schedule('test', `t${i}`, due);
    await store.timers.schedule('test', 'later', new Date(Date.now() + 3_600_000).toISOString());
    const now = new Date().toISOString();
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).timers.claimDue(now, 10)),
    );
    const refs = claims.flat().map((t) => t.ref);
    expect(refs).toHaveLength(30);
    expect(new Set(refs).size).toBe(30);
    expect(refs).not.toContain('later');
    const leaseOver = new Date(Date.now() + 61_000).toISOString();
    const again = await store.timers.claimDue(leaseOver, 100);
    expect(again.map((t) => t.ref).filter((r) => r !== 'later')).toHaveLength(30);
    for (const t of again) await store.timers.complete(t.id);
    const rest = await store.timers.claimDue(new Date(Date.now() + 7_200_000).toISOString(), 100);
    expect(rest.map((t) => t.ref)).toEqual(['later']);
  });

  it('keeps flow revisions and refuses a stale execution save', async () => {
    store = await node();
    const def = {
      initial_state: 'T',
      states: [{ name: 'T', type: 'trigger', properties: {}, transitions: [] }],
    };
    const flow = await store.flows.create({ friendlyName: 'f', definition: def });
    const v2 = await store.flows.update(flow.sid, { definition: { ...def, description: 'two' } });
    expect(v2.revision).toBe(2);
    expect(await store.flows.getRevision(flow.sid, 1)).toEqual(def);
    expect((await store.flows.getRevision(flow.sid, 2))?.description).toBe('two');
    const { channel: ch } = await channel(store);
    const state = {
      status: 'active' as const,
      waiting: null,
      context: {
        trigger: {},
        widgets: {},
        flow: { variables: {}, channel: { address: 'a' }, flow_sid: flow.sid },
        contact: {},
      },
      steps: 0,
      lastState: null,
      repeats: 0,
      log: [],
      endReason: null,
    };
    const execution = await store.executions.create({
      flowSid: flow.sid,
      flowRevision: 1,
      channelSid: ch.sid,
      contactSid: ch.contactSid,
      state,
    });
    const saved = await store.executions.save(execution.sid, execution.version, { ...state, steps: 1 }, [
      { type: 'endChat' },
    ]);
    expect(saved).toMatchObject({ version: 1, pendingEffects: [{ type: 'endChat' }] });
    expect(await store.executions.save(execution.sid, execution.version, state, [])).toBeNull();
    expect((await store.executions.listWithPendingEffects()).map((e) => e.sid)).toEqual([execution.sid]);
    expect((await store.executions.findActive(ch.sid))?.sid).toBe(execution.sid);

    // A timer given with a save is set with it, and not at all when the save is refused.
    const dueAt = new Date(Date.now() - 1000).toISOString();
    const timer = (ref: string) => ({ kind: 'bot.timeout', ref, dueAt });
    expect(await store.executions.save(execution.sid, 0, state, [], timer('refused|1'))).toBeNull();
    const waiting = await store.executions.save(
      execution.sid,
      1,
      { ...state, steps: 2 },
      [{ type: 'scheduleTimeout', seconds: 1, waitId: '2' }],
      timer(`${execution.sid}|2`),
    );
    expect(waiting).toMatchObject({ version: 2, state: { steps: 2 }, channelSid: ch.sid });
    const due = await store.timers.claimDue(new Date().toISOString(), 10);
    expect(due.filter((t) => t.kind === 'bot.timeout').map((t) => t.ref)).toEqual([`${execution.sid}|2`]);

    // Deleted only once it has ended, with its steps.
    expect(await store.executions.delete(execution.sid)).toBe(false);
    const log = [{ state: 'T', type: 'trigger', event: 'incomingMessage' }];
    await store.executions.save(execution.sid, 2, { ...state, status: 'ended', steps: 3, log }, []);
    expect((await store.executions.get(execution.sid))?.state.log).toHaveLength(1);
    expect(await store.executions.delete(execution.sid)).toBe(true);
    expect(await store.executions.get(execution.sid)).toBeNull();
    expect(await store.executions.delete(execution.sid)).toBe(false);
  });

  it('moves read horizons forward only and finds a contact’s active channel', async () => {
    store = await node();
    const { channel: ch, identity } = await channel(store);
    for (let i = 0; i < 3; i++) await store.messages.append(message(ch.sid, i));
    expect(await store.members.advanceReadHorizon(ch.sid, identity, 2)).toMatchObject({ lastReadIndex: 2 });
    expect(await store.members.advanceReadHorizon(ch.sid, identity, 1)).toBeNull();
    expect((await store.channels.findActive(ch.contactSid, ch.flexFlowSid))?.sid).toBe(ch.sid);
    await store.channels.update(ch.sid, { status: 'inactive' });
    expect(await store.channels.findActive(ch.contactSid, ch.flexFlowSid)).toBeNull();
    expect(await store.isEmpty()).toBe(false);
  });

  it('opens one proxy session per address and proxy address across two nodes, and closes it once', async () => {
    store = await node();
    const other = await node();
    const { channel: ch } = await channel(store);
    const input = {
      flexFlowSid: ch.flexFlowSid,
      channelSid: ch.sid,
      identity: '+15550001',
      address: '+15550001',
      proxyAddress: '+15559999',
    };
    const opened = await Promise.all([store.proxySessions.open(input), other.proxySessions.open(input)]);
    expect(opened.filter((o) => o.created)).toHaveLength(1);
    const [{ session }] = opened;
    expect(session).toMatchObject({
      sid: expect.stringMatching(/^KC/),
      status: 'open',
      participants: [{ identity: '+15550001', address: '+15550001', proxyAddress: '+15559999' }],
    });
    expect(opened[1].session.sid).toBe(session.sid);
    expect((await other.proxySessions.findOpen('+15550001', '+15559999'))?.sid).toBe(session.sid);
    expect(await store.proxySessions.list({ channelSid: ch.sid })).toHaveLength(1);
    expect(await store.proxySessions.close(session.sid)).toMatchObject({ status: 'closed' });
    expect(await other.proxySessions.close(session.sid)).toBeNull();
    expect(await store.proxySessions.findOpen('+15550001', '+15559999')).toBeNull();
    expect((await store.proxySessions.open(input)).created).toBe(true);
    expect(await store.proxySessions.list({ status: 'open' })).toHaveLength(1);
  });

  it('forgets proxy sessions with an erased contact and with deleted channels', async () => {
    store = await node();
    const session = (s: { sid: string; flexFlowSid: string }, address: string) =>
      store.proxySessions.open({
        flexFlowSid: s.flexFlowSid,
        channelSid: s.sid,
        identity: address,
        address,
        proxyAddress: '+15559999',
      });
    const { channel: erased } = await channel(store);
    const { channel: expired } = await channel(store);
    await session(erased, '+15550001');
    await session(expired, '+15550002');
    await store.privacy?.eraseContact(erased.contactSid);
    expect(await store.proxySessions.findOpen('+15550001', '+15559999')).toBeNull();
    await store.privacy?.deleteChannels([expired.sid]);
    expect(await store.proxySessions.list({})).toEqual([]);
  });

  it('keeps a Flex Flow’s messaging connector', async () => {
    store = await node();
    const flexFlow = await store.flexFlows.create({
      friendlyName: 'sms',
      channelType: 'sms',
      contactIdentity: '+15559999',
      enabled: true,
      integrationType: 'task',
      integration: {},
      longLived: false,
      janitorEnabled: true,
      allowedOrigins: [],
      messagingConnector: { url: 'http://provider.test/Messages', authToken: 't0ken' },
    });
    expect((await store.flexFlows.get(flexFlow.sid))?.messagingConnector).toEqual({
      url: 'http://provider.test/Messages',
      authToken: 't0ken',
    });
    const updated = await store.flexFlows.update(flexFlow.sid, { messagingConnector: null });
    expect(updated.messagingConnector).toBeNull();
  });

  it('exports everything about a contact, then erases it, keeping other contacts intact', async () => {
    store = await node();
    const { channel: ch, identity } = await channel(store);
    const other = await channel(store);
    const queue = await store.queues.create({ friendlyName: 'q' });
    await store.messages.append({ ...message(ch.sid, 'secret'), from: identity });
    await store.messages.append(message(other.channel.sid, 'keep'));
    await store.tasks.createUnlessOpen({
      channelSid: ch.sid,
      queueSid: queue.sid,
      attributes: { email: 'dana@example.com' },
    });
    const privacy = store.privacy!;
    const record = await privacy.exportContact(ch.contactSid);
    expect(record?.contact.friendlyName).toBe('Dana');
    expect(record?.messages.map((m) => m.body)).toEqual(['msecret']);
    expect(record?.tasks[0]?.attributes).toEqual({ email: 'dana@example.com' });

    expect(await privacy.eraseContact(ch.contactSid)).toEqual({ channelSids: [ch.sid] });
    const after = await privacy.exportContact(ch.contactSid);
    expect(after?.messages).toEqual([]);
    expect(after?.contact.friendlyName).toBe('Erased');
    expect(after?.tasks[0]).toMatchObject({ status: 'canceled', attributes: {} });
    expect(await store.messages.list(other.channel.sid, { limit: 10 })).toHaveLength(1);
    expect(await privacy.eraseContact('US00000000000000000000000000000000')).toBeNull();
  });

  it('deletes expired channels without an open task, and contacts left without a channel', async () => {
    store = await node();
    const { channel: old } = await channel(store);
    const { channel: busy } = await channel(store);
    const queue = await store.queues.create({ friendlyName: 'q' });
    await store.tasks.createUnlessOpen({ channelSid: busy.sid, queueSid: queue.sid, attributes: {} });
    await store.messages.append(message(old.sid, 1));
    const later = new Date(Date.now() + 60_000).toISOString();
    const expired = await store.privacy!.listExpiredChannels(later, 10);
    expect(expired).toEqual([old.sid]);
    expect(await store.privacy!.deleteChannels(expired)).toBe(1);
    expect(await store.channels.get(old.sid)).toBeNull();
    expect(await store.contacts.get(old.contactSid)).toBeNull();
    expect(await store.channels.get(busy.sid)).not.toBeNull();
  });
});
