/**
 * `node --import tsx test/bench/latency.ts [sqlite] [postgres]`: delivery latency only (visitor
 * → agent, one message in flight per conversation) against the bare relay in the same run, at
 * BENCH_LEVELS conversations (default 10,100) — the quick loop for latency work (the full
 * `npm run bench` measures it too). BENCH_PROFILE=<dir> writes `<server>-l<level>.cpuprofile`.
 */
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { type BenchServer, pinLoad, startServer } from './processes.ts';
import { measureLatency } from './relay.ts';
import { barePairs, closeAll, parleyPairs } from './setup.ts';

const wanted = new Set(process.argv.slice(2));
if (wanted.size === 0) wanted.add('sqlite');
const levels = (process.env.BENCH_LEVELS ?? '10,100').split(',').map(Number);
const profileDir = process.env.BENCH_PROFILE;
pinLoad();

async function measure(name: string, kind: 'bare' | 'parley', env: Record<string, string> = {}) {
  const server: BenchServer = await startServer(kind, env);
  try {
    const max = Math.max(...levels);
    const pairs = kind === 'bare' ? await barePairs(server.url, max) : await parleyPairs(server.url, max);
    for (const n of levels) {
      const profile = profileDir ? await server.profile() : null;
      const { p50, p99, count } = await measureLatency(
        pairs.slice(0, n),
        Math.max(2000, 5 * n),
        `${name}-${n}`,
      );
      await profile?.stop(join(profileDir as string, `${name}-l${n}.cpuprofile`));
      console.log(
        `${name.padEnd(9)} ${String(n).padStart(5)} conversations  p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  (${count})`,
      );
    }
    closeAll(pairs);
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
process.exit(0);
