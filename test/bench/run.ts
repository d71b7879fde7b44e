/**
 * `npm run bench`: every figure measured in one run on this machine, each against a baseline
 * measured in the same run (the machine is shared and noisy), written to test/bench/RESULTS.md
 * and printed. Servers run as child processes on core 0 (when taskset exists), the load here on
 * core 1; everything is on loopback and bounded. BENCH_QUICK=1 runs a smaller version.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { botVisitors, runExchanges } from './bot.ts';
import { cpuInFlight } from './cpu-measure.ts';
import { latencyPlot } from './plot.ts';
import { type BenchServer, pinLoad, pinned, startServer } from './processes.ts';
import { measureLatency, measureThroughput } from './relay.ts';
import {
  barePairs,
  closeAll,
  connect,
  inBatches,
  openChannels,
  type Pair,
  parleyPairs,
  taskFlexFlow,
} from './setup.ts';
import { widgetSizeReport } from './sizes.ts';

const quick = process.env.BENCH_QUICK === '1';
const LEVELS =
  process.env.BENCH_LEVELS?.split(',').map(Number) ?? (quick ? [10, 100] : [10, 100, 1000, 5000]);
// One process may hold 20,000 descriptors here (the hard limit), so the larger count stays under it.
const CONNECTIONS = quick ? [1000] : [5000, 15_000];
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

/** Latency at every level, then CPU per message in the flood and with one in flight (100 conversations). */
async function engineRun(server: BenchServer, pairs: Pair[], tag: string): Promise<EngineRun> {
  const latency = [];
  for (const n of LEVELS) {
    log(`${tag}: latency at ${n} conversations`);
    latency.push(await measureLatency(pairs.slice(0, n), Math.max(2000, 5 * n), `${tag}-l${n}`));
  }
  const hundred = pairs.slice(0, 100);
  const before = server.cpuSeconds();
  const flood = await measureThroughput(hundred, FLOOD_MESSAGES, `${tag}-tp`);
  const cpuMicros = ((server.cpuSeconds() - before) * 1e6) / flood.messages;
  const inFlight = await cpuInFlight(server, hundred, IN_FLIGHT_MESSAGES, `${tag}-if`);
  return { latency, flood: { perSecond: flood.perSecond, cpuMicros }, inFlight };
}

const maxLevel = Math.max(100, ...LEVELS);
log('bare relay');
const bare = await withServer(startServer('bare'), async (server) => {
  const pairs = await barePairs(server.url, maxLevel);
  const run = await engineRun(server, pairs, 'bare');
  closeAll(pairs);
  return run;
});
log('Parley on SQLite');
const sqlite = await withServer(startServer('parley'), async (server) => {
  const pairs = await parleyPairs(server.url, maxLevel);
  const run = await engineRun(server, pairs, 'sq');
  closeAll(pairs);
  return run;
});
log('Parley on PostgreSQL');
const postgres = await startPostgres();
const postgresRun = await withServer(
  startServer('parley', { DATABASE_URL: await postgres.createDatabase() }),
  async (server) => {
    const pairs = await parleyPairs(server.url, maxLevel);
    const run = await engineRun(server, pairs, 'pg');
    closeAll(pairs);
    return run;
  },
);

const engines = [
  ['SQLite', sqlite],
  ['PostgreSQL', postgresRun],
] as const;
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
mkdirSync(join(import.meta.dirname, '../../docs'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, '../../docs/bench-latency.svg'),
  latencyPlot(
    [
      { name: 'bare Socket.IO', color: '#888', run: bare },
      { name: 'Parley, SQLite', color: '#1f77b4', run: sqlite },
      { name: 'Parley, PostgreSQL', color: '#d62728', run: postgresRun },
    ].map(({ name, color, run }) => ({
      name,
      color,
      points: LEVELS.map((n, i) => [n, run.latency[i]!.p50, run.latency[i]!.p99] as [number, number, number]),
    })),
    'Visitor → agent delivery latency',
  ),
);
rows.push('\n![Delivery latency against concurrent conversations](../../docs/bench-latency.svg)');

const floodRatio = (run: EngineRun) => ratio(run.flood.cpuMicros, bare.flood.cpuMicros);
const inFlightRatio = (run: EngineRun) => ratio(run.inFlight, bare.inFlight);
rows.push(
  `\n## Server CPU per message, persisted and acknowledged (100 conversations)\n`,
  `Flood: every conversation sends its share of ${FLOOD_MESSAGES} messages at once. One in flight: ${IN_FLIGHT_MESSAGES} messages, each conversation sending its next when the last was delivered.\n`,
  '| server | flood messages/s | flood CPU µs per message | ratio (goal SQLite ≤ 2×, PostgreSQL ≤ 2.5×) | one in flight CPU µs per message | ratio (goal SQLite ≤ 1.5×, PostgreSQL ≤ 2×) |',
  '|---|---|---|---|---|---|',
  `| bare Socket.IO relay (no storage) | ${fmt(bare.flood.perSecond, 0)} | ${fmt(bare.flood.cpuMicros, 0)} | 1.00 | ${fmt(bare.inFlight, 0)} | 1.00 |`,
  `| Parley, SQLite (WAL, synchronous NORMAL) | ${fmt(sqlite.flood.perSecond, 0)} | ${fmt(sqlite.flood.cpuMicros, 0)} | ${fmt(floodRatio(sqlite))} (${verdict(floodRatio(sqlite), 2)}) | ${fmt(sqlite.inFlight, 0)} | ${fmt(inFlightRatio(sqlite))} (${verdict(inFlightRatio(sqlite), 1.5)}) |`,
  `| Parley, PostgreSQL 15 (fsync off in the test instance) | ${fmt(postgresRun.flood.perSecond, 0)} | ${fmt(postgresRun.flood.cpuMicros, 0)} | ${fmt(floodRatio(postgresRun))} (${verdict(floodRatio(postgresRun), 2.5)}) | ${fmt(postgresRun.inFlight, 0)} | ${fmt(inFlightRatio(postgresRun))} (${verdict(inFlightRatio(postgresRun), 2)}) |`,
);

// A bot-active message: the visitor's message and the bot's reply, against one relayed message.
log('bot-active messages on SQLite');
const bot = await withServer(startServer('parley'), async (server) => {
  const visitors = await botVisitors(server.url, 100);
  const before = server.cpuSeconds();
  const count = await runExchanges(visitors, BOT_MESSAGES, 'bot');
  const cpuMicros = ((server.cpuSeconds() - before) * 1e6) / count;
  for (const v of visitors) v.socket.close();
  return { count, cpuMicros };
});
const botRatio = ratio(bot.cpuMicros, bare.inFlight);
rows.push(
  `\n## A bot-active message (visitor message + bot reply, 100 conversations, ${bot.count} exchanges, SQLite)\n`,
  '| | server CPU µs per visitor message | ratio to one relayed message (goal ≤ 8×) |',
  '|---|---|---|',
  `| bot flow answering every message (templated send-and-wait-for-reply) | ${fmt(bot.cpuMicros, 0)} | ${fmt(botRatio)} (${verdict(botRatio, 8)}) |`,
);

// Connecting visitors, and heap per idle connection.
async function connectMany(server: BenchServer, auths: Record<string, unknown>[], namespace: string) {
  const heapBefore = await server.heapUsed();
  let failures = 0;
  const started = performance.now();
  const sockets = await inBatches(auths, 200, (auth) =>
    connect(`${server.url}${namespace}`, auth).catch(() => {
      failures++;
      return null;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const heapPer = ((await server.heapUsed()) - heapBefore) / auths.length;
  for (const s of sockets) s?.close();
  return { seconds, failures, heapPer };
}
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
  const connectRatio = ratio(parleyConnect.seconds, bareConnect.seconds);
  const heapRatio = ratio(parleyConnect.heapPer, bareConnect.heapPer);
  rows.push(
    `| ${count} | bare Socket.IO | ${fmt(bareConnect.seconds)} s | ${bareConnect.failures} | ${fmt(bareConnect.heapPer / 1024, 1)} KB |`,
    `| ${count} | Parley (token verified, channel and Origin checked) | ${fmt(parleyConnect.seconds)} s | ${parleyConnect.failures} | ${fmt(parleyConnect.heapPer / 1024, 1)} KB |`,
    `| ${count} | ratio | ${fmt(connectRatio)} (${verdict(connectRatio, 1.5)}) | | ${fmt(heapRatio)} (${verdict(heapRatio, 1.2)}) |`,
  );
}

// 5. Two nodes over PostgreSQL and Redis: cross-node delivery against one node.
log('two nodes over PostgreSQL and Redis');
const redis = await startRedis();
const clusterDb = await postgres.createDatabase();
const env = { DATABASE_URL: clusterDb, REDIS_URL: redis.url };
const [nodeA, nodeB] = await Promise.all([startServer('parley', env), startServer('parley', env)]);
const oneNode = await parleyPairs(nodeA!.url, 10, nodeA!.url, 'one');
const oneLatency = await measureLatency(oneNode, 2000, 'one');
closeAll(oneNode);
const crossNode = await parleyPairs(nodeA!.url, 10, nodeB!.url, 'cross');
const crossLatency = await measureLatency(crossNode, 2000, 'cross');
closeAll(crossNode);
nodeA!.stop();
nodeB!.stop();
redis.stop();
postgres.stop();
rows.push(
  '\n## Two nodes (PostgreSQL + Redis adapter), 10 conversations, 2000 messages\n',
  '| | p50 ms | p99 ms |',
  '|---|---|---|',
  `| visitor and agent on one node | ${fmt(oneLatency.p50)} | ${fmt(oneLatency.p99)} |`,
  `| visitor on node A, agent on node B | ${fmt(crossLatency.p50)} | ${fmt(crossLatency.p99)} |`,
  `| ratio cross-node / one node | ${fmt(ratio(crossLatency.p50, oneLatency.p50))} | ${fmt(ratio(crossLatency.p99, oneLatency.p99))} |`,
);

// 6. The widget.
rows.push('\n## Widget\n', widgetSizeReport());
const widgetBenchFile = join(import.meta.dirname, 'widget.ts');
if (existsSync(widgetBenchFile)) {
  log('widget in Chromium');
  const { widgetBench } = (await import(widgetBenchFile)) as { widgetBench: () => Promise<string> };
  rows.push('', await widgetBench());
}

const report = `# Benchmark results

Measured by \`npm run bench\`${quick ? ' (BENCH_QUICK=1)' : ''} on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${process.platform}.
${pinned ? 'Each server pinned to core 0, the load on core 1.' : 'Servers and load unpinned (no taskset).'} Every figure is from this one run; ratios compare with a baseline measured in the same run.

${rows.join('\n')}
`;
writeFileSync(join(import.meta.dirname, 'RESULTS.md'), report);
console.log(report);
process.exit(0);
