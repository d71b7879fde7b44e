/**
 * `createServer(options)`: the store, the core, the HTTP app and Socket.IO on one HTTP server,
 * with a graceful `close()` (stop accepting, finish in-flight work, close sockets, close the store).
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { bootstrapAdmin } from './admin-users.ts';
import { type CoreOptions, createCore, type Logger } from './core/index.ts';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from './core/media.ts';
import { createRedisCounter } from './core/rate-counter.ts';
import { seedDemo, seedDemoCannedResponses, seedDemoPhone } from './core/seed.ts';
import { createApp } from './http/app.ts';
import { builtAssets } from './http/built-assets.ts';
import {
  DEFAULT_HTTP_CONNECTION_LIMITS,
  type HttpConnectionLimits,
  limitHttpConnections,
} from './http/connection-limits.ts';
import { createMetrics } from './http/metrics.ts';
import { parseTrustProxy } from './http/proxy-trust.ts';
import type { PublicLimits } from './http/public-limits.ts';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './realtime/budgets.ts';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from './realtime/connection-gate.ts';
import { attachRealtime } from './realtime/index.ts';
import { connectRedisAdapter } from './realtime/redis.ts';
import { checkServerOptions } from './server-options.ts';
import { createFileStorage, type FileStorage, type S3StorageOptions } from './store/files/index.ts';
import { adoptSidecars } from './store/files/sidecars.ts';
import { createPostgresStore } from './store/postgres/index.ts';
import { createSqliteStore } from './store/sqlite/index.ts';
import type { Store } from './store/types.ts';

export interface ServerOptions {
  /** Where the SQLite file lives (`<dataDir>/parley.db`). */
  dataDir: string;
  /** A store of your own (tests, other engines); else SQLite under dataDir. */
  store?: Store;
  /** `redis://…`: share Socket.IO broadcasts with other nodes through Redis. */
  redisUrl?: string;
  /** `postgres://…`: the PostgreSQL store instead of SQLite. */
  databaseUrl?: string;
  /** S3-compatible storage for uploaded files (PARLEY_S3_*); else PostgreSQL with `databaseUrl`, else `<dataDir>/media`. */
  s3?: S3StorageOptions;
  /** A file storage of your own (tests, other backends); it is closed with the server. */
  files?: FileStorage;
  /** Upload limits: largest file, files and bytes per conversation, visitor uploads per address a minute. */
  uploads?: Partial<MediaLimits>;
  /** SQLite durability: see `createSqliteStore`. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  adminKey: string;
  secret: string;
  /** Seed the demo data when the database is empty. */
  seedDemo?: boolean;
  /**
   * `parley demo` itself: also the phone simulator's SMS Flex Flow, unless it exists, and with
   * the demo data a few shared canned responses.
   */
  demoPhone?: boolean;
  /**
   * A folder of built browser files of one's own, with `widget/`, `desk/` and `demo/` in it;
   * by default the widget comes from the parley-webchat package and the rest from this one's dist/.
   */
  distDir?: string;
  reservationTimeoutSeconds?: number;
  /** Activity a worker whose offer timed out is given (default Unavailable); null keeps it. */
  reservationTimeoutActivity?: CoreOptions['reservationTimeoutActivity'];
  /** An agent desktop disconnected this long sets its worker Offline (default 60 s). */
  agentDisconnectGraceSeconds?: number;
  /** TTL of a task nobody takes (default 86400 s). */
  taskTimeoutSeconds?: number;
  /** Event webhooks (PARLEY_WEBHOOK_URL, PARLEY_WEBHOOK_SECRET). */
  webhook?: CoreOptions['webhook'];
  /** Retries and backoff of webhooks managed at /v1/Webhooks (default 3 retries from 500 ms). */
  webhookRetry?: CoreOptions['webhookRetry'];
  /** Delete conversations idle longer than this many days (PARLEY_RETENTION_DAYS); none when unset. */
  retentionDays?: number;
  /** A visitor session's absolute lifetime in days, however often refreshed (PARLEY_SESSION_MAX_DAYS, 30). */
  sessionMaxDays?: number;
  /**
   * Rate limits: sign-ins and chats opened per IP, messages per visitor connection and per IP,
   * open sockets per session and per IP, TCP connections per IP. `eventBudgets: false` lifts
   * the per-event socket budgets (load tests that drive one session hard).
   */
  limits?: Partial<PublicLimits & MessageLimits & ConnectionLimits & HttpConnectionLimits> & {
    eventBudgets?: boolean;
  };
  log?: Logger;
  /** Parley's public URL when behind a proxy (PARLEY_PUBLIC_URL): signed webhooks are checked against it. */
  publicUrl?: string;
  /** Proxies whose X-Forwarded-For is believed (PARLEY_TRUST_PROXY): a hop count or a list of addresses / CIDRs; default loopback. */
  trustProxy?: string | number;
  /** How replies reach SMS / WhatsApp-style providers; default the Twilio-shaped HTTP connector. */
  messagingConnector?: CoreOptions['messagingConnector'];
  /** Per-account sign-in backoff: see `SignInBackoffOptions` (5 free failures, then 15 s doubling to 1 h). */
  signInBackoff?: CoreOptions['signInBackoff'];
  /**
   * Where bot HTTP requests, the external integration and webhooks may go (PARLEY_HTTP_ALLOW).
   * Loopback is allowed when the demo is seeded, unless `allowLoopback` says otherwise.
   */
  egress?: CoreOptions['egress'];
  /** Email: SMTP for replies and transcripts, the SMTP receiver, the inbound webhook's key (PARLEY_SMTP_*). */
  email?: CoreOptions['email'];
  /** Local functions for bot flows' run-function (PARLEY_FUNCTIONS_DIR). */
  functionsDir?: string;
  /** The first admin (PARLEY_ADMIN_BOOTSTRAP), created at start when no worker holds the admin role. */
  adminBootstrap?: { username: string; password: string };
}

export interface ParleyServer {
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
  core: ReturnType<typeof createCore>;
}

/** Never logged, whatever object carries them: tokens, passwords, credentials, message bodies. */
export const LOG_REDACTIONS = {
  paths: [
    'token',
    '*.token',
    'password',
    '*.password',
    'authorization',
    '*.authorization',
    '*.headers.authorization',
    'body',
    '*.body',
  ],
  censor: '[redacted]',
};

export async function createServer(options: ServerOptions): Promise<ParleyServer> {
  checkServerOptions(options);
  const log = options.log ?? pino({ level: process.env.LOG_LEVEL ?? 'info', redact: LOG_REDACTIONS });
  const store =
    options.store ??
    (options.databaseUrl
      ? await createPostgresStore({ url: options.databaseUrl })
      : createSqliteStore({
          file: join(options.dataDir, 'parley.db'),
          synchronous: options.sqliteSynchronous,
        }));
  // Redis first: it carries the rate-limit counters as well as the broadcasts.
  const redis = options.redisUrl
    ? await connectRedisAdapter(options.redisUrl, (err) => log.error({ err }, 'redis connection failed'))
    : null;
  const files =
    options.files ??
    (await createFileStorage({
      dataDir: options.dataDir,
      databaseUrl: store.engine === 'postgres' ? options.databaseUrl : undefined,
      s3: options.s3,
    }));
  const core = createCore({
    store,
    counter: redis
      ? createRedisCounter(redis.client, (err) => log.warn({ err }, 'rate limits counted in memory'))
      : undefined,
    secret: options.secret,
    log,
    reservationTimeoutSeconds: options.reservationTimeoutSeconds,
    reservationTimeoutActivity: options.reservationTimeoutActivity,
    agentDisconnectGraceSeconds: options.agentDisconnectGraceSeconds,
    taskTimeoutSeconds: options.taskTimeoutSeconds,
    webhook: options.webhook,
    webhookRetry: options.webhookRetry,
    retentionDays: options.retentionDays,
    sessionMaxDays: options.sessionMaxDays,
    files,
    mediaLimits: { ...DEFAULT_MEDIA_LIMITS, ...options.uploads },
    publicUrl: options.publicUrl,
    messagingConnector: options.messagingConnector,
    signInBackoff: options.signInBackoff,
    egress: { allowLoopback: Boolean(options.seedDemo), ...options.egress },
    email: options.email,
    functionsDir: options.functionsDir,
  });
  if (!options.files && files.kind === 'disk') {
    const adopted = await adoptSidecars(join(options.dataDir, 'media'), store.media);
    if (adopted > 0) log.info({ adopted }, 'files uploaded before media records recorded in the store');
  }
  const seeded = options.seedDemo ? await seedDemo(store, core.agents) : false;
  if (seeded) log.info({}, 'demo data seeded');
  if (options.seedDemo && options.demoPhone) {
    await seedDemoPhone(store, core.flexFlows);
    if (seeded) await seedDemoCannedResponses(store);
  }
  if (options.adminBootstrap && (await bootstrapAdmin(store, options.adminBootstrap))) {
    log.info({ username: options.adminBootstrap.username }, 'admin created from PARLEY_ADMIN_BOOTSTRAP');
  }

  let accepting = true;
  const limits = {
    signInPerMinute: 10,
    webChannelsPerMinute: 60,
    ...DEFAULT_MESSAGE_LIMITS,
    ...DEFAULT_CONNECTION_LIMITS,
    ...DEFAULT_HTTP_CONNECTION_LIMITS,
    ...options.limits,
  };
  const trustProxy = parseTrustProxy(options.trustProxy);
  const metrics = createMetrics(core);
  const app = createApp({
    metrics,
    core,
    adminKey: options.adminKey,
    assets: builtAssets(options.distDir),
    log,
    limits,
    isReady: () => accepting,
    demo: options.seedDemo,
    trustProxy,
  });
  const httpServer = createHttpServer(app);
  limitHttpConnections(httpServer, limits, trustProxy);
  const io = attachRealtime(httpServer, core, log, {
    messageLimits: limits,
    connectionLimits: limits,
    eventBudgets: limits.eventBudgets,
    trustProxy,
    timeRequest: metrics.timeRequest,
  });
  metrics.watch(io);
  if (redis) io.adapter(redis.adapter);
  core.start();
  try {
    await core.email.start();
  } catch (err) {
    // A receiver that cannot listen stops the start, as a port in use for HTTP would.
    await core.stop();
    await io.close();
    await store.close();
    await files.close();
    throw err;
  }

  return {
    core,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
          core.setBaseUrl(url);
          resolve({ url, port: address.port });
        });
      });
    },
    async close() {
      if (!accepting) return;
      accepting = false;
      // Stop taking connections, let running handlers finish their writes, then disconnect.
      const closed = new Promise((resolve) => httpServer.close(resolve));
      await core.stop();
      await io.close();
      await redis?.close();
      httpServer.closeAllConnections();
      await closed;
      await store.close();
      await files.close();
    },
  };
}
