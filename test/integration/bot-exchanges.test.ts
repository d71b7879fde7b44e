/**
 * Long bot conversations, many at once: the bot flow `npm run bench` measures answers every
 * visitor message for as long as the chat lasts, each reply stored once and delivered once,
 * a reply clears the timer of the wait it answered, and a wait that loops on one widget keeps
 * answering (docs/flows.md, Limits).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotVisitor, botVisitors } from '../bench/bot.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
afterEach(async () => {
  await parley?.stop();
});

const VISITORS = 20;
// More than Studio's 10 runs in a row of one widget (a visitor's message breaks the row).
const EXCHANGES = 15;
const BENCH_ADMIN = { authorization: 'Bearer bench-admin-key' };

interface StoredMessage {
  sid: string;
  index: number;
  authorRole: string;
  body: string;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(parley.url + path, { headers: BENCH_ADMIN });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<T>;
}

describe('bot conversations under load', () => {
  it('answers every message of 20 visitors exchanging 15 messages each at once, each reply stored and delivered once', async () => {
    parley = await startParley({
      adminKey: 'bench-admin-key',
      limits: { webChannelsPerMinute: 1000, connectionsPerIp: 1000, eventBudgets: false },
    });
    const visitors: BotVisitor[] = await botVisitors(parley.url, VISITORS);
    const delivered = visitors.map(() => [] as StoredMessage[]);
    visitors.forEach((v, i) => {
      v.socket.on('message:new', (m: StoredMessage) => delivered[i]?.push(m));
    });

    // Each exchange rejects, naming the message, when its reply does not come.
    await Promise.all(
      visitors.map(async (v, i) => {
        for (let k = 0; k < EXCHANGES; k++) await v.exchange(`v${i}-m${k}`, `visitor ${i} message ${k}`);
      }),
    );
    await parley.server.core.idle();

    for (const [i, v] of visitors.entries()) {
      const { messages } = await get<{ messages: StoredMessage[] }>(
        `/v1/Channels/${v.channelSid}/Messages?pageSize=1000`,
      );
      // hello, then each message, every one followed by exactly one bot reply.
      const turns = EXCHANGES + 1;
      expect(messages.map((m) => m.authorRole)).toEqual(
        Array.from({ length: turns }, () => ['customer', 'bot']).flat(),
      );
      expect(messages.map((m) => m.index)).toEqual([...Array(2 * turns).keys()]);
      const replies = messages.filter((m) => m.authorRole === 'bot').slice(1);
      expect(new Set(replies.map((m) => m.body))).toEqual(new Set([`Noted, Visitor ${i}: what else?`]));
      // Delivered once each, to this visitor only, and nothing else: the visitor's own
      // messages come back in their acks, not as message:new.
      expect(delivered[i]?.map((m) => m.sid)).toEqual(replies.map((m) => m.sid));
    }

    const { flows } = await get<{ flows: { sid: string; friendlyName: string }[] }>('/v1/Flows');
    const flowSid = flows.find((f) => f.friendlyName === 'bench echo')?.sid;
    const { executions } = await get<{ executions: { status: string }[] }>(`/v1/Flows/${flowSid}/Executions`);
    expect(executions.map((e) => e.status)).toEqual(Array(VISITORS).fill('active'));
    // Each reply that came before its wait's timeout took that wait's timer with it: one timer
    // left per execution, the current wait's, not one for every question the bot asked.
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const timers = await parley.server.core.store.timers.claimDue(far, 10_000);
    const waits = timers.filter((t) => t.kind === 'bot.timeout').map((t) => t.ref.split('|')[0]);
    expect(waits).toHaveLength(VISITORS);
    expect(new Set(waits).size).toBe(VISITORS);
    for (const v of visitors) v.socket.close();
  });

  it('keeps answering a wait that loops on one widget for as long as the visitor writes (the row of 10 is broken by each message)', async () => {
    parley = await startParley();
    const selfLoop = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'ask' }],
        },
        {
          name: 'ask',
          type: 'send-and-wait-for-reply',
          properties: { body: 'Noted: what else?' },
          transitions: [{ event: 'incomingMessage', next: 'ask' }],
        },
      ],
    };
    const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'self loop', definition: selfLoop });
    expect(flow.status).toBe(201);
    await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integrationType: 'studio',
      integration: { flowSid: flow.body.sid },
    });
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'sam',
      chatUserFriendlyName: 'Sam',
    });
    const say = async (body: string) => {
      await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'sam', body });
      await parley.server.core.idle();
    };
    for (let k = 1; k <= 12; k++) await say(`message ${k}`);

    const { body } = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages?pageSize=1000`);
    const answered = body.messages
      .map((m: StoredMessage, i: number, all: StoredMessage[]) =>
        m.authorRole === 'customer' && all[i + 1]?.authorRole === 'bot' ? m.body : null,
      )
      .filter(Boolean);
    // "ask" ran 12 times, each after a message of the visitor's: one execution, every message answered.
    expect(answered).toEqual([...Array(12).keys()].map((k) => `message ${k + 1}`));
    const { executions } = (await parley.api('GET', `/v1/Flows/${flow.body.sid}/Executions`)).body;
    expect(executions.map((e: { status: string }) => e.status)).toEqual(['active']);

    // Closing the chat ends the execution and takes the timer of the wait it was in.
    const { core } = parley.server;
    const waiting = async () =>
      (await core.store.timers.claimDue(new Date(Date.now() + 30 * 86_400_000).toISOString(), 100)).filter(
        (t) => t.kind === 'bot.timeout',
      );
    await core.channelAdmin.updateChannel(channel.sid, { status: 'inactive' });
    await core.idle();
    expect(await waiting()).toEqual([]);
  });
});
