/**
 * A bot-active conversation for the benchmarks: the Flex Flow runs a bot flow that answers
 * every visitor message (a templated send-and-wait-for-reply in a loop), so each visitor
 * message costs the bot's step, its reply and the execution's save.
 */
import type { Socket } from 'socket.io-client';
import { connect, inBatches, openChannels, taskFlexFlow } from './setup.ts';

const ADMIN = { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' };

const ECHO_FLOW = {
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
      properties: { body: 'Noted, {{ contact.friendlyName }}: what else?' },
      transitions: [
        { event: 'incomingMessage', next: 'ask' },
        { event: 'timeout', next: 'ask' },
      ],
    },
  ],
};

async function api(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: ADMIN, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export interface BotVisitor {
  socket: Socket;
  /** Sends a message and resolves when the bot's reply to it arrives. */
  exchange(clientId: string, body: string): Promise<void>;
}

/** `count` visitors on a Flex Flow whose bot answers every message; each has had its first exchange. */
export async function botVisitors(url: string, count: number): Promise<BotVisitor[]> {
  const flexFlowSid = await taskFlexFlow(url);
  const flow = await api(url, '/v1/Flows', { friendlyName: 'bench echo', definition: ECHO_FLOW });
  await api(url, `/v1/FlexFlows/${flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.sid },
  });
  const sessions = await openChannels(url, flexFlowSid, count);
  return inBatches(sessions, 50, async ({ token }) => {
    const socket = await connect(`${url}/webchat`, { token });
    let waiting: (() => void) | null = null;
    socket.on('message:new', (m: { authorRole: string }) => {
      if (m.authorRole !== 'bot' || !waiting) return;
      const done = waiting;
      waiting = null;
      done();
    });
    const visitor: BotVisitor = {
      socket,
      exchange(clientId, body) {
        const replied = new Promise<void>((resolve) => {
          waiting = resolve;
        });
        socket.emit('message:send', { clientId, body }, () => {});
        return replied;
      },
    };
    await visitor.exchange('hello', 'hello');
    return visitor;
  });
}

/** Every visitor exchanges messages one at a time until `total` were answered. */
export async function runExchanges(visitors: BotVisitor[], total: number, tag: string) {
  let sent = 0;
  await Promise.all(
    visitors.map(async (v, p) => {
      while (sent < total) {
        const n = sent++;
        await v.exchange(`${tag}-${n}`, `${tag} ${p} ${n}`);
      }
    }),
  );
  return sent;
}
