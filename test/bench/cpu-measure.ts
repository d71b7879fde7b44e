/** Server CPU time per message, under a flood and with one message in flight per conversation. */
import type { BenchServer } from './processes.ts';
import { measureLatency, measureThroughput } from './relay.ts';
import type { Pair } from './setup.ts';

/** Deferred work starts this long after the messages that cause it (search indexing: 200 ms). */
const DEFERRED_MS = 300;
const IDLE_WINDOW_MS = 100;
/**
 * The share of a core under which a server counts as idle: 2%, or 30% while BENCH_PROFILE has
 * the servers profiled (the sampling alone costs more than 2%).
 */
const IDLE_SHARE = process.env.BENCH_PROFILE ? 0.3 : 0.02;

/**
 * Resolves once the server has done the work earlier messages left for later (Parley indexes new
 * messages for search a moment after storing them): at least DEFERRED_MS, then until a window
 * passes with the server idle (for 3 s at most). Measured between two of these, a stretch is
 * charged its own messages' whole cost, and none of the stretch before it.
 */
async function settled(cpuSeconds: () => number) {
  await new Promise((r) => setTimeout(r, DEFERRED_MS));
  for (let waited = 0; waited < 3000; waited += IDLE_WINDOW_MS) {
    const before = cpuSeconds();
    await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
    if (cpuSeconds() - before < (IDLE_SHARE * IDLE_WINDOW_MS) / 1000) return;
  }
}

/** µs of CPU per message for `work` (which resolves to how many messages it made), settled on both sides. */
export async function cpuPerMessage(cpuSeconds: () => number, work: () => Promise<number>) {
  await settled(cpuSeconds);
  const before = cpuSeconds();
  const messages = await work();
  await settled(cpuSeconds);
  return ((cpuSeconds() - before) * 1e6) / messages;
}

/** Every conversation sends its share at once: messages per second, and µs of server CPU per message. */
export async function floodCost(server: BenchServer, pairs: Pair[], total: number, tag: string) {
  let perSecond = 0;
  const cpuMicros = await cpuPerMessage(
    () => server.cpuSeconds(),
    async () => {
      const flood = await measureThroughput(pairs, total, tag);
      perSecond = flood.perSecond;
      return flood.messages;
    },
  );
  return { perSecond, cpuMicros };
}

/** Every conversation sends its share at once: µs of server CPU per message. */
export async function cpuFlood(server: BenchServer, pairs: Pair[], total: number, tag: string) {
  return (await floodCost(server, pairs, total, tag)).cpuMicros;
}

/** Each conversation sends its next message when the last was delivered: µs per message. */
export async function cpuInFlight(server: BenchServer, pairs: Pair[], total: number, tag: string) {
  return cpuPerMessage(
    () => server.cpuSeconds(),
    async () => (await measureLatency(pairs, total, tag)).count,
  );
}
