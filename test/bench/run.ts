/**
 * `npm run bench`: measures Parley against a baseline measured in the same run, and writes
 * test/bench/RESULTS.md. The server runs in its own process pinned to core 0 (when `taskset`
 * exists), the load in this process on core 1. Figures are ratios to the baseline, because
 * this machine is shared and noisy.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { measureLatency, measureThroughput, type Pair } from './relay.ts';
import { widgetSizeReport } from './sizes.ts';

const here = import.meta.dirname;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length > 1;
  } catch {
    return false;
  }
})();
if (hasTaskset) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

async function startServer(kind: 'parley' | 'bare') {
  const args = ['--import', 'tsx', join(here, 'server-process.ts'), kind];
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/READY (\S+)/);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGKILL') };
}

function connect(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    extraHeaders: { origin: new URL(url).origin },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function barePairs(url: string, count: number): Promise<Pair[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      sender: await connect(url, { room: `r${i}` }),
      receiver: await connect(url, { room: `r${i}` }),
      send: (socket: Socket, clientId: string, body: string, ack: () => void) =>
        socket.emit('message:send', { clientId, body }, ack),
    })),
  );
}

/** Visitor → agent pairs on real Parley: each visitor's chat accepted by one of the agents. */
async function parleyPairs(url: string, count: number): Promise<Pair[]> {
  const admin = { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' };
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const username = `bench${i}`;
    await fetch(`${url}/v1/Workers`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ friendlyName: `Bench ${i}`, username, password: 'bench-pw', capacity: 1 }),
    });
    const { token } = await (
      await fetch(`${url}/v1/AgentSessions`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ username, password: 'bench-pw' }),
      })
    ).json();
    const agent = await connect(`${url}/agent`, { token });
    await agent.emitWithAck('session:sync', {});
    await agent.emitWithAck('activity:set', { activity: 'Available' });
    const flexFlowSid = (await (await fetch(`${url}/v1/FlexFlows`, { headers: admin })).json()).flexFlows[0]
      .sid;
    const session = await (
      await fetch(`${url}/v1/WebChannels`, {
        method: 'POST',
        headers: { ...admin, origin: url },
        body: JSON.stringify({ flexFlowSid, customerFriendlyName: `Visitor ${i}` }),
      })
    ).json();
    const visitor = await connect(`${url}/webchat`, { token: session.token });
    const offered = new Promise<{ reservation: { sid: string } }>((resolve) =>
      agent.once('offer:new', resolve),
    );
    await visitor.emitWithAck('message:send', { clientId: 'hello', body: 'hello' });
    const offer = await offered;
    await agent.emitWithAck('reservation:accept', { reservationSid: offer.reservation.sid });
    pairs.push({
      sender: visitor,
      receiver: agent,
      send: (socket, clientId, body, ack) => socket.emit('message:send', { clientId, body }, ack),
    });
  }
  return pairs;
}

async function measure(kind: 'parley' | 'bare') {
  const server = await startServer(kind);
  try {
    const pairs = kind === 'bare' ? await barePairs(server.url, PAIRS) : await parleyPairs(server.url, PAIRS);
    const [first] = pairs;
    if (!first) throw new Error('BENCH_PAIRS must be at least 1');
    const latency = await measureLatency(first, Math.min(MESSAGES, 1000));
    const throughput = await measureThroughput(pairs, MESSAGES);
    for (const p of pairs) {
      p.sender.close();
      p.receiver.close();
    }
    return { latency, throughput };
  } finally {
    server.stop();
  }
}

const bare = await measure('bare');
const parley = await measure('parley');
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const ms = (n: number) => n.toFixed(2);
const sizes = widgetSizeReport();

const report = `# Benchmark results

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.
Server ${hasTaskset ? 'pinned to core 0, load on core 1' : 'and load unpinned (no taskset)'}. Baseline: bare Socket.IO relaying to a room, no storage, no auth.

## Visitor → agent delivery, one message at a time (${Math.min(MESSAGES, 1000)} messages)

| | p50 ms | p99 ms | ratio p50 | ratio p99 |
|---|---|---|---|---|
| bare Socket.IO relay | ${ms(bare.latency.p50)} | ${ms(bare.latency.p99)} | 1.00 | 1.00 |
| Parley (SQLite, WAL, synchronous=NORMAL) | ${ms(parley.latency.p50)} | ${ms(parley.latency.p99)} | ${ratio(parley.latency.p50, bare.latency.p50)} | ${ratio(parley.latency.p99, bare.latency.p99)} |

## Sustained throughput (${MESSAGES} messages over ${PAIRS} conversations, every one acknowledged and delivered)

| | messages/s | ratio |
|---|---|---|
| bare Socket.IO relay | ${bare.throughput.toFixed(0)} | 1.00 |
| Parley (persisted, acknowledged after commit) | ${parley.throughput.toFixed(0)} | ${ratio(parley.throughput, bare.throughput)} |

## Widget

${sizes}
`;
writeFileSync(join(here, 'RESULTS.md'), report);
console.log(report);
process.exit(0);
