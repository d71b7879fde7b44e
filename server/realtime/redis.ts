/**
 * Several nodes: with `REDIS_URL`, Socket.IO broadcasts go through Redis pub/sub
 * (@socket.io/redis-adapter), so a visitor on one node and an agent on another chat live, and
 * room joins (`socketsJoin`) reach sockets on every node. The same connection counts the
 * rate limits every node shares.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { RedisLike } from '../core/rate-counter.ts';

/** Named so the declarations stay small: the client's inferred type spells out every command. */
export interface RedisConnection {
  adapter: ReturnType<typeof createAdapter>;
  /** The commands connection, for other shared state (rate-limit counters). */
  client: RedisLike;
  close(): Promise<void>;
}

export async function connectRedisAdapter(
  url: string,
  onError: (err: unknown) => void,
): Promise<RedisConnection> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // A Redis hiccup is logged and reconnected by the client; it must not crash the process.
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub),
    client: pub,
    async close() {
      // The subscriber first: a request another node sent just before (fetchSockets,
      // socketsJoin) is answered on the publisher while the subscriber's QUIT is under way;
      // quitting both at once left that answer to a closed client, an unhandled rejection.
      await sub.quit().catch(() => {});
      await pub.quit().catch(() => {});
    },
  };
}
