/**
 * Hears the Flex Flow changes every node commits: the `flex_flows_changed` trigger (migration
 * 150) sends the sid of each updated or deleted row on the `parley_flex_flows` channel when
 * its transaction commits, and one connection per node listens there. While that connection
 * is down the node keeps no Flex Flow (see flex-flow-cache.ts); it connects again on its own.
 * It needs a session of its own: through a pooler in transaction mode (PgBouncer's default)
 * notifications never arrive, and only the cache's time limit bounds what a node misses.
 */
import pg from 'pg';
import type { FlexFlowChanges } from '../flex-flow-cache.ts';

export const FLEX_FLOW_CHANNEL = 'parley_flex_flows';

const RETRY_MS = { first: 250, most: 10_000 };
/**
 * A listening connection only receives, so one that died without a word (an idle timeout in
 * the network, a firewall that forgot it) would never say so: it is asked something this
 * often, and given up when it does not answer in time.
 */
const HEARTBEAT_MS = 15_000;
const ANSWER_WITHIN_MS = 5_000;

export type FlexFlowListener = FlexFlowChanges & {
  /** Resolves once listening (or closed). */
  ready(): Promise<void>;
  close(): Promise<void>;
};

export function listenForFlexFlowChanges(url: string): FlexFlowListener {
  const listeners: ((sid: string | null) => void)[] = [];
  const tell = (sid: string | null) => {
    for (const listener of listeners) listener(sid);
  };
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let delay = RETRY_MS.first;
  let becameReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => {
    becameReady = resolve;
  });

  function lost(from: pg.Client) {
    if (client !== from) return;
    client = null;
    listening = false;
    clearInterval(heartbeat);
    // Whatever changed while nobody listened is unknown.
    tell(null);
    from.end().catch(() => {});
    if (closed) return;
    retry = setTimeout(connect, delay);
    retry.unref();
    delay = Math.min(delay * 2, RETRY_MS.most);
  }

  async function connect() {
    if (closed) return;
    const next = new pg.Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: ANSWER_WITHIN_MS,
      query_timeout: ANSWER_WITHIN_MS,
    });
    client = next;
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      if (message.channel === FLEX_FLOW_CHANNEL) tell(message.payload || null);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${FLEX_FLOW_CHANNEL}`);
    } catch {
      lost(next);
      return;
    }
    if (client !== next) {
      // Closed (or replaced) while connecting.
      await next.end().catch(() => {});
      return;
    }
    delay = RETRY_MS.first;
    // Changes made before this moment were not heard: start from nothing.
    tell(null);
    listening = true;
    becameReady();
    heartbeat = setInterval(() => {
      next.query('SELECT 1').catch(() => lost(next));
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }
  void connect();

  return {
    get listening() {
      return listening;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    ready: () => (closed ? Promise.resolve() : firstReady),
    async close() {
      closed = true;
      listening = false;
      clearTimeout(retry);
      clearInterval(heartbeat);
      becameReady();
      const last = client;
      client = null;
      await last?.end().catch(() => {});
    },
  };
}
