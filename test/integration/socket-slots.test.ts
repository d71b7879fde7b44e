/**
 * What an open socket holds on the server, and when it lets go: the connection slots of its
 * session (freed when it leaves, however it leaves) and the bytes queued for it (a client that
 * stops reading is cut off). Real server, real Socket.IO clients, real TCP.
 */
import type { Socket as TcpSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await parley?.stop();
  parley = undefined;
});
async function start(limits: StartOptions['limits']) {
  parley = await startParley({ limits });
  return parley;
}
function keep<S extends Socket>(socket: S): S {
  sockets.push(socket);
  return socket;
}

/** The handshake's outcome: 'connected', or the refusal's code. */
function tryVisitor(url: string, token: string): Promise<string> {
  const socket = keep(
    io(`${url}/webchat`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { origin: url },
    }),
  );
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

const disconnected = (socket: Socket) =>
  new Promise<void>((resolve) =>
    socket.disconnected ? resolve() : socket.once('disconnect', () => resolve()),
  );

describe('connection slots', () => {
  it("refuses a session's socket past its limit, and frees the slot when one leaves", async () => {
    const { url, flexFlowSid } = await start({ connectionsPerSession: 2 });
    const { token } = await openWebChannel(url, { flexFlowSid });
    const first = keep(await connectVisitor(url, token));
    keep(await connectVisitor(url, token));
    expect(await tryVisitor(url, token)).toBe('too_many_connections');
    first.close();
    await expect.poll(() => tryVisitor(url, token), { timeout: 5_000 }).toBe('connected');
  });

  it('frees the slots of many sockets that close as soon as their transport opens', async () => {
    const { url, flexFlowSid } = await start({ connectionsPerSession: 2 });
    const { token } = await openWebChannel(url, { flexFlowSid });
    // Each client goes away as soon as its namespace handshake is on the wire, all at once.
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const socket = io(`${url}/webchat`, {
          auth: { token },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: { origin: url },
        });
        await new Promise<void>((resolve) => socket.io.engine.once('open', () => resolve()));
        socket.close();
      }),
    );
    await expect.poll(() => tryVisitor(url, token), { timeout: 5_000 }).toBe('connected');
    expect(await tryVisitor(url, token)).toBe('connected');
    expect(await tryVisitor(url, token)).toBe('too_many_connections');
  });

  it("frees an agent's slot when the server disconnects the desk", async () => {
    const { url } = await start({ connectionsPerSession: 1 });
    const { token } = await signIn(url);
    const desk = keep(await connectAgent(url, token));
    const gone = disconnected(desk);
    // Over the budget for unknown events by far: the server cuts the desk off.
    for (let i = 0; i < 200; i++) (desk.emit as (event: string) => void)('no:such-event');
    await gone;
    await expect
      .poll(async () => keep(await connectAgent(url, token)).connected, { timeout: 5_000 })
      .toBe(true);
  });
});

describe('a visitor socket', () => {
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;

  it('refreshes its session without the token it connected with: same contact, channel, Flex Flow and start', async () => {
    const { url, flexFlowSid } = await start({});
    const { token } = await openWebChannel(url, { flexFlowSid });
    const visitor = keep(await connectVisitor(url, token));
    const fresh = await request<{ token: string }>(visitor, 'session:refresh');
    const [before, after] = [claimsOf(token), claimsOf(fresh.token)];
    for (const claim of ['kind', 'contactSid', 'channelSid', 'flexFlowSid', 'since'])
      expect(after[claim], claim).toEqual(before[claim]);
    expect(after.flexFlowSid).toBe(flexFlowSid);
    expect(fresh.token).not.toBe(token);
  });
});

describe('backpressure', () => {
  /** A chat whose full sync is a page of about a quarter of a megabyte. */
  async function fullChat(url: string, flexFlowSid: string) {
    const { token } = await openWebChannel(url, { flexFlowSid });
    const writer = keep(await connectVisitor(url, token));
    const body = 'x'.repeat(4_000);
    for (let i = 0; i < 80; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          request(writer, 'message:send', { clientId: `fill-${i + k}`, body }),
        ),
      );
    }
    writer.close();
    return token;
  }
  const tcpOf = (socket: Socket) =>
    (socket.io.engine as unknown as { transport: { ws?: { _socket?: TcpSocket } } }).transport.ws?._socket;
  const SYNCS = 100;

  it('cuts off a visitor that stops reading while its replies pile up', { timeout: 30_000 }, async () => {
    // Budgets lifted, so that only the queue can stop this socket.
    const { url, flexFlowSid } = await start({ eventBudgets: false, messagesPerMinute: 1_000 });
    const token = await fullChat(url, flexFlowSid);
    const reader = keep(await connectVisitor(url, token));
    const gone = disconnected(reader);
    tcpOf(reader)?.pause();
    for (let i = 0; i < SYNCS; i++) reader.emit('messages:sync', { afterIndex: -1 }, () => {});
    // Reading again shows what the server did meanwhile: the replies, or the end of the connection.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    tcpOf(reader)?.resume();
    await gone;
    expect(reader.connected).toBe(false);
  });

  it('leaves a visitor that reads each reply before asking again connected', {
    timeout: 30_000,
  }, async () => {
    const { url, flexFlowSid } = await start({ eventBudgets: false, messagesPerMinute: 1_000 });
    const token = await fullChat(url, flexFlowSid);
    const reader = keep(await connectVisitor(url, token));
    for (let i = 0; i < SYNCS; i++) {
      const reply = await request<{ messages: unknown[] }>(reader, 'messages:sync', { afterIndex: -1 });
      expect(reply.messages.length).toBeGreaterThan(0);
    }
    expect(reader.connected).toBe(true);
  });
});
