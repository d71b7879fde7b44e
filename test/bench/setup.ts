/**
 * Conversations for the benchmarks: N sender → receiver pairs on the bare relay or on Parley.
 * On Parley each pair is a visitor and the agent who accepted its chat (an agent holds up to
 * 100 chats, as a receiver on the relay listens in up to 100 rooms).
 */
import { io, type Socket } from 'socket.io-client';

export interface Pair {
  sender: Socket;
  receiver: Socket;
  send(clientId: string, body: string, ack: () => void): void;
}

const PER_RECEIVER = 100;
const ADMIN = { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' };

export function connect(
  url: string,
  auth: Record<string, unknown>,
  origin = new URL(url).origin,
): Promise<Socket> {
  const socket = io(url, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(
  items: T[],
  limit: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T, i);
      }
    }),
  );
  return results;
}

export async function barePairs(url: string, count: number): Promise<Pair[]> {
  const receivers = await inBatches([...Array(Math.ceil(count / PER_RECEIVER)).keys()], 20, (r) =>
    connect(url, {
      room: `recv${r}`,
      rooms: Array.from({ length: PER_RECEIVER }, (_, k) => `r${r * PER_RECEIVER + k}`),
    }),
  );
  return inBatches([...Array(count).keys()], 50, async (i) => {
    const sender = await connect(url, { room: `r${i}` });
    return {
      sender,
      receiver: receivers[Math.floor(i / PER_RECEIVER)] as Socket,
      send: (clientId, body, ack) => sender.emit('message:send', { clientId, body }, ack),
    };
  });
}

async function json(res: Response) {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** The demo Flex Flow, routing straight to agents (no bot) so every chat is a conversation. */
export async function taskFlexFlow(url: string): Promise<string> {
  const { flexFlows } = await json(await fetch(`${url}/v1/FlexFlows`, { headers: ADMIN }));
  const sid = flexFlows[0].sid as string;
  await json(
    await fetch(`${url}/v1/FlexFlows/${sid}`, {
      method: 'POST',
      headers: ADMIN,
      body: JSON.stringify({ integrationType: 'task' }),
    }),
  );
  return sid;
}

/** Opens `count` web channels (not timed): their session tokens and channel sids. */
export function openChannels(url: string, flexFlowSid: string, count: number) {
  return inBatches(
    [...Array(count).keys()],
    20,
    async (i) =>
      json(
        await fetch(`${url}/v1/WebChannels`, {
          method: 'POST',
          headers: { ...ADMIN, origin: url },
          body: JSON.stringify({ flexFlowSid, customerFriendlyName: `Visitor ${i}` }),
        }),
      ) as Promise<{ token: string; channelSid: string }>,
  );
}

/**
 * `count` live Parley conversations: agents created and Available, visitors connected to
 * `visitorUrl`, agents to `agentUrl` (another node, for the cross-node figure), every chat accepted.
 */
export async function parleyPairs(
  visitorUrl: string,
  count: number,
  agentUrl = visitorUrl,
  tag = 'a',
): Promise<Pair[]> {
  const flexFlowSid = await taskFlexFlow(visitorUrl);
  const agents = await inBatches([...Array(Math.ceil(count / PER_RECEIVER)).keys()], 5, async (a) => {
    const username = `bench-${tag}-${a}-${Date.now()}`;
    await json(
      await fetch(`${agentUrl}/v1/Workers`, {
        method: 'POST',
        headers: ADMIN,
        body: JSON.stringify({
          friendlyName: `Agent ${a}`,
          username,
          password: 'bench-pw',
          capacity: PER_RECEIVER,
        }),
      }),
    );
    const { token } = await json(
      await fetch(`${agentUrl}/v1/AgentSessions`, {
        method: 'POST',
        headers: ADMIN,
        body: JSON.stringify({ username, password: 'bench-pw' }),
      }),
    );
    const socket = await connect(`${agentUrl}/agent`, { token });
    socket.on('offer:new', (offer: { reservation: { sid: string } }) => {
      socket.emit('reservation:accept', { reservationSid: offer.reservation.sid }, () => {});
    });
    await socket.emitWithAck('session:sync', {});
    await socket.emitWithAck('activity:set', { activity: 'Available' });
    return socket;
  });
  const holder = new Map<string, Socket>();
  for (const agent of agents) {
    agent.on('chat:updated', (chat: { channel: { sid: string }; task: { status: string } }) => {
      if (chat.task.status === 'assigned') holder.set(chat.channel.sid, agent);
    });
  }
  const sessions = await openChannels(visitorUrl, flexFlowSid, count);
  const visitors = await inBatches(sessions, 50, async ({ token, channelSid }) => {
    const socket = await connect(`${visitorUrl}/webchat`, { token });
    await socket.emitWithAck('message:send', { clientId: 'hello', body: 'hello' });
    return { socket, channelSid };
  });
  const deadline = Date.now() + 120_000;
  while (holder.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${holder.size} of ${count} chats were accepted`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return visitors.map(({ socket, channelSid }) => ({
    sender: socket,
    receiver: holder.get(channelSid) as Socket,
    send: (clientId, body, ack) => socket.emit('message:send', { clientId, body }, ack),
  }));
}

export function closeAll(pairs: Pair[]) {
  for (const p of pairs) {
    p.sender.close();
    p.receiver.close();
  }
}
