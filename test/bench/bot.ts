/**
 * A bot-active conversation for the benchmarks: the Flex Flow runs a bot flow that answers
 * every visitor message (a templated send-and-wait-for-reply in a loop), so each visitor
 * message costs the bot's step, its reply and the execution's save.
 */
import type { Socket } from 'socket.io-client';
import { createClientId } from '../../widget/client/outbox.ts';
import { answeringFlow } from '../helpers/flows.ts';
import { connect, inBatches, openChannels, taskFlexFlow } from './setup.ts';

const ADMIN = { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' };
/** How long one exchange may take before the bench stops and says which message went unanswered. */
const EXCHANGE_DEADLINE_MS = 60_000;

/** The bot flow the benchmark runs: a templated reply to every visitor message. */
export const ECHO_FLOW = answeringFlow('Noted, {{ contact.friendlyName }}: what else?');

async function api(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: ADMIN, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export interface BotVisitor {
  socket: Socket;
  channelSid: string;
  /**
   * Sends a message and resolves when the bot's reply to it arrives; rejects when the server
   * refuses the message or no reply comes within a minute, naming the message.
   */
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
  return inBatches(sessions, 50, async ({ token, channelSid }) => {
    const socket = await connect(`${url}/webchat`, { token });
    let replied: (() => void) | null = null;
    socket.on('message:new', (m: { authorRole: string }) => {
      if (m.authorRole === 'bot') replied?.();
    });
    const visitor: BotVisitor = {
      socket,
      channelSid,
      exchange(clientId, body) {
        return new Promise<void>((resolve, reject) => {
          const settle = () => {
            clearTimeout(timer);
            replied = null;
          };
          const fail = (why: string) => {
            settle();
            reject(new Error(`bot exchange ${clientId} on ${channelSid}: ${why}`));
          };
          const timer = setTimeout(
            () => fail(`no reply within ${EXCHANGE_DEADLINE_MS} ms`),
            EXCHANGE_DEADLINE_MS,
          );
          replied = () => {
            settle();
            resolve();
          };
          socket.emit(
            'message:send',
            { clientId, body },
            (ack: { error?: { code: string; message: string } }) => {
              if (ack?.error) fail(`refused: ${ack.error.code} ${ack.error.message}`);
            },
          );
        });
      },
    };
    await visitor.exchange(createClientId(), 'hello');
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
        await v.exchange(createClientId(), `${tag} ${p} ${n}`);
      }
    }),
  );
  return sent;
}
