/**
 * A bot's replies across a crash. Each reply is stored with the step that sends it, in one
 * transaction, and stays recorded as that step's effect until the next step is saved: a server
 * that dies between the two sends, once restarted on the same database, neither repeats the
 * reply nor loses the ones after it. The crash is the store refusing the next step's write (as
 * a process killed at that moment would leave it); the restart is a new core on the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../server/core/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';

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

const dirs: string[] = [];
const running: { core: Core; store: Store }[] = [];
afterEach(async () => {
  for (const { core, store } of running.splice(0)) {
    await core.stop();
    await store.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A core on the SQLite file; `crashAt` makes the store refuse the step that enters that state. */
function start(file: string, crashAt?: string) {
  const store = createSqliteStore({ file });
  const executions = store.executions;
  const crashing: Store = crashAt
    ? {
        ...store,
        executions: {
          ...executions,
          saveAndPost(sid, version, state, ...rest) {
            if (state.lastState === crashAt) return Promise.reject(new Error('the process died here'));
            return executions.saveAndPost(sid, version, state, ...rest);
          },
        },
      }
    : store;
  const core = createCore({
    store: crashing,
    secret: 'unit-test-secret-0123456789',
    log: pino({ level: 'silent' }),
    timerIntervalMs: 20,
  });
  core.start();
  running.push({ core, store });
  return { core, store };
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
    const first = start(file, 'two');
    const flow = await first.store.flows.create({ friendlyName: 'count', definition: FLOW });
    const flexFlow = await first.store.flexFlows.create({
      friendlyName: 'web',
      channelType: 'web',
      contactIdentity: 'web',
      enabled: true,
      integrationType: 'studio',
      integration: { flowSid: flow.sid },
      longLived: false,
      janitorEnabled: true,
      allowedOrigins: ['self'],
    });
    const contact = await first.store.contacts.create({ identity: 'visitor-sam', friendlyName: 'Sam' });
    const channel = await first.core.conversations.startChannel({
      flexFlow,
      contactSid: contact.sid,
      customerFriendlyName: 'Sam',
    });
    await first.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body: 'hi' });
    await first.core.idle();
    // Died after "One" was stored with its step, before the step that sends "Two".
    expect(await transcript(first.store, channel.sid)).toEqual(['0 customer: hi', '1 bot: One']);
    const [pending] = await first.store.executions.listWithPendingEffects();
    expect(pending?.pendingEffects).toEqual([{ type: 'sendMessage', body: 'One', attributes: {} }]);
    const crashed = running.splice(0, 1)[0] as { core: Core; store: Store };
    await crashed.core.stop();
    await crashed.store.close();

    const second = start(file);
    await expect
      .poll(() => transcript(second.store, channel.sid), { timeout: 5000 })
      .toEqual(['0 customer: hi', '1 bot: One', '2 bot: Two', '3 bot: Three']);
    await second.core.idle();
    const execution = await second.store.executions.get(pending?.sid as string);
    expect(execution).toMatchObject({ status: 'ended' });
    expect(await second.store.executions.listWithPendingEffects()).toEqual([]);
  });
});
