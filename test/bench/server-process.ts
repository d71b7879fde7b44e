/**
 * A server for the benchmarks, run as its own process (pinned to one core by run.ts):
 *   parley  a real Parley demo server on a temp SQLite file
 *   bare    the baseline: plain Socket.IO relaying each message to the other sockets in a room
 * Prints `READY <url>` once it listens.
 */

import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { createServer } from '../../server/index.ts';

const kind = process.argv[2];

if (kind === 'parley') {
  const server = await createServer({
    dataDir: mkdtempSync(join(tmpdir(), 'parley-bench-')),
    adminKey: 'bench-admin-key',
    secret: 'bench-secret-0123456789abcdef',
    seedDemo: true,
    limits: { signInPerMinute: 10_000, webChannelsPerMinute: 100_000 },
    log: pino({ level: 'warn' }),
  });
  const { url } = await server.listen(0, '127.0.0.1');
  console.log(`READY ${url}`);
} else if (kind === 'bare') {
  const http = createHttpServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    const room = String(socket.handshake.auth.room);
    void socket.join(room);
    socket.on('message:send', (payload, ack) => {
      socket.to(room).emit('message:new', payload);
      ack?.({ ok: true });
    });
  });
  http.listen(0, '127.0.0.1', () =>
    console.log(`READY http://127.0.0.1:${(http.address() as AddressInfo).port}`),
  );
} else {
  console.error('usage: server-process.ts parley|bare');
  process.exit(2);
}
