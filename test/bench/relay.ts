/**
 * Latency and throughput of sender → receiver delivery over pairs of sockets. Each message gets
 * a client id as the widget makes them.
 */
import { createClientId } from '../../widget/client/outbox.ts';
import type { Pair } from './setup.ts';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Resolves the delivery of a body to any receiver; one listener per receiver socket. */
function deliveries(pairs: Pair[]) {
  const waiting = new Map<string, () => void>();
  const receivers = new Set(pairs.map((p) => p.receiver));
  const onMessage = (m: { body: string }) => {
    const done = waiting.get(m.body);
    if (!done) return;
    waiting.delete(m.body);
    done();
  };
  for (const r of receivers) r.on('message:new', onMessage);
  return {
    expect: (body: string) => new Promise<void>((resolve) => waiting.set(body, resolve)),
    stop: () => {
      for (const r of receivers) r.off('message:new', onMessage);
    },
  };
}

/**
 * Every conversation sends one message at a time (the next when the last was delivered), all
 * at once, until `total` messages were delivered: latency from send to the receiver's event.
 */
export async function measureLatency(pairs: Pair[], total: number, tag: string) {
  const samples: number[] = [];
  const delivered = deliveries(pairs);
  let sent = 0;
  await Promise.all(
    pairs.map(async (pair, p) => {
      while (sent < total) {
        const n = sent++;
        const body = `${tag} ${p} ${n}`;
        const arrived = delivered.expect(body);
        const started = performance.now();
        pair.send(createClientId(), body, () => {});
        await arrived;
        samples.push(performance.now() - started);
      }
    }),
  );
  delivered.stop();
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), count: samples.length };
}

/** Messages per second with every conversation sending its share at once, all acked and delivered. */
export async function measureThroughput(pairs: Pair[], total: number, tag: string) {
  const perPair = Math.ceil(total / pairs.length);
  const delivered = deliveries(pairs);
  const started = performance.now();
  await Promise.all(
    pairs.flatMap((pair, p) =>
      Array.from({ length: perPair }, (_, i) => {
        const body = `${tag} ${p} ${i}`;
        const arrived = delivered.expect(body);
        const acked = new Promise<void>((resolve) => pair.send(createClientId(), body, resolve));
        return Promise.all([arrived, acked]);
      }),
    ),
  );
  delivered.stop();
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (perPair * pairs.length) / seconds, messages: perPair * pairs.length, seconds };
}
