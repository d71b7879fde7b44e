/**
 * A bot's replies across a crash, and across two nodes. Each reply is stored with the step that
 * sends it, in one transaction, and stays recorded as that step's effect until the next step is
 * saved: a server that dies between the two sends, once restarted on the same database, neither
 * repeats the reply nor loses the ones after it. The crash is the store refusing the next step's
 * write (as a process killed at that moment would leave it); the restart is a new core on the
 * same file. Two cores on one file stand for two nodes: the copy of an execution one of them
 * keeps goes stale when the other steps it, and costs a retry, never a visitor's message.
 * Recovery goes through every execution it listed, leaving one stepped meanwhile to whoever
 * stepped it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../server/core/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Execution, Store } from '../../server/store/types.ts';
import { answeringFlow, lookupFlow } from '../helpers/flows.ts';
import { webFlexFlow } from '../helpers/records.ts';

const say = (name: string, body: string, next?: string) => ({
  name,
  type: 'send-message',
  properties: { body },
  transitions: [{ event: 'sent', ...(next && { next }) }],
});

const FLOW = {
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'one' }],
    },
    say('one', 'One', 'two'),
    say('two', 'Two', 'three'),
    say('three', 'Three'),
  ],
};

const ECHO = answeringFlow('You said {{ trigger.message.Body }}; and?');

const dirs: string[] = [];
const services: Server[] = [];
const running: { core: Core; store: Store }[] = [];
/** Stores standing for another node, with no core of their own. */
const others: Store[] = [];
afterEach(async () => {
  for (const { core, store } of running.splice(0)) {
    await core.stop();
    await store.close();
  }
  for (const store of others.splice(0)) await store.close();
  for (const server of services.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A core on the SQLite file, with the store `wrap` makes of it (one that fails where a test
 * says), and `clock` if given (a node whose time a test moves on).
 */
function start(file: string, wrap: (store: Store) => Store = (store) => store, clock?: () => Date) {
  const store = createSqliteStore({ file });
  const core = createCore({
    store: wrap(store),
    secret: 'unit-test-secret-0123456789',
    log: pino({ level: 'silent' }),
    timerIntervalMs: 20,
    egress: { allowLoopback: true },
    ...(clock && { clock }),
  });
  core.start();
  running.push({ core, store });
  return { core, store };
}

/** Refuses the step that enters `state`, as a process killed at that moment would leave it. */
const crashingAt =
  (state: string) =>
  (store: Store): Store => ({
    ...store,
    executions: {
      ...store.executions,
      saveAndPost(sid, version, stepped, ...rest) {
        if (stepped.lastState === state) return Promise.reject(new Error('the process died here'));
        return store.executions.saveAndPost(sid, version, stepped, ...rest);
      },
    },
  });

/** A studio Flex Flow running `definition`, a visitor and their channel, made through `store`. */
async function studioChat(core: Core, store: Store, definition: object, identity = 'visitor-sam') {
  const flow = await store.flows.create({ friendlyName: 'bot', definition: definition as never });
  const flexFlow = await store.flexFlows.create(
    webFlexFlow({ integrationType: 'studio', integration: { flowSid: flow.sid } }),
  );
  const contact = await store.contacts.create({ identity, friendlyName: 'Sam' });
  const channel = await core.conversations.startChannel({
    flexFlow,
    contactSid: contact.sid,
    customerFriendlyName: 'Sam',
  });
  return { channelSid: channel.sid, identity: contact.identity };
}

async function transcript(store: Store, channelSid: string) {
  const messages = await store.messages.list(channelSid, { limit: 100 });
  return messages.map((m) => `${m.index} ${m.authorRole}: ${m.body}`);
}

describe('a bot reply and a crash', () => {
  it('after a restart between two replies, sends the rest once and repeats none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bot-recovery-'));
    dirs.push(dir);
    const file = join(dir, 'parley.db');
    const first = start(file, crashingAt('two'));
    const { channelSid, identity } = await studioChat(first.core, first.store, FLOW);
    await first.core.conversations.post({ channelSid, from: identity, body: 'hi' });
    await first.core.idle();
    // Died after "One" was stored with its step, before the step that sends "Two".
    expect(await transcript(first.store, channelSid)).toEqual(['0 customer: hi', '1 bot: One']);
    const [pending] = await first.store.executions.listWithPendingEffects();
    expect(pending?.pendingEffects).toEqual([{ type: 'sendMessage', body: 'One', attributes: {} }]);
    const crashed = running.splice(0, 1)[0] as { core: Core; store: Store };
    await crashed.core.stop();
    await crashed.store.close();

    const second = start(file);
    // Recovery (the replies that were left, then the steps after them) is done when the core is
    // idle.
    await second.core.idle();
    expect(await transcript(second.store, channelSid)).toEqual([
      '0 customer: hi',
      '1 bot: One',
      '2 bot: Two',
      '3 bot: Three',
    ]);
    const execution = await second.store.executions.get(pending?.sid as string);
    expect(execution).toMatchObject({ status: 'ended' });
    expect(await second.store.executions.listWithPendingEffects()).toEqual([]);
  });
});

describe('recovery after a restart', () => {
  it('recovers every execution it listed, and leaves one another node stepped meanwhile to that node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bot-recovery-'));
    dirs.push(dir);
    const file = join(dir, 'parley.db');
    const first = start(file, crashingAt('two'));
    // Listed first: a bot waiting for a reply (its message and timer stay recorded as effects);
    // then one that died between two replies.
    const waiting = await studioChat(first.core, first.store, ECHO, 'visitor-waiting');
    const crashed = await studioChat(first.core, first.store, FLOW, 'visitor-crashed');
    for (const chat of [waiting, crashed])
      await first.core.conversations.post({ channelSid: chat.channelSid, from: chat.identity, body: 'hi' });
    await first.core.idle();
    const dead = running.splice(0, 1)[0] as { core: Core; store: Store };
    await dead.core.stop();
    await dead.store.close();

    // Another node, up meanwhile, hears the waiting visitor's next message just after the
    // restarted node has listed what to recover: it answers, leaves the first wait for a new one.
    const otherStore = createSqliteStore({ file });
    others.push(otherStore);
    const other = createCore({
      store: otherStore,
      secret: 'unit-test-secret-0123456789',
      log: pino({ level: 'silent' }),
    });
    let listed: Execution[] = [];
    const { core, store } = start(file, (store) => ({
      ...store,
      executions: {
        ...store.executions,
        async listWithPendingEffects() {
          listed = await store.executions.listWithPendingEffects();
          await other.conversations.post({
            channelSid: waiting.channelSid,
            from: waiting.identity,
            body: 'again',
          });
          await other.idle();
          return listed;
        },
      },
    }));
    await expect
      .poll(() => listed.map((e) => e.channelSid))
      .toEqual([waiting.channelSid, crashed.channelSid]);
    await expect
      .poll(() => transcript(store, crashed.channelSid), { timeout: 5000 })
      .toEqual(['0 customer: hi', '1 bot: One', '2 bot: Two', '3 bot: Three']);
    await core.idle();
    // The other node's step stands: its reply once, and only its wait's timer (recovering the
    // copy listed before it would have set the first wait's timer again).
    expect(await transcript(store, waiting.channelSid)).toEqual([
      '0 customer: hi',
      '1 bot: You said hi; and?',
      '2 customer: again',
      '3 bot: You said hi; and?',
    ]);
    const execution = (await store.executions.findActive(waiting.channelSid)) as Execution;
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const timers = await store.timers.claimDue(far, 100);
    expect(timers.filter((t) => t.ref.startsWith(execution.sid)).map((t) => t.ref)).toEqual([
      `${execution.sid}|${execution.state.waiting?.waitId}`,
    ]);
    await other.stop();
  });
});

/** A service that holds every request until the test lets it answer. */
async function heldService() {
  const held: (() => void)[] = [];
  const server = createServer((_req, res) =>
    held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}')),
  );
  services.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
    requests: () => held.length,
    answer: () => {
      for (const answer of held) answer();
    },
  };
}

/** Node A makes the bot's HTTP request (held); node B starts meanwhile, its clock `now()`. */
async function requestUnderWay(now: () => number) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bot-inflight-'));
  dirs.push(dir);
  const file = join(dir, 'parley.db');
  const service = await heldService();
  const a = start(file);
  const { channelSid, identity } = await studioChat(a.core, a.store, lookupFlow(service.url));
  void a.core.conversations.post({ channelSid, from: identity, body: 'where is 10001?' });
  await expect.poll(service.requests).toBe(1);
  const b = start(file, undefined, () => new Date(now()));
  await b.core.idle();
  const recoverTimers = () => {
    const raw = new Database(file, { readonly: true });
    const n = raw.prepare("SELECT count(*) FROM timers WHERE kind = 'bot.recover'").pluck().get();
    raw.close();
    return n;
  };
  return { a, b, service, channelSid, recoverTimers };
}

describe('recovery while another node does the effects', () => {
  it('leaves an HTTP request under way on another node to a timer, and makes it then if still not done', async () => {
    let offset = 0;
    const { a, service, channelSid, recoverTimers } = await requestUnderWay(() => Date.now() + offset);
    // Node B found the request recorded a moment ago: it may be under way (it is), so not again.
    expect(service.requests()).toBe(1);
    expect(recoverTimers()).toBe(1);
    // Past the longest a request may take, node A has still not recorded an outcome: B makes it.
    offset = 31_000;
    await expect.poll(service.requests, { timeout: 5000 }).toBe(2);
    service.answer();
    // Both got an answer; one of them steps the execution on, and the bot answers once.
    await expect
      .poll(() => transcript(a.store, channelSid), { timeout: 5000 })
      .toEqual(['0 customer: where is 10001?', '1 bot: Your order is shipped']);
    await Promise.all(running.map(({ core }) => core.idle()));
    expect(await transcript(a.store, channelSid)).toHaveLength(2);
  });

  it('makes nothing when the node that made the request has recorded its outcome', async () => {
    let offset = 0;
    const { a, b, service, channelSid, recoverTimers } = await requestUnderWay(() => Date.now() + offset);
    service.answer();
    await a.core.idle();
    expect(await transcript(a.store, channelSid)).toEqual([
      '0 customer: where is 10001?',
      '1 bot: Your order is shipped',
    ]);
    offset = 31_000;
    await expect.poll(recoverTimers, { timeout: 5000 }).toBe(0);
    await b.core.idle();
    expect(service.requests()).toBe(1);
    expect(await transcript(a.store, channelSid)).toHaveLength(2);
  });

  it('makes a request recorded longer ago than any takes at once', async () => {
    const { service } = await requestUnderWay(() => Date.now() + 31_000);
    expect(service.requests()).toBe(2);
    service.answer();
  });
});

describe('a bot on two nodes', () => {
  it('answers a message on the node whose copy of the execution the other node made stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bot-nodes-'));
    dirs.push(dir);
    const file = join(dir, 'parley.db');
    const a = start(file);
    const b = start(file);
    const { channelSid, identity } = await studioChat(a.core, a.store, ECHO);
    const say = async (node: { core: Core }, body: string) => {
      await node.core.conversations.post({ channelSid, from: identity, body });
      await node.core.idle();
    };
    await say(a, 'one'); // node A starts the execution and keeps its copy
    await say(b, 'two'); // node B steps it: A's copy is now a version behind
    await say(a, 'three'); // A's save from its copy is refused; A steps again from the store
    await say(a, 'four');
    expect(await transcript(a.store, channelSid)).toEqual([
      '0 customer: one',
      '1 bot: You said one; and?',
      '2 customer: two',
      '3 bot: You said one; and?',
      '4 customer: three',
      '5 bot: You said one; and?',
      '6 customer: four',
      '7 bot: You said one; and?',
    ]);
    const [execution] = await a.store.executions.list({ channelSid });
    expect(execution).toMatchObject({ status: 'active', state: { steps: 5 } });
  });
});
