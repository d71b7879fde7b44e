/** Server CPU time per message, under a flood and with one message in flight per conversation. */
import type { BenchServer } from './processes.ts';
import { measureLatency, measureThroughput } from './relay.ts';
import type { Pair } from './setup.ts';

/** Every conversation sends its share at once: µs of server CPU per message. */
export async function cpuFlood(server: BenchServer, pairs: Pair[], total: number, tag: string) {
  const before = server.cpuSeconds();
  const { messages } = await measureThroughput(pairs, total, tag);
  return ((server.cpuSeconds() - before) * 1e6) / messages;
}

/** Each conversation sends its next message when the last was delivered: µs per message. */
export async function cpuInFlight(server: BenchServer, pairs: Pair[], total: number, tag: string) {
  const before = server.cpuSeconds();
  const { count } = await measureLatency(pairs, total, tag);
  return ((server.cpuSeconds() - before) * 1e6) / count;
}
