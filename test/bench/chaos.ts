/**
 * `npm run chaos`: kills a real Parley server with SIGKILL while visitors and agents chat, and
 * checks that no acknowledged message is lost or duplicated and no index gap appears.
 *
 *   npm run chaos -- --visitors 8 --agents 2 --kills 100 --duration 200 --seed 7
 *
 * Flags (or env CHAOS_VISITORS, CHAOS_AGENTS, CHAOS_KILLS, CHAOS_DURATION seconds,
 * CHAOS_INTERVAL ms, CHAOS_SEED, CHAOS_SIGNAL); `--signal SIGTERM` stops it gracefully instead. Exits 1 when anything was lost, duplicated or out of order.
 */
import { parseArgs } from 'node:util';
import { formatReport, isClean, runChaos } from './chaos/run.ts';

const { values } = parseArgs({
  options: {
    visitors: { type: 'string' },
    agents: { type: 'string' },
    kills: { type: 'string' },
    duration: { type: 'string' },
    interval: { type: 'string' },
    seed: { type: 'string' },
    signal: { type: 'string' },
  },
});
const env = process.env;
const number = (flag: string | undefined, fallback: string | undefined, standard: number) => {
  const value = Number(flag ?? fallback ?? standard);
  if (!Number.isFinite(value) || value < 0) throw new Error(`expected a number, got ${flag ?? fallback}`);
  return value;
};

const report = await runChaos({
  visitors: number(values.visitors, env.CHAOS_VISITORS, 8),
  agents: number(values.agents, env.CHAOS_AGENTS, 2),
  kills: number(values.kills, env.CHAOS_KILLS, 10),
  durationMs: number(values.duration, env.CHAOS_DURATION, 20) * 1000,
  messageIntervalMs: number(values.interval, env.CHAOS_INTERVAL, 80),
  seed: number(values.seed, env.CHAOS_SEED, Date.now() % 100_000),
  signal: (values.signal ?? env.CHAOS_SIGNAL) === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL',
  log: (line) => console.log(line),
});
console.log(formatReport(report));
process.exit(isClean(report) ? 0 : 1);
