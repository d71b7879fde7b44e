/**
 * An execution's step log, stored a row per entry (execution_steps) apart from its state, on
 * every engine: SQLite (a file in a temp dir) and PostgreSQL (a real server started for this
 * file). Each save inserts only the entries it added; reads give the whole log back in order;
 * the steps go with their execution; the migration moves logs stored inside states.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Execution, Store } from '../../server/store/types.ts';
import type { ExecutionState, StepLog } from '../../server/studio-types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

/** The database under the store, queried directly. */
interface Raw {
  /** Rows of execution_steps of the execution. */
  steps(sid: string): Promise<number>;
  /** The execution's state as stored (parsed). */
  state(sid: string): Promise<Record<string, unknown>>;
  /** Runs statements with no parameters. */
  exec(sql: string): Promise<void>;
  /** From now on, every row offered to execution_steps is counted, even one its conflict ignores. */
  countInserts(): Promise<void>;
  inserts(): Promise<number>;
  /** Inserts an execution as the code before execution_steps wrote it: the log in its state. */
  insertOld(e: { sid: string; channelSid: string; contactSid: string; state: ExecutionState }): Promise<void>;
  close(): Promise<void>;
}

type Open = () => Promise<Store>;
const engines: [string, () => Promise<{ open: Open; raw: () => Raw; cleanup: () => void }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-steps-'));
      const file = join(dir, 'parley.db');
      return {
        open: async () => createSqliteStore({ file }),
        raw: () => {
          const db = new Database(file);
          return {
            steps: async (sid) =>
              db
                .prepare('SELECT count(*) FROM execution_steps WHERE execution_sid = ?')
                .pluck()
                .get(sid) as number,
            state: async (sid) =>
              JSON.parse(db.prepare('SELECT state FROM executions WHERE sid = ?').pluck().get(sid) as string),
            exec: async (sql) => void db.exec(sql),
            countInserts: async () =>
              void db.exec(`
                CREATE TABLE step_inserts (n INTEGER);
                CREATE TRIGGER step_inserts BEFORE INSERT ON execution_steps BEGIN
                  INSERT INTO step_inserts VALUES (new.n);
                END;`),
            inserts: async () => db.prepare('SELECT count(*) FROM step_inserts').pluck().get() as number,
            insertOld: async (e) =>
              void db
                .prepare(
                  `INSERT INTO executions (sid, flow_sid, flow_revision, channel_sid, contact_sid, status, state, date_created, date_updated)
                   VALUES (?, 'FWold', 1, ?, ?, ?, ?, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')`,
                )
                .run(e.sid, e.channelSid, e.contactSid, e.state.status, JSON.stringify(e.state)),
            close: async () => void db.close(),
          };
        },
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      return {
        open: () => createPostgresStore({ url }),
        raw: () => {
          const pool = new pg.Pool({ connectionString: url, max: 1 });
          return {
            steps: async (sid) =>
              Number(
                (
                  await pool.query('SELECT count(*) AS n FROM execution_steps WHERE execution_sid = $1', [
                    sid,
                  ])
                ).rows[0].n,
              ),
            state: async (sid) =>
              (await pool.query('SELECT state FROM executions WHERE sid = $1', [sid])).rows[0].state,
            exec: async (sql) => void (await pool.query(sql)),
            countInserts: async () =>
              void (await pool.query(`
                CREATE TABLE step_inserts (n INTEGER);
                CREATE FUNCTION step_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO step_inserts VALUES (NEW.n); RETURN NEW; END $$;
                CREATE TRIGGER step_inserts BEFORE INSERT ON execution_steps
                  FOR EACH ROW EXECUTE FUNCTION step_inserted();`)),
            inserts: async () =>
              Number((await pool.query('SELECT count(*) AS n FROM step_inserts')).rows[0].n),
            insertOld: async (e) =>
              void (await pool.query(
                `INSERT INTO executions (sid, flow_sid, flow_revision, channel_sid, contact_sid, status, state, date_created, date_updated)
                 VALUES ($1, 'FWold', 1, $2, $3, $4, $5, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')`,
                [e.sid, e.channelSid, e.contactSid, e.state.status, JSON.stringify(e.state)],
              )),
            close: () => pool.end(),
          };
        },
        cleanup: () => {},
      };
    },
  ],
];

const FLOW = {
  initial_state: 'Trigger',
  states: [{ name: 'Trigger', type: 'trigger', properties: {}, transitions: [] }],
};

const initial = (): ExecutionState => ({
  status: 'active',
  waiting: null,
  context: {
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'web' }, flow_sid: 'FW' },
    contact: {},
  },
  steps: 0,
  lastState: null,
  repeats: 0,
  log: [],
  endReason: null,
});

const entry = (n: number): StepLog => ({
  state: `state_${n}`,
  type: n % 2 ? 'send-message' : 'split-based-on',
  event: n % 3 ? 'next' : null,
  ...(n % 7 === 0 && { error: `failure ${n}` }),
  ...(n % 5 === 0 && { flowSid: 'FWsub' }),
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

/** A step from `state`, as the engine takes one: the log copied (not its entries), `added` entries pushed. */
function stepped(state: ExecutionState, added: number): ExecutionState {
  const log = state.log.slice();
  for (let i = 0; i < added; i++) log.push(entry(log.length));
  return {
    ...state,
    steps: state.steps + 1,
    waiting: { state: 'ask', waitId: String(state.steps + 1) },
    log,
  };
}

describe.each(engines)('execution steps on the %s store', (_engine, make) => {
  let stores: Store[] = [];
  let raws: Raw[] = [];
  let cleanup = () => {};
  let open: Open;
  let rawOf: () => Raw;
  let store: Store;
  let raw: Raw;
  let channelSid: string;
  let contactSid: string;
  let flowSid: string;

  beforeEach(async () => {
    let makeRaw: () => Raw;
    ({ open, raw: makeRaw, cleanup } = await make());
    rawOf = () => {
      const r = makeRaw();
      raws.push(r);
      return r;
    };
    store = await node();
    raw = rawOf();
    const flexFlow = await store.flexFlows.create(webFlexFlow({ integrationType: 'studio' }));
    const contact = await store.contacts.create({ identity: 'dana', friendlyName: 'Dana' });
    contactSid = contact.sid;
    const channel = await store.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid,
      friendlyName: 'chat',
      attributes: { from: 'Dana', channelType: 'web' },
    });
    channelSid = channel.sid;
    await store.members.add({ channelSid, identity: 'dana', role: 'customer', friendlyName: 'Dana' });
    await store.members.add({ channelSid, identity: 'bot', role: 'bot', friendlyName: 'Parley Bot' });
    flowSid = (await store.flows.create({ friendlyName: 'f', definition: FLOW })).sid;
  });
  afterEach(async () => {
    for (const r of raws) await r.close();
    for (const s of stores) await s.close();
    stores = [];
    raws = [];
    cleanup();
  });

  async function node() {
    const s = await open();
    stores.push(s);
    return s;
  }

  const create = (s: Store, state = initial()) =>
    s.executions.create({ flowSid, flowRevision: 1, channelSid, contactSid, state });

  const reply = (execution: Execution, state: ExecutionState) => ({
    channelSid,
    from: 'bot',
    body: `reply ${state.steps}`,
    clientId: `${execution.sid}:${state.steps}:0`,
  });

  /** Saves a step from `execution` (by save or with its reply), checking what it stored. */
  async function step(s: Store, execution: Execution, added: number, withReply = false): Promise<Execution> {
    const state = stepped(execution.state, added);
    const saved = withReply
      ? (
          await s.executions.saveAndPost(
            execution.sid,
            execution.version,
            state,
            [],
            undefined,
            reply(execution, state),
          )
        )?.execution
      : await s.executions.save(execution.sid, execution.version, state, []);
    expect(saved?.state).toBe(state);
    expect(await raw.steps(execution.sid)).toBe(state.log.length);
    return saved as Execution;
  }

  it('stores a long log a step at a time, each save inserting only its own entries, and reads it back in order', async () => {
    await raw.countInserts();
    let execution = await create(store);
    expect(execution.state.log).toEqual([]);
    for (let i = 0; i < 300; i++) execution = await step(store, execution, 1 + (i % 3), i % 4 === 0);
    const log = execution.state.log;
    expect(log.length).toBe(600);
    // The state as stored holds no log: each entry is in execution_steps once.
    const stored = await raw.state(execution.sid);
    expect(stored).not.toHaveProperty('log');
    expect(stored).toMatchObject({ steps: 300, waiting: { waitId: '300' } });
    // No entry was offered twice, not even to be ignored.
    expect(await raw.inserts()).toBe(600);

    // Read back, by every read, on this node and on another: the same log, in order.
    const other = await node();
    for (const s of [store, other]) {
      const got = (await s.executions.get(execution.sid)) as Execution;
      expect(got.state.log).toEqual(log);
      expect(got.state.steps).toBe(300);
      expect((await s.executions.findActive(channelSid))?.state.log).toEqual(log);
      const listed = await s.executions.list({ channelSid });
      expect(listed.map((e) => e.state.log)).toEqual([log]);
      expect((await s.executions.list({ flowSid }))[0]?.state.log).toEqual(log);
    }
    // Steps go on from a read on the other node, and from the state it saved.
    let there = (await other.executions.get(execution.sid)) as Execution;
    there = await step(other, there, 2);
    there = await step(other, there, 1, true);
    expect((await store.executions.get(execution.sid))?.state.log).toEqual(there.state.log);
    expect(there.state.log.length).toBe(603);
    expect(await raw.inserts()).toBe(603);
  });

  it('saves a state read back, and a state read again with copies of its entries, without storing any twice', async () => {
    let execution = await create(store);
    execution = await step(store, execution, 3);
    // As endForChannel saves: the state read, changed, its log the same.
    const read = (await store.executions.get(execution.sid)) as Execution;
    const ended = await store.executions.save(
      read.sid,
      read.version,
      { ...read.state, status: 'ended', waiting: null, endReason: 'closed' },
      [],
    );
    expect(ended?.state.status).toBe('ended');
    expect(await raw.steps(execution.sid)).toBe(3);
    // A log whose entries are copies (parsed again) with one more: only that one is added.
    const copy = JSON.parse(JSON.stringify(ended?.state)) as ExecutionState;
    const next = stepped(copy, 1);
    const saved = await store.executions.save(execution.sid, (ended as Execution).version, next, []);
    expect(saved).not.toBeNull();
    expect(await raw.steps(execution.sid)).toBe(4);
    expect((await store.executions.get(execution.sid))?.state.log).toEqual(next.log);
  });

  it('creates an execution with the log it starts with; a step may add many entries', async () => {
    const state = stepped(initial(), 20);
    const execution = await create(store, state);
    expect(execution.state.log).toEqual(state.log);
    expect(await raw.steps(execution.sid)).toBe(20);
    expect(await raw.state(execution.sid)).not.toHaveProperty('log');
    let next = await step(store, execution, 2);
    next = await step(store, next, 17);
    next = await step(store, next, 9, true);
    expect((await store.executions.get(execution.sid))?.state.log).toEqual(next.state.log);
    expect(next.state.log.length).toBe(48);
  });

  it('writes no entry for a save that fails its version check', async () => {
    let execution = await create(store);
    execution = await step(store, execution, 2);
    const stale = execution;
    execution = await step(store, execution, 1);
    // Stepped from the stale copy: its save (with or without a timer or a reply) writes nothing.
    const from = stepped(stale.state, 5);
    expect(await store.executions.save(stale.sid, stale.version, from, [])).toBeNull();
    const timer = { kind: 'bot.timeout', ref: `${stale.sid}|x`, dueAt: new Date().toISOString() };
    expect(await store.executions.save(stale.sid, stale.version, from, [], timer)).toBeNull();
    expect(
      await store.executions.saveAndPost(stale.sid, stale.version, from, [], timer, reply(stale, from)),
    ).toBeNull();
    // Another node's stale copy likewise.
    const other = await node();
    expect(await other.executions.save(stale.sid, stale.version, stepped(stale.state, 1), [])).toBeNull();
    expect(await raw.steps(execution.sid)).toBe(3);
    expect((await store.executions.get(execution.sid))?.state.log).toEqual(execution.state.log);
    // The entries of the refused save were not taken for stored: a later step from the stored
    // execution stores its own at those places.
    const current = (await store.executions.get(execution.sid)) as Execution;
    const after = await step(store, current, 4);
    expect((await other.executions.get(execution.sid))?.state.log).toEqual(after.state.log);
  });

  it('deletes the steps with their execution: channel deletion, retention, erasure', async () => {
    const ids = async () => {
      const execution = await create(store);
      await step(store, execution, 3);
      return execution.sid;
    };
    // Exported with the contact's record, log and all.
    const first = await ids();
    const record = await store.privacy?.exportContact(contactSid);
    expect(record?.executions.map((e) => e.state.log.length)).toEqual([3]);

    await store.privacy?.eraseContact(contactSid);
    expect(await store.executions.get(first)).toBeNull();
    expect(await raw.steps(first)).toBe(0);

    // Retention deletes channels; so does deleting one.
    for (const remove of [
      (sid: string) => store.privacy?.deleteChannels([sid]),
      (sid: string) => store.channels.delete(sid),
    ]) {
      const contact = await store.contacts.create({ identity: `c${Math.random()}`, friendlyName: 'C' });
      contactSid = contact.sid;
      const channel = await store.channels.create({
        flexFlowSid: (await store.flexFlows.list())[0]?.sid as string,
        contactSid,
        friendlyName: 'chat',
        attributes: { from: 'C', channelType: 'web' },
      });
      channelSid = channel.sid;
      const sid = await ids();
      expect(await raw.steps(sid)).toBe(3);
      await remove(channel.sid);
      expect(await store.executions.get(sid)).toBeNull();
      expect(await raw.steps(sid)).toBe(0);
    }
  });

  it('migrates an execution stored with its log inside its state', async () => {
    // The database as it was before version 160, holding an execution written as it was then.
    await raw.exec('DROP TABLE execution_steps; DELETE FROM schema_migrations WHERE version = 160');
    const state = stepped(stepped(initial(), 3), 2);
    await raw.insertOld({ sid: 'FNold', channelSid, contactSid, state });
    const empty = { ...initial(), steps: 0 };
    await raw.insertOld({ sid: 'FNempty', channelSid, contactSid, state: { ...empty, status: 'ended' } });
    // Entries the engine never writes (a state edited by hand) still move as the JSON they were.
    const odd = { ...empty, status: 'ended', log: ['text', true, null, 3] } as unknown as ExecutionState;
    await raw.insertOld({ sid: 'FNodd', channelSid, contactSid, state: odd });
    for (const s of stores) await s.close();
    stores = [];
    const migrated = await node();
    const execution = (await migrated.executions.get('FNold')) as Execution;
    expect(execution.state).toEqual(state);
    expect(await raw.state('FNold')).not.toHaveProperty('log');
    expect(await raw.steps('FNold')).toBe(5);
    expect((await migrated.executions.get('FNempty'))?.state.log).toEqual([]);
    expect((await migrated.executions.get('FNodd'))?.state.log).toEqual(['text', true, null, 3]);
    // It steps on from there, adding only its new entries.
    store = migrated;
    const next = await step(migrated, execution, 1);
    expect((await migrated.executions.get('FNold'))?.state.log).toEqual(next.state.log);
  });
});
