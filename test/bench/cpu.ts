/**
 * `node --import tsx test/bench/cpu.ts [sqlite] [postgres] [bot]`: server CPU per message only,
 * against the bare relay in the same run, each server warmed up by an untimed flood first — the quick loop for work on the hot path (the full
 * `npm run bench` measures it too). BENCH_MESSAGES sets the flood's size (default 4000).
 * BENCH_CONNECTED=N keeps N conversations connected, 100 of them sending. BENCH_THREADS=1 also
 * prints the CPU per message of each kind of thread (the main one, the GC's helpers...).
 * BENCH_PROFILE=<dir> writes a CPU profile of each measured stretch (and nothing else) there:
 * `<server>-flood.cpuprofile`, `<server>-inflight.cpuprofile`, `bot.cpuprofile`.
 */
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { botVisitors, runExchanges } from './bot.ts';
import { cpuFlood, cpuInFlight, cpuPerMessage } from './cpu-measure.ts';
import { type BenchServer, pinLoad, startServer } from './processes.ts';
import { barePairs, closeAll, parleyPairs } from './setup.ts';

const wanted = new Set(process.argv.slice(2));
if (wanted.size === 0) wanted.add('sqlite');
const messages = Number(process.env.BENCH_MESSAGES ?? 4000);
// BENCH_CONNECTED=5000 keeps that many conversations connected (as the full bench does) while
// 100 of them send.
const connected = Math.max(100, Number(process.env.BENCH_CONNECTED ?? 100));
const profileDir = process.env.BENCH_PROFILE;
pinLoad();

/** BENCH_THREADS=1 prints each measured stretch's CPU per message by kind of thread. */
async function byThread<T extends number>(server: BenchServer, name: string, work: () => Promise<T>) {
  if (!process.env.BENCH_THREADS) return work();
  const before = server.threadSeconds();
  const startedAt = server.cpuSeconds();
  const perMessage = await work();
  const after = server.threadSeconds();
  const scale = perMessage / ((server.cpuSeconds() - startedAt) * 1e6);
  const parts = Object.entries(after)
    .map(([thread, s]) => [thread, (s - (before[thread] ?? 0)) * 1e6 * scale] as const)
    .filter(([, us]) => us >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([thread, us]) => `${thread} ${us.toFixed(1)}`);
  console.log(`${name.padEnd(17)} µs per message by thread: ${parts.join(', ')}`);
  return perMessage;
}

async function profiled<T>(server: BenchServer, name: string, work: () => Promise<T>): Promise<T> {
  if (!profileDir) return work();
  const profile = await server.profile();
  const result = await work();
  await profile.stop(join(profileDir, `${name}.cpuprofile`));
  return result;
}

const results: Record<string, { flood: number; inFlight: number }> = {};
async function measure(name: string, kind: 'bare' | 'parley', env: Record<string, string> = {}) {
  const server = await startServer(kind, env);
  try {
    const all =
      kind === 'bare' ? await barePairs(server.url, connected) : await parleyPairs(server.url, connected);
    const pairs = all.slice(0, 100);
    // Untimed first: a cold relay's CPU is mostly its JIT warming up (37 µs a flooded message
    // cold, 11 µs warm, same run), which would flatter every ratio; the full bench measures
    // after its latency runs, warm.
    await cpuFlood(server, pairs, messages / 2, `${name}-w`);
    const flood = await profiled(server, `${name}-flood`, () =>
      byThread(server, `${name} flood`, () => cpuFlood(server, pairs, messages, `${name}-f`)),
    );
    const inFlight = await profiled(server, `${name}-inflight`, () =>
      byThread(server, `${name} in flight`, () => cpuInFlight(server, pairs, messages / 2, `${name}-i`)),
    );
    closeAll(all);
    results[name] = { flood, inFlight };
  } finally {
    server.stop();
  }
}

await measure('bare', 'bare');
if (wanted.has('sqlite')) await measure('sqlite', 'parley');
let postgres: TestPostgres | undefined;
if (wanted.has('postgres')) {
  postgres = await startPostgres();
  await measure('postgres', 'parley', { DATABASE_URL: await postgres.createDatabase() });
  postgres.stop();
}
let bot: number | undefined;
if (wanted.has('bot')) {
  const server = await startServer('parley');
  try {
    const visitors = await botVisitors(server.url, 100);
    await runExchanges(visitors, messages / 8, 'bot-w');
    bot = await profiled(server, 'bot', () =>
      cpuPerMessage(
        () => server.cpuSeconds(),
        () => runExchanges(visitors, messages / 4, 'bot'),
      ),
    );
    for (const v of visitors) v.socket.close();
  } finally {
    server.stop();
  }
}
const bare = results.bare as { flood: number; inFlight: number };
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(9)} flood ${r.flood.toFixed(0).padStart(5)} µs (${(r.flood / bare.flood).toFixed(2)}×)  ` +
      `one in flight ${r.inFlight.toFixed(0).padStart(5)} µs (${(r.inFlight / bare.inFlight).toFixed(2)}×)`,
  );
}
if (bot !== undefined) {
  console.log(
    `bot       ${bot.toFixed(0).padStart(5)} µs per visitor message (${(bot / bare.inFlight).toFixed(2)}× one relayed)`,
  );
}
process.exit(0);
