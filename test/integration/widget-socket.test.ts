/**
 * The widget's own Socket.IO namespace client (widget/client/wire/namespace-socket.ts) against
 * a real Socket.IO server on port 0: it behaves as socket.io-client does where the widget
 * relies on it (connect with auth, events both ways, acks and their timeouts, emits buffered
 * while disconnected, reconnection with the current auth, no retry after a refusal or a
 * server-side disconnect).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { NamespaceSocket } from '../../widget/client/wire/namespace-socket.ts';

let http: HttpServer;
let io: Server;
const clients: NamespaceSocket[] = [];

/** A Socket.IO server with a /webchat namespace; `setup` adds its middleware and handlers. */
async function startServer(setup: (nsp: ReturnType<Server['of']>) => void, port = 0): Promise<string> {
  http = createServer();
  io = new Server(http, { serveClient: false });
  setup(io.of('/webchat'));
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

async function stopServer() {
  io.disconnectSockets(true);
  await new Promise<void>((resolve) => io.close(() => resolve()));
}

function connect(origin: string, token = 'good') {
  const client = new NamespaceSocket(origin, '/webchat', {
    auth: { token },
    transports: ['websocket', 'polling'],
  });
  clients.push(client);
  return client;
}

const once = (client: NamespaceSocket, event: string) =>
  new Promise<unknown[]>((resolve) => {
    let done = false;
    client.on(event, (...args: unknown[]) => {
      if (!done) resolve(args);
      done = true;
    });
  });

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  if (io) await stopServer();
});

const withAuth = (nsp: ReturnType<Server['of']>) =>
  nsp.use((socket, next) =>
    next(socket.handshake.auth.token === 'bad' ? new Error('unauthorized') : undefined),
  );

describe('the widget namespace client', () => {
  it('connects with its auth, emits with an ack, and receives events', async () => {
    const seen: unknown[] = [];
    const url = await startServer((nsp) => {
      withAuth(nsp);
      nsp.on('connection', (socket: Socket) => {
        seen.push(socket.handshake.auth);
        socket.on('message:send', (req, ack) => ack({ echoed: req.body }));
        socket.on('typing:start', () => socket.emit('message:new', { body: 'from the server' }));
      });
    });
    const client = connect(url);
    await once(client, 'connect');
    expect(client.connected).toBe(true);
    expect(seen).toEqual([{ token: 'good' }]);

    const reply = await new Promise((resolve) =>
      client
        .timeout(5_000)
        .emit('message:send', { body: 'hi' }, (err: Error | null, r: unknown) => resolve(err ?? r)),
    );
    expect(reply).toEqual({ echoed: 'hi' });

    const received = once(client, 'message:new');
    client.emit('typing:start');
    expect(await received).toEqual([{ body: 'from the server' }]);
  });

  it('fails an ack that never comes once the timeout passes', async () => {
    const url = await startServer((nsp) => nsp.on('connection', (socket) => socket.on('chat:end', () => {})));
    const client = connect(url);
    await once(client, 'connect');
    const started = Date.now();
    const err = await new Promise<Error | null>((resolve) =>
      client.timeout(300).emit('chat:end', {}, (e: Error | null) => resolve(e)),
    );
    expect(err?.message).toBe('operation has timed out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reports a refusal as connect_error with the server’s message and does not retry', async () => {
    let handshakes = 0;
    const url = await startServer((nsp) => {
      nsp.use((_socket, next) => {
        handshakes++;
        next();
      });
      withAuth(nsp);
    });
    const client = connect(url, 'bad');
    const [err] = (await once(client, 'connect_error')) as [Error];
    expect(err.message).toBe('unauthorized');
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // longer than the longest first backoff
    expect(handshakes).toBe(1);
    expect(client.connected).toBe(false);
  });

  it('reconnects with the current auth when the server restarts, and sends what was emitted meanwhile', async () => {
    const auths: unknown[] = [];
    const received: unknown[] = [];
    const setup = (nsp: ReturnType<Server['of']>) =>
      nsp.on('connection', (socket) => {
        auths.push(socket.handshake.auth);
        socket.on('channel:read', (req) => received.push(req));
        socket.on('messages:sync', () => {}); // never answered: its ack is in flight at the restart
      });
    const url = await startServer(setup);
    const port = Number(new URL(url).port);
    const client = connect(url);
    await once(client, 'connect');

    const disconnected = once(client, 'disconnect');
    const pending = new Promise<Error | null>((resolve) =>
      client.timeout(10_000).emit('messages:sync', {}, (e: Error | null) => resolve(e)),
    );
    await stopServer();
    await disconnected;
    expect(client.connected).toBe(false);
    // An ack that was in flight fails at once rather than waiting for its timeout…
    const lost = await pending;
    expect(lost?.message).toBe('socket has been disconnected');
    // …and what is emitted while disconnected waits in the buffer.
    client.emit('channel:read', { index: 3 });
    client.auth = { token: 'refreshed' };

    await startServer(setup, port);
    await once(client, 'connect');
    expect(auths.at(-1)).toEqual({ token: 'refreshed' });
    await expect.poll(() => received).toEqual([{ index: 3 }]);
  });

  it('stays disconnected after the server disconnects it', async () => {
    let connections = 0;
    const url = await startServer((nsp) =>
      nsp.on('connection', (socket) => {
        connections++;
        socket.on('chat:end', () => socket.disconnect(true));
      }),
    );
    const client = connect(url);
    await once(client, 'connect');
    const reason = once(client, 'disconnect');
    client.emit('chat:end', {});
    expect(await reason).toEqual(['io server disconnect']);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(connections).toBe(1);
  });
});
