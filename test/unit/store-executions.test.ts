/**
 * executions.saveAndPost, run against every engine: SQLite (a file in a temp dir) and
 * PostgreSQL (a real server started for this file). A bot's step and the message it sends are
 * written together or not at all; two store instances on one database stand for two nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Execution, Store } from '../../server/store/types.ts';
import type { ExecutionState } from '../../server/studio-types.ts';
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
      const dir = mkdtempSync(join(tmpdir(), 'parley-executions-'));
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

const FLOW = {
  initial_state: 'Trigger',
  states: [{ name: 'Trigger', type: 'trigger', properties: {}, transitions: [] }],
};

const stateAt = (steps: number): ExecutionState => ({
  status: 'active',
  waiting: steps > 0 ? { state: 'ask', waitId: String(steps) } : null,
  context: {
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'web' }, flow_sid: 'FW' },
    contact: {},
  },
  steps,
  lastState: null,
  repeats: 0,
  log: [],
  endReason: null,
});

const effects = (steps: number) => [
  { type: 'sendMessage' as const, body: `reply ${steps}`, attributes: {} },
  { type: 'scheduleTimeout' as const, seconds: 60, waitId: String(steps) },
];

describe.each(engines)('a bot step saved with its reply on the %s store', (_engine, make) => {
  let stores: Store[] = [];
  let cleanup = () => {};
  let open: Open;
  let store: Store;
  let channelSid: string;
  let execution: Execution;

  beforeEach(async () => {
    ({ open, cleanup } = await make());
    store = await node();
    const flexFlow = await store.flexFlows.create(webFlexFlow({ integrationType: 'studio' }));
    const contact = await store.contacts.create({ identity: 'dana', friendlyName: 'Dana' });
    const channel = await store.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid: contact.sid,
      friendlyName: 'chat',
      attributes: { from: 'Dana', channelType: 'web' },
    });
    channelSid = channel.sid;
    await store.members.add({ channelSid, identity: 'dana', role: 'customer', friendlyName: 'Dana' });
    await store.members.add({ channelSid, identity: 'bot', role: 'bot', friendlyName: 'Parley Bot' });
    await store.messages.post({ channelSid, from: 'dana', body: 'hello' });
    const flow = await store.flows.create({ friendlyName: 'f', definition: FLOW });
    execution = await store.executions.create({
      flowSid: flow.sid,
      flowRevision: 1,
      channelSid,
      contactSid: contact.sid,
      state: stateAt(0),
    });
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

  const timer = (steps: number) => ({
    kind: 'bot.timeout',
    ref: `${execution.sid}|${steps}`,
    dueAt: new Date(Date.now() - 1000).toISOString(),
  });
  const reply = (steps: number, clientId = `${execution.sid}:${steps}:0`) => ({
    channelSid,
    from: 'bot',
    body: `reply ${steps}`,
    attributes: { quickReplies: ['yes', 'no'] },
    clientId,
  });
  const saveAndPost = (s: Store, version: number, steps: number, clientId?: string) =>
    s.executions.saveAndPost(
      execution.sid,
      version,
      stateAt(steps),
      effects(steps),
      timer(steps),
      reply(steps, clientId),
    );
  const dueTimers = async () => (await store.timers.claimDue(new Date().toISOString(), 10)).map((t) => t.ref);

  it('saves the step, sets its timer and posts its message as the bot member, together', async () => {
    const result = await saveAndPost(store, 0, 1);
    expect(result?.execution).toMatchObject({
      sid: execution.sid,
      version: 1,
      channelSid,
      state: { steps: 1 },
      pendingEffects: effects(1),
    });
    expect(result?.posted).toMatchObject({
      status: 'stored',
      created: true,
      engaged: false,
      message: {
        index: 1,
        from: 'bot',
        authorRole: 'bot',
        authorName: 'Parley Bot',
        body: 'reply 1',
        attributes: { quickReplies: ['yes', 'no'] },
        clientId: `${execution.sid}:1:0`,
      },
    });
    // As stored, read back by another node.
    const other = await node();
    expect(await other.executions.get(execution.sid)).toMatchObject({ version: 1, state: { steps: 1 } });
    const messages = await other.messages.list(channelSid, { limit: 10 });
    expect(messages.map((m) => [m.index, m.body])).toEqual([
      [0, 'hello'],
      [1, 'reply 1'],
    ]);
    expect((await other.channels.get(channelSid))?.lastMessageIndex).toBe(1);
    expect(await dueTimers()).toEqual([`${execution.sid}|1`]);
  });

  it('saves a step that sets no timer (a send-message) with its message', async () => {
    const sent = [{ type: 'sendMessage' as const, body: 'reply 1', attributes: {} }];
    const result = await store.executions.saveAndPost(
      execution.sid,
      0,
      stateAt(1),
      sent,
      undefined,
      reply(1),
    );
    expect(result?.execution).toMatchObject({ version: 1, pendingEffects: sent });
    expect(result?.posted).toMatchObject({ status: 'stored', created: true, message: { index: 1 } });
    expect(await dueTimers()).toEqual([]);
  });

  it('writes nothing when the execution is not at the version the step started from', async () => {
    await store.executions.save(execution.sid, 0, stateAt(1), []);
    expect(await saveAndPost(store, 0, 2)).toBeNull();
    expect(await store.executions.get(execution.sid)).toMatchObject({ version: 1, state: { steps: 1 } });
    expect((await store.messages.list(channelSid, { limit: 10 })).map((m) => m.body)).toEqual(['hello']);
    expect((await store.channels.get(channelSid))?.lastMessageIndex).toBe(0);
    expect(await dueTimers()).toEqual([]);
  });

  it('saves no step when its message is refused: the bot left, or the chat ended', async () => {
    await store.members.remove(channelSid, 'bot');
    expect(await saveAndPost(store, 0, 1)).toEqual({ execution: null, posted: { status: 'not_a_member' } });
    await store.members.add({ channelSid, identity: 'bot', role: 'bot', friendlyName: 'Parley Bot' });
    await store.channels.update(channelSid, { status: 'inactive' });
    expect(await saveAndPost(store, 0, 1)).toEqual({ execution: null, posted: { status: 'inactive' } });
    expect(await store.executions.get(execution.sid)).toMatchObject({ version: 0, state: { steps: 0 } });
    expect((await store.messages.list(channelSid, { limit: 10 })).map((m) => m.body)).toEqual(['hello']);
    expect(await dueTimers()).toEqual([]);
  });

  it('returns the message its clientId already names instead of posting it twice', async () => {
    await store.messages.post(reply(1));
    const result = await saveAndPost(store, 0, 1);
    expect(result?.execution).toMatchObject({ version: 1 });
    expect(result?.posted).toMatchObject({ status: 'stored', created: false, message: { index: 1 } });
    expect((await store.messages.list(channelSid, { limit: 10 })).map((m) => m.index)).toEqual([0, 1]);
  });

  it('clears the timer of the wait a step leaves, with the step and only when it is saved', async () => {
    const left = (steps: number) => ({ kind: 'bot.timeout', ref: `${execution.sid}|${steps}` });
    // The same entries each time: a save whose log holds only stored entries adds none.
    const entries = [0, 1].map((n) => ({ state: `s${n}`, type: 'split-based-on', event: 'match' }));
    const logged = (steps: number, count: number): ExecutionState => ({
      ...stateAt(steps),
      log: entries.slice(0, count),
    });
    const { executions } = store;
    await saveAndPost(store, 0, 1);
    // The reply came: its step waits again, its save clears the first wait's timer.
    const posted = await executions.saveAndPost(
      execution.sid,
      1,
      stateAt(2),
      effects(2),
      timer(2),
      reply(2),
      left(1),
    );
    expect(posted?.execution).toMatchObject({ version: 2 });
    // Each kind of save clears too: with a new log entry and a timer, with an entry alone, with
    // a timer alone, and with nothing else (a chat closed while the bot waits).
    const save = (version: number, state: ExecutionState, set?: number, clear?: number) =>
      executions.save(
        execution.sid,
        version,
        state,
        [],
        set === undefined ? undefined : timer(set),
        clear === undefined ? undefined : left(clear),
      );
    expect(await save(2, logged(3, 1), 3, 2)).toMatchObject({ version: 3 });
    expect(await save(3, logged(4, 2), undefined, 3)).toMatchObject({ version: 4 });
    expect(await save(4, logged(5, 2), 5, 4)).toMatchObject({ version: 5 });
    expect(await save(5, logged(6, 2), undefined, 5)).toMatchObject({ version: 6 });
    expect(await save(6, logged(7, 2), 7)).toMatchObject({ version: 7 });
    // A step that is not saved (stale) clears nothing.
    expect(await save(6, logged(8, 2), undefined, 7)).toBeNull();
    expect(
      await executions.saveAndPost(execution.sid, 6, stateAt(8), effects(8), timer(8), reply(8), left(7)),
    ).toBeNull();
    expect(await dueTimers()).toEqual([`${execution.sid}|7`]);
  });

  it('lets one of two nodes stepping from the same version save and post; indexes stay gapless', async () => {
    const other = await node();
    const results = await Promise.all([
      saveAndPost(store, 0, 1, 'node-a'),
      saveAndPost(other, 0, 1, 'node-b'),
      store.messages.post({ channelSid, from: 'dana', body: 'meanwhile' }),
    ]);
    const [a, b] = results;
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    expect((await store.executions.get(execution.sid))?.version).toBe(1);
    const messages = await store.messages.list(channelSid, { limit: 10 });
    expect(messages.map((m) => m.index)).toEqual([0, 1, 2]);
    expect(messages.filter((m) => m.from === 'bot')).toHaveLength(1);
  });
});
