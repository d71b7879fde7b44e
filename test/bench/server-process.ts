/**
 * A server for the benchmarks, run as its own process (pinned to one core by run.ts):
 *   parley  a real Parley server (SQLite in a temp dir, or DATABASE_URL / REDIS_URL from the env)
 *   bare    the baseline: a plain Socket.IO server relaying each message to the room
 * Prints `READY <url>` once it listens. Answers `heap` on stdin with `HEAP <bytes>` after a full
 * garbage collection (run with --expose-gc).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { createServer } from '../../server/index.ts';

const kind = process.argv[2];
// A clean exit on SIGTERM lets --cpu-prof write its profile.
process.on('SIGTERM', () => process.exit(0));

// `profile start` / `profile stop <file>`: a CPU profile of one measured stretch only, without
// the start-up and the set-up around it (BENCH_PROFILE in cpu.ts).
let inspector: Session | null = null;
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, ...rest] = line.trim().split(' ');
  if (command === 'heap') {
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`HEAP ${process.memoryUsage().heapUsed}`);
  } else if (line.trim() === 'profile start') {
    inspector = new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await inspector.post('Profiler.start');
    console.log('PROFILING');
  } else if (command === 'profile' && rest[0] === 'stop' && inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(rest[1] as string, JSON.stringify(profile));
    inspector.disconnect();
    inspector = null;
    console.log('PROFILED');
  }
});

if (kind === 'parley') {
  const server = await createServer({
    dataDir: mkdtempSync(join(tmpdir(), 'parley-bench-')),
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    adminKey: 'bench-admin-key',
    secret: 'bench-secret-0123456789abcdef',
    seedDemo: true,
    // The load comes from one address: far above what one visitor may send.
    limits: {
      signInPerMinute: 100_000,
      webChannelsPerMinute: 1_000_000,
      messagesPerMinute: 1_000_000,
      messagesPerMinutePerIp: 10_000_000,
      connectionsPerIp: 1_000_000,
      tcpConnectionsPerIp: 1_000_000,
      eventBudgets: false,
    },
    log: pino({ level: 'warn' }),
  });
  const { url } = await server.listen(0, '127.0.0.1');
  console.log(`READY ${url}`);
} else if (kind === 'bare') {
  // The baseline the issue names: a few lines of Socket.IO relaying messages to a room.
  const http = createHttpServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    // A sender talks in one room; a receiver (like an agent) may listen in several.
    const room = String(socket.handshake.auth.room);
    void socket.join([room, ...((socket.handshake.auth.rooms as string[] | undefined) ?? [])]);
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
