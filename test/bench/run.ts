/**
 * `npm run bench`: every figure measured in one run on this machine, each against a baseline
 * measured in the same run (the machine is shared and noisy), written to test/bench/RESULTS.md
 * and printed. Servers run as child processes on core 0 (when taskset exists), the load here on
 * core 1; everything is on loopback and bounded. BENCH_QUICK=1 runs a smaller version.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
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
const LEVELS = quick ? [10, 100] : [10, 100, 1000];
const CONNECTIONS = quick ? 1000 : 5000;
const THROUGHPUT_MESSAGES = quick ? 2000 : 10_000;
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

async function cpuPerMessage(server: BenchServer, pairs: Pair[], tag: string) {
  const before = server.cpuSeconds();
  const result = await measureThroughput(pairs, THROUGHPUT_MESSAGES, tag);
  return { ...result, cpuMicros: ((server.cpuSeconds() - before) * 1e6) / result.messages };
}

// 1–2. Latency at each level, throughput and CPU per message: bare relay vs Parley on SQLite.
log('latency and throughput: bare relay');
const bare = await withServer(startServer('bare'), async (server) => {
  const pairs = await barePairs(server.url, Math.max(...LEVELS));
  const latency = [];
  for (const n of LEVELS)
    latency.push(await measureLatency(pairs.slice(0, n), Math.max(2000, 5 * n), `bare-l${n}`));
  const throughput = await cpuPerMessage(server, pairs.slice(0, 100), 'bare-tp');
  closeAll(pairs);
  return { latency, throughput };
});
log('latency and throughput: Parley on SQLite');
const sqlite = await withServer(startServer('parley'), async (server) => {
  const pairs = await parleyPairs(server.url, Math.max(...LEVELS));
  const latency = [];
  for (const n of LEVELS)
    latency.push(await measureLatency(pairs.slice(0, n), Math.max(2000, 5 * n), `sq-l${n}`));
  const throughput = await cpuPerMessage(server, pairs.slice(0, 100), 'sq-tp');
  closeAll(pairs);
  return { latency, throughput };
});

rows.push(
  `## Visitor → agent delivery latency, with persistence (ratio to a bare Socket.IO room broadcast)\n`,
  '| concurrent conversations | messages | bare p50 / p99 ms | Parley p50 / p99 ms | ratio p50 (goal ≤ 1.5×) | ratio p99 (goal ≤ 2×) |',
  '|---|---|---|---|---|---|',
  ...LEVELS.map((n, i) => {
    const b = bare.latency[i]!;
    const p = sqlite.latency[i]!;
    const r50 = ratio(p.p50, b.p50);
    const r99 = ratio(p.p99, b.p99);
    return `| ${n} | ${p.count} | ${fmt(b.p50)} / ${fmt(b.p99)} | ${fmt(p.p50)} / ${fmt(p.p99)} | ${fmt(r50)} (${verdict(r50, 1.5)}) | ${fmt(r99)} (${verdict(r99, 2)}) |`;
  }),
);

// PostgreSQL throughput.
log('throughput: Parley on PostgreSQL');
const postgres = await startPostgres();
const pgUrl = await postgres.createDatabase();
const pgRun = await withServer(startServer('parley', { DATABASE_URL: pgUrl }), async (server) => {
  const pairs = await parleyPairs(server.url, 100);
  const throughput = await cpuPerMessage(server, pairs, 'pg-tp');
  closeAll(pairs);
  return throughput;
});

const cpuRatio = (t: { cpuMicros: number }) => ratio(t.cpuMicros, bare.throughput.cpuMicros);
rows.push(
  `\n## Sustained messages per second, persisted and acknowledged (100 conversations, ${THROUGHPUT_MESSAGES} messages)\n`,
  '| server | messages/s | server CPU µs per message | CPU ratio to the bare relay (goal ≤ 2×) |',
  '|---|---|---|---|',
  `| bare Socket.IO relay (no storage) | ${fmt(bare.throughput.perSecond, 0)} | ${fmt(bare.throughput.cpuMicros, 0)} | 1.00 |`,
  `| Parley, SQLite (WAL, synchronous NORMAL) | ${fmt(sqlite.throughput.perSecond, 0)} | ${fmt(sqlite.throughput.cpuMicros, 0)} | ${fmt(cpuRatio(sqlite.throughput))} (${verdict(cpuRatio(sqlite.throughput), 2)}) |`,
  `| Parley, PostgreSQL 15 (fsync off in the test instance) | ${fmt(pgRun.perSecond, 0)} | ${fmt(pgRun.cpuMicros, 0)} | ${fmt(cpuRatio(pgRun))} (${verdict(cpuRatio(pgRun), 2)}) |`,
);

// 3–4. Connecting visitors with auth, and heap per idle connection.
log(`connecting ${CONNECTIONS} visitors`);
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
const bareConnect = await withServer(startServer('bare'), (server) =>
  connectMany(
    server,
    Array.from({ length: CONNECTIONS }, (_, i) => ({ room: `c${i}` })),
    '',
  ),
);
const parleyConnect = await withServer(startServer('parley'), async (server) => {
  const sessions = await openChannels(server.url, await taskFlexFlow(server.url), CONNECTIONS);
  return connectMany(
    server,
    sessions.map(({ token }) => ({ token })),
    '/webchat',
  );
});
const connectRatio = ratio(parleyConnect.seconds, bareConnect.seconds);
const heapRatio = ratio(parleyConnect.heapPer, bareConnect.heapPer);
rows.push(
  `\n## ${CONNECTIONS} visitors connecting, and heap per idle connection\n`,
  '| server | time to connect all | failures | heap per idle connection |',
  '|---|---|---|---|',
  `| bare Socket.IO | ${fmt(bareConnect.seconds)} s | ${bareConnect.failures} | ${fmt(bareConnect.heapPer / 1024, 1)} KB |`,
  `| Parley (token verified, channel and Origin checked) | ${fmt(parleyConnect.seconds)} s | ${parleyConnect.failures} | ${fmt(parleyConnect.heapPer / 1024, 1)} KB |`,
  `| ratio | ${fmt(connectRatio)} (${verdict(connectRatio, 1.5)}) | | ${fmt(heapRatio)} (${verdict(heapRatio, 1.3)}) |`,
);

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
