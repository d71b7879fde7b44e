/**
 * `npm run bench`: every figure measured in one run on this machine, each against a baseline
 * measured in the same run (the machine is shared and noisy), written to test/bench/RESULTS.md
 * and printed. Servers run as child processes on core 0 (when taskset exists), the load here on
 * core 1; everything is on loopback and bounded. BENCH_QUICK=1 runs a smaller version.
 *
 * BENCH_ONLY=<sections> runs some sections only (sqlite, postgres, bot, connections, nodes,
 * widget; the bare relay always runs) and prints the report without writing RESULTS.md or the
 * plot. BENCH_LEVELS, BENCH_CONNECTIONS and BENCH_NODE_LEVELS override the sizes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { botVisitors, runExchanges } from './bot.ts';
import { cpuInFlight, cpuPerMessage, floodCost } from './cpu-measure.ts';
import { sqliteFloor } from './floor.ts';
import { latencyPlot } from './plot.ts';
import { type BenchServer, pinLoad, pinned, startServer } from './processes.ts';
import { measureLatency } from './relay.ts';
import { barePairs, closeAll, openChannels, type Pair, parleyPairs, taskFlexFlow } from './setup.ts';
import { widgetSizeReport } from './sizes.ts';

const quick = process.env.BENCH_QUICK === '1';
const numbers = (value: string | undefined) => value?.split(',').map(Number);
const LEVELS = numbers(process.env.BENCH_LEVELS) ?? (quick ? [10, 100] : [10, 100, 1000, 5000]);
// A process may hold 20,000 descriptors here (the hard limit, which it cannot raise): the server
// needs a few for itself, so "20,000" is 19,900 idle connections; the clients are spread over
// several processes (connect-load.ts).
const CONNECTIONS = numbers(process.env.BENCH_CONNECTIONS) ?? (quick ? [1000] : [5000, 19_900]);
const NODE_LEVELS = numbers(process.env.BENCH_NODE_LEVELS) ?? (quick ? [10] : [10, 100, 1000]);
/** Idle visitors held on one of two nodes, for heap per connection there (one of CONNECTIONS). */
const NODE_CONNECTIONS = CONNECTIONS[0] ?? 1000;
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const runs = (section: string) => !only || only.has(section);
const FLOOD_MESSAGES = quick ? 2000 : 10_000;
const IN_FLIGHT_MESSAGES = quick ? 1000 : 5000;
const BOT_MESSAGES = quick ? 500 : 2000;
pinLoad();

const rows: string[] = [];
const ratio = (a: number, b: number) => a / b;
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const verdict = (value: number, goal: number) =>
  value <= goal ? `meets ≤ ${goal}×` : `**misses ≤ ${goal}×**`;
const log = (line: string) => console.error(`[bench] ${line}`);

async function withServer<T>(server: Promise<BenchServer>, work: (s: BenchServer) => Promise<T>): Promise<T> {
  const s = await server;
  try {
    return await work(s);
  } finally {
    s.stop();
  }
}

interface EngineRun {
  latency: { p50: number; p99: number; count: number }[];
  flood: { perSecond: number; cpuMicros: number };
  inFlight: number;
}

/** Each CPU figure is the median of this many rounds, the flood's and the one-in-flight's taken in turn. */
const CPU_ROUNDS = 3;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Latency at every level, then CPU per message in the flood and with one in flight (100 conversations). */
async function engineRun(server: BenchServer, pairs: Pair[], tag: string): Promise<EngineRun> {
  const latency = [];
  for (const n of LEVELS) {
    log(`${tag}: latency at ${n} conversations`);
    latency.push(await measureLatency(pairs.slice(0, n), Math.max(2000, 5 * n), `${tag}-l${n}`));
  }
  const hundred = pairs.slice(0, 100);
  const rounds: { perSecond: number; cpuMicros: number; inFlight: number }[] = [];
  for (let round = 0; round < CPU_ROUNDS; round++) {
    const { perSecond, cpuMicros } = await floodCost(server, hundred, FLOOD_MESSAGES, `${tag}-tp${round}`);
    const inFlight = await cpuInFlight(server, hundred, IN_FLIGHT_MESSAGES, `${tag}-if${round}`);
    rounds.push({ perSecond, cpuMicros, inFlight });
  }
  return {
    latency,
    flood: {
      perSecond: median(rounds.map((r) => r.perSecond)),
      cpuMicros: median(rounds.map((r) => r.cpuMicros)),
    },
    inFlight: median(rounds.map((r) => r.inFlight)),
  };
}

const maxLevel = Math.max(100, ...LEVELS);
const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
log('bare relay');
const bare = await withServer(startServer('bare'), async (server) => {
  const pairs = await barePairs(server.url, maxLevel);
  const run = await engineRun(server, pairs, 'bare');
  closeAll(pairs);
  return run;
});
async function parleyRun(tag: string, env: Record<string, string> = {}) {
  return withServer(startServer('parley', env), async (server) => {
    const pairs = await parleyPairs(server.url, maxLevel);
    const run = await engineRun(server, pairs, tag);
    closeAll(pairs);
    return run;
  });
}
let sqlite: EngineRun | null = null;
if (runs('sqlite')) {
  log('Parley on SQLite');
  sqlite = await parleyRun('sq');
}
const postgres = runs('postgres') || runs('nodes') ? await startPostgres() : null;
let postgresRun: EngineRun | null = null;
if (postgres && runs('postgres')) {
  log('Parley on PostgreSQL');
  postgresRun = await parleyRun('pg', { DATABASE_URL: await postgres.createDatabase() });
}

const engines: [string, EngineRun][] = [];
if (sqlite) engines.push(['SQLite', sqlite]);
if (postgresRun) engines.push(['PostgreSQL', postgresRun]);
if (engines.length > 0) latencyAndCpu();

function latencyAndCpu() {
  rows.push(
    `## Visitor → agent delivery latency, with persistence (ratio to a bare Socket.IO room broadcast)\n`,
    'Each conversation has one message in flight: the next is sent when the last was delivered.\n',
    '| concurrent conversations | messages | bare p50 / p99 ms | engine | Parley p50 / p99 ms | ratio p50 (goal ≤ 1.5×) | ratio p99 (goal ≤ 2×) |',
    '|---|---|---|---|---|---|---|',
    ...LEVELS.flatMap((n, i) => {
      const b = bare.latency[i]!;
      return engines.map(([name, run]) => {
        const p = run.latency[i]!;
        const r50 = ratio(p.p50, b.p50);
        const r99 = ratio(p.p99, b.p99);
        return `| ${n} | ${p.count} | ${fmt(b.p50)} / ${fmt(b.p99)} | ${name} | ${fmt(p.p50)} / ${fmt(p.p99)} | ${fmt(r50)} (${verdict(r50, 1.5)}) | ${fmt(r99)} (${verdict(r99, 2)}) |`;
      });
    }),
  );
  const plot = [
    { name: 'bare Socket.IO', color: '#888', run: bare },
    { name: 'Parley, SQLite', color: '#1f77b4', run: sqlite },
    { name: 'Parley, PostgreSQL', color: '#d62728', run: postgresRun },
  ].filter((series): series is { name: string; color: string; run: EngineRun } => series.run !== null);
  if (!only) {
    mkdirSync(join(import.meta.dirname, '../../docs'), { recursive: true });
    writeFileSync(
      join(import.meta.dirname, '../../docs/bench-latency.svg'),
      latencyPlot(
        plot.map(({ name, color, run }) => ({
          name,
          color,
          points: LEVELS.map(
            (n, i) => [n, run.latency[i]!.p50, run.latency[i]!.p99] as [number, number, number],
          ),
        })),
        'Visitor → agent delivery latency',
      ),
    );
  }
  rows.push('\n![Delivery latency against concurrent conversations](../../docs/bench-latency.svg)');

  const floodRatio = (run: EngineRun) => ratio(run.flood.cpuMicros, bare.flood.cpuMicros);
  const inFlightRatio = (run: EngineRun) => ratio(run.inFlight, bare.inFlight);
  rows.push(
    `\n## Server CPU per message, persisted and acknowledged (100 conversations)\n`,
    `Flood: every conversation sends its share of ${FLOOD_MESSAGES} messages at once. One in flight: ${IN_FLIGHT_MESSAGES} messages, each conversation sending its next when the last was delivered. Each figure is the median of ${CPU_ROUNDS} rounds, the two kinds taken in turn, on every server alike.\n`,
    '| server | flood messages/s | flood CPU µs per message | ratio (goal SQLite ≤ 2×, PostgreSQL ≤ 2.5×) | one in flight CPU µs per message | ratio (goal SQLite ≤ 1.5×, PostgreSQL ≤ 2×) |',
    '|---|---|---|---|---|---|',
    `| bare Socket.IO relay (no storage) | ${fmt(bare.flood.perSecond, 0)} | ${fmt(bare.flood.cpuMicros, 0)} | 1.00 | ${fmt(bare.inFlight, 0)} | 1.00 |`,
    ...(sqlite
      ? [
          `| Parley, SQLite (WAL, synchronous NORMAL) | ${fmt(sqlite.flood.perSecond, 0)} | ${fmt(sqlite.flood.cpuMicros, 0)} | ${fmt(floodRatio(sqlite))} (${verdict(floodRatio(sqlite), 2)}) | ${fmt(sqlite.inFlight, 0)} | ${fmt(inFlightRatio(sqlite))} (${verdict(inFlightRatio(sqlite), 1.5)}) |`,
        ]
      : []),
    ...(postgresRun
      ? [
          `| Parley, PostgreSQL 15 (fsync off in the test instance) | ${fmt(postgresRun.flood.perSecond, 0)} | ${fmt(postgresRun.flood.cpuMicros, 0)} | ${fmt(floodRatio(postgresRun))} (${verdict(floodRatio(postgresRun), 2.5)}) | ${fmt(postgresRun.inFlight, 0)} | ${fmt(inFlightRatio(postgresRun))} (${verdict(inFlightRatio(postgresRun), 2)}) |`,
        ]
      : []),
  );
  if (sqlite) rows.push(...storageFloorReport(bare.flood.cpuMicros, bare.inFlight));
}

/**
 * What the CPU goals leave for storage, next to what SQLite alone costs (floor.ts), both from
 * this run: the reason the SQLite goals can or cannot be met, in figures anyone can check.
 */
function storageFloorReport(bareFlood: number, bareInFlight: number): string[] {
  log('SQLite on its own');
  const floor = sqliteFloor();
  const inFlightRoom = (1.5 - 1) * bareInFlight;
  const floodRoom = (2 - 1) * bareFlood;
  const share = (micros: number, room: number) => `${fmt((100 * micros) / room, 0)}%`;
  return [
    '\n## What the SQLite goals leave for storage, and what SQLite alone costs\n',
    `A goal of 1.5× the relay with one message in flight leaves ${fmt(inFlightRoom, 1)} µs per message for everything Parley adds to a relayed message (storing it, checking its author, its ids, its search indexing); 2× under the flood leaves ${fmt(floodRoom, 1)} µs. Below, SQLite on its own, with no Parley code and no socket: a message stored in order per conversation (a unique conversation-and-index key and the conversation's next index, the least a chat store writes), better-sqlite3 in WAL mode with synchronous NORMAL as Parley opens it, 100 conversations taking turns. With one message in flight per conversation no commit can hold more than 100.\n`,
    '| messages per commit | SQLite CPU µs per message | share of the one-in-flight room | share of the flood room |',
    '|---|---|---|---|',
    ...floor.map(
      ({ batch, micros }) =>
        `| ${batch} | ${fmt(micros, 1)} | ${share(micros, inFlightRoom)} | ${share(micros, floodRoom)} |`,
    ),
  ];
}

// A bot-active message: the visitor's message and the bot's reply, against one relayed message.
if (runs('bot')) {
  log('bot-active messages on SQLite');
  const bot = await withServer(startServer('parley'), async (server) => {
    const visitors = await botVisitors(server.url, 100);
    // Untimed first, as the other CPU figures are measured warm.
    await runExchanges(visitors, BOT_MESSAGES / 2, 'bot-w');
    const rounds: number[] = [];
    let count = 0;
    for (let round = 0; round < CPU_ROUNDS; round++) {
      rounds.push(
        await cpuPerMessage(
          () => server.cpuSeconds(),
          async () => {
            count = await runExchanges(visitors, BOT_MESSAGES, `bot${round}`);
            return count;
          },
        ),
      );
    }
    for (const v of visitors) v.socket.close();
    return { count, cpuMicros: median(rounds) };
  });
  const botRatio = ratio(bot.cpuMicros, bare.inFlight);
  rows.push(
    `\n## A bot-active message (visitor message + bot reply, 100 conversations, median of ${CPU_ROUNDS} rounds of ${bot.count} exchanges, SQLite)\n`,
    '| | server CPU µs per visitor message | ratio to one relayed message (goal ≤ 8×) |',
    '|---|---|---|',
    `| bot flow answering every message (templated send-and-wait-for-reply) | ${fmt(bot.cpuMicros, 0)} | ${fmt(botRatio)} (${verdict(botRatio, 8)}) |`,
  );
}

// Connecting visitors, and heap per idle connection.
const PER_LOADER = Number(process.env.BENCH_PER_LOADER ?? 9000);
/** A share of the connections, held by its own process (on the load's core): resolves once connected. */
function loader(url: string, auths: Record<string, unknown>[], dir: string, i: number) {
  const file = join(dir, `auths-${i}.json`);
  writeFileSync(file, JSON.stringify(auths));
  const args = ['--import', 'tsx', join(import.meta.dirname, 'connect-load.ts'), url, file];
  const options = { stdio: ['pipe', 'pipe', 'inherit'] as ['pipe', 'pipe', 'inherit'] };
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
  return new Promise<{ child: ChildProcess; seconds: number; failures: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`connection loader exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const [word, seconds, failures] = line.split(' ');
      if (word === 'CONNECTED') resolve({ child, seconds: Number(seconds), failures: Number(failures) });
    });
  });
}
async function connectMany(server: BenchServer, auths: Record<string, unknown>[], namespace: string) {
  const heapBefore = await server.heapUsed();
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-load-'));
  const shares = Array.from({ length: Math.ceil(auths.length / PER_LOADER) }, (_, i) =>
    auths.slice(i * PER_LOADER, (i + 1) * PER_LOADER),
  );
  const loaders = await Promise.all(
    shares.map((share, i) => loader(`${server.url}${namespace}`, share, dir, i)),
  );
  // The loaders connect at once; each times its own share, without its start-up.
  const seconds = Math.max(...loaders.map((l) => l.seconds));
  await new Promise((r) => setTimeout(r, 500));
  const heapPer = ((await server.heapUsed()) - heapBefore) / auths.length;
  for (const { child } of loaders) {
    child.removeAllListeners('exit');
    child.stdin?.end('close\n');
  }
  return { seconds, failures: loaders.reduce((sum, l) => sum + l.failures, 0), heapPer };
}
/** The bare relay's heap per idle connection, by count, for the two nodes' figure. */
const bareHeapPer = new Map<number, number>();
if (runs('connections')) {
  rows.push(
    '\n## Visitors connecting, and heap per idle connection\n',
    '| connections | server | time to connect all | failures | heap per idle connection |',
    '|---|---|---|---|---|',
  );
  for (const count of CONNECTIONS) {
    log(`connecting ${count} visitors`);
    const bareConnect = await withServer(startServer('bare'), (server) =>
      connectMany(
        server,
        Array.from({ length: count }, (_, i) => ({ room: `c${i}` })),
        '',
      ),
    );
    const parleyConnect = await withServer(startServer('parley'), async (server) => {
      const sessions = await openChannels(server.url, await taskFlexFlow(server.url), count);
      return connectMany(
        server,
        sessions.map(({ token }) => ({ token })),
        '/webchat',
      );
    });
    bareHeapPer.set(count, bareConnect.heapPer);
    const connectRatio = ratio(parleyConnect.seconds, bareConnect.seconds);
    const heapRatio = ratio(parleyConnect.heapPer, bareConnect.heapPer);
    rows.push(
      `| ${count} | bare Socket.IO | ${fmt(bareConnect.seconds)} s | ${bareConnect.failures} | ${fmt(bareConnect.heapPer / 1024, 1)} KB |`,
      `| ${count} | Parley (token verified, channel and Origin checked) | ${fmt(parleyConnect.seconds)} s | ${parleyConnect.failures} | ${fmt(parleyConnect.heapPer / 1024, 1)} KB |`,
      `| ${count} | ratio | ${fmt(connectRatio)} (${verdict(connectRatio, 1.5)}) | | ${fmt(heapRatio)} (${verdict(heapRatio, 1.2)}) |`,
    );
  }
}

// 5. Two nodes over PostgreSQL and Redis: cross-node delivery and CPU against one node.
if (postgres && runs('nodes')) {
  log('two nodes over PostgreSQL and Redis');
  const redis = await startRedis();
  const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url };
  const [nodeA, nodeB] = (await Promise.all([startServer('parley', env), startServer('parley', env)])) as [
    BenchServer,
    BenchServer,
  ];
  const bothCpu = () => nodeA.cpuSeconds() + nodeB.cpuSeconds();
  const nodeMax = Math.max(100, ...NODE_LEVELS);
  /** Latency at every level, then both nodes' CPU per message with one in flight (100 conversations). */
  async function nodeRun(agentUrl: string, tag: string) {
    const pairs = await parleyPairs(nodeA.url, nodeMax, agentUrl, tag);
    const latency = [];
    for (const n of NODE_LEVELS) {
      log(`two nodes, ${tag}: latency at ${n} conversations`);
      latency.push(await measureLatency(pairs.slice(0, n), Math.max(2000, 5 * n), `${tag}-l${n}`));
    }
    const cpuMicros = await cpuPerMessage(
      bothCpu,
      async () => (await measureLatency(pairs.slice(0, 100), IN_FLIGHT_MESSAGES, `${tag}-if`)).count,
    );
    closeAll(pairs);
    return { latency, cpuMicros };
  }
  const bareIdle = bareHeapPer.get(NODE_CONNECTIONS);
  const one = await nodeRun(nodeA.url, 'one');
  const cross = await nodeRun(nodeB.url, 'cross');
  log(`two nodes: connecting ${NODE_CONNECTIONS} visitors to node A`);
  const sessions = await openChannels(nodeA.url, await taskFlexFlow(nodeA.url), NODE_CONNECTIONS);
  const idle = await connectMany(
    nodeA,
    sessions.map(({ token }) => ({ token })),
    '/webchat',
  );
  nodeA.stop();
  nodeB.stop();
  redis.stop();
  rows.push(
    '\n## Two nodes (PostgreSQL + Redis adapter)\n',
    'Visitors on node A; their agents on node A too, or on node B (every message crosses Redis). Latency as above; CPU is both nodes together, one message in flight per conversation, 100 conversations. Last, idle visitors connect to node A and its heap per connection is measured as on one node.\n',
    '| concurrent conversations | messages | one node p50 / p99 ms | cross-node p50 / p99 ms | ratio p50 | ratio p99 |',
    '|---|---|---|---|---|---|',
    ...NODE_LEVELS.map((n, i) => {
      const a = one.latency[i]!;
      const b = cross.latency[i]!;
      return `| ${n} | ${b.count} | ${fmt(a.p50)} / ${fmt(a.p99)} | ${fmt(b.p50)} / ${fmt(b.p99)} | ${fmt(ratio(b.p50, a.p50))} | ${fmt(ratio(b.p99, a.p99))} |`;
    }),
    '',
    '| | CPU µs per message, both nodes | ratio to the bare relay |',
    '|---|---|---|',
    `| visitor and agent on one node | ${fmt(one.cpuMicros, 0)} | ${fmt(ratio(one.cpuMicros, bare.inFlight))} |`,
    `| visitor on node A, agent on node B | ${fmt(cross.cpuMicros, 0)} | ${fmt(ratio(cross.cpuMicros, bare.inFlight))} |`,
    '',
    '| idle visitor connections on node A | time to connect all | failures | heap per idle connection | ratio to bare Socket.IO (goal ≤ 1.2×) |',
    '|---|---|---|---|---|',
    `| ${NODE_CONNECTIONS} | ${fmt(idle.seconds)} s | ${idle.failures} | ${fmt(idle.heapPer / 1024, 1)} KB | ${
      bareIdle
        ? `${fmt(ratio(idle.heapPer, bareIdle))} (${verdict(ratio(idle.heapPer, bareIdle), 1.2)})`
        : '(bare not measured in this run)'
    } |`,
  );
}
postgres?.stop();

// 6. The widget.
if (runs('widget')) rows.push('\n## Widget\n', widgetSizeReport());
const widgetBenchFile = join(import.meta.dirname, 'widget.ts');
if (runs('widget') && existsSync(widgetBenchFile)) {
  log('widget in Chromium');
  const { widgetBench } = (await import(widgetBenchFile)) as { widgetBench: () => Promise<string> };
  rows.push('', await widgetBench());
}

const report = `# Benchmark results

Measured by \`npm run bench\`${quick ? ' (BENCH_QUICK=1)' : ''} on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${process.platform}.
${pinned ? 'Each server pinned to core 0, the load on core 1.' : 'Servers and load unpinned (no taskset).'} Every figure is from this one run; ratios compare with a baseline measured in the same run.

${rows.join('\n')}

The whole run took ${fmt((performance.now() - started) / 60_000, 1)} minutes; the machine's load average (1 min) was ${fmt(loadBefore, 1)} at the start and ${fmt(loadavg()[0] ?? 0, 1)} at the end (the bench itself adds about 2): on a shared machine, ratios move with it.
`;
// A partial run (BENCH_ONLY) is printed, never written over the full report.
if (!only) writeFileSync(join(import.meta.dirname, 'RESULTS.md'), report);
console.log(report);
process.exit(0);
