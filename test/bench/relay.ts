/** Latency and throughput of sender → receiver delivery over any pair of sockets. */
import type { Socket } from 'socket.io-client';

export interface Pair {
  sender: Socket;
  receiver: Socket;
  send(socket: Socket, clientId: string, body: string, ack: () => void): void;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** One message at a time: time from send to the receiver's `message:new`. */
export async function measureLatency(pair: Pair, count: number) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const body = `latency ${i}`;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const onMessage = (m: { body: string }) => {
        if (m.body !== body) return;
        pair.receiver.off('message:new', onMessage);
        resolve();
      };
      pair.receiver.on('message:new', onMessage);
      pair.send(pair.sender, `lat-${i}`, body, () => {});
    });
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

/** Messages per second with every pair sending at once, until all are acked and delivered. */
export async function measureThroughput(pairs: Pair[], total: number) {
  const perPair = Math.ceil(total / pairs.length);
  const started = performance.now();
  await Promise.all(
    pairs.map(
      (pair, p) =>
        new Promise<void>((resolve) => {
          let delivered = 0;
          let acked = 0;
          const done = () => delivered >= perPair && acked >= perPair && resolve();
          const onMessage = (m: { body: string }) => {
            if (!m.body.startsWith('tp ')) return;
            delivered++;
            if (delivered >= perPair) pair.receiver.off('message:new', onMessage);
            done();
          };
          pair.receiver.on('message:new', onMessage);
          for (let i = 0; i < perPair; i++) {
            pair.send(pair.sender, `tp-${p}-${i}`, `tp ${i}`, () => {
              acked++;
              done();
            });
          }
        }),
    ),
  );
  return (perPair * pairs.length * 1000) / (performance.now() - started);
}
