/**
 * Environment → server options, with errors that say what to set. `demo` fills in
 * development defaults; `serve` (production) insists on real secrets.
 */
import { resolve } from 'node:path';
import {
  adminBootstrapOf,
  ConfigError,
  demoSecret,
  emailOf,
  httpAllowOf,
  onOff,
  positive,
  s3Of,
  trustProxyOf,
  uploadsOf,
  webhookOf,
} from './config-sections.ts';
import type { ServerOptions } from './server.ts';

export type Mode = 'demo' | 'serve';

export interface Config extends ServerOptions {
  port: number;
  host: string;
}

export { ConfigError };

export const DEMO_ADMIN_KEY = 'demo-admin-key';

export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
}

/** Where the data lives: all that `parley migrate` needs (no secrets). */
export function loadStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const dataDir = resolve(env.PARLEY_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must be a PostgreSQL URL, e.g. postgres://parley:secret@db.internal:5432/parley',
    );
  }
  const sync = (env.PARLEY_SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') {
    throw new ConfigError(
      `PARLEY_SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${env.PARLEY_SQLITE_SYNCHRONOUS}"`,
    );
  }
  return { dataDir, databaseUrl, sqliteSynchronous: sync };
}

/** Settings people often spell with Parley's prefix, which Parley reads without it. */
const UNPREFIXED = ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL'];

/** Warnings for settings that look meant for Parley but that it does not read. */
export function misnamedSettings(env: NodeJS.ProcessEnv = process.env): string[] {
  return UNPREFIXED.filter((name) => env[`PARLEY_${name}`] !== undefined && env[name] === undefined).map(
    (name) => `PARLEY_${name} is not a setting and is ignored: Parley reads ${name} (without the prefix)`,
  );
}

export function loadConfig(mode: Mode, env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  if (env.PORT?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);
  }
  const { dataDir, databaseUrl, sqliteSynchronous: sync } = loadStoreConfig(env);
  if (mode === 'serve') {
    const missing = ['PARLEY_ADMIN_KEY', 'PARLEY_SECRET'].filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `parley serve needs ${missing.join(' and ')}: set ${missing.map((m) => `${m}=<a long random string>`).join(' ')} ` +
          '(for example from `openssl rand -hex 32`)',
      );
    }
    // deploy/'s sample env files hold change-me placeholders: an admin key copied from there
    // would open the whole REST API to anyone who has read them.
    const placeholders = ['PARLEY_ADMIN_KEY', 'PARLEY_SECRET'].filter((name) =>
      env[name]?.startsWith('change-me'),
    );
    if (placeholders.length > 0) {
      throw new ConfigError(
        `${placeholders.join(' and ')} still ${placeholders.length === 1 ? 'holds' : 'hold'} the sample's change-me placeholder: set each to its own value from \`openssl rand -hex 32\``,
      );
    }
    // The admin key opens the whole REST API, and a short one is guessed: both are 16+.
    const short = ['PARLEY_ADMIN_KEY', 'PARLEY_SECRET'].filter((name) => (env[name] ?? '').length < 16);
    if (short.length > 0)
      throw new ConfigError(
        `${short.join(' and ')} must be at least 16 characters (for example from \`openssl rand -hex 32\`)`,
      );
  }
  return {
    port,
    host: env.HOST ?? (mode === 'demo' ? '127.0.0.1' : '0.0.0.0'),
    dataDir,
    adminKey: env.PARLEY_ADMIN_KEY ?? DEMO_ADMIN_KEY,
    secret: env.PARLEY_SECRET ?? demoSecret(dataDir),
    seedDemo: mode === 'demo',
    demoPhone: mode === 'demo',
    sqliteSynchronous: sync,
    webhook: webhookOf(env),
    retentionDays: positive(env, 'PARLEY_RETENTION_DAYS'),
    sessionMaxDays: positive(env, 'PARLEY_SESSION_MAX_DAYS'),
    limits: Object.fromEntries(
      Object.entries({
        webChannelsPerMinute: positive(env, 'PARLEY_WEBCHANNELS_PER_MINUTE'),
        signInPerMinute: positive(env, 'PARLEY_SIGNIN_PER_MINUTE'),
        authFailuresPerMinute: positive(env, 'PARLEY_AUTH_FAILURES_PER_MINUTE'),
        downloadMbPerMinutePerIp: positive(env, 'PARLEY_DOWNLOAD_MB_PER_MINUTE_PER_IP'),
        messagesPerMinute: positive(env, 'PARLEY_MESSAGES_PER_MINUTE'),
        messagesPerMinutePerIp: positive(env, 'PARLEY_MESSAGES_PER_MINUTE_PER_IP'),
        connectionsPerSession: positive(env, 'PARLEY_CONNECTIONS_PER_SESSION'),
        connectionsPerIp: positive(env, 'PARLEY_CONNECTIONS_PER_IP'),
        tcpConnectionsPerIp: positive(env, 'PARLEY_TCP_CONNECTIONS_PER_IP'),
        eventBudgets: onOff(env, 'PARLEY_EVENT_BUDGETS'),
      }).filter(([, value]) => value !== undefined),
    ),
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    publicUrl: env.PARLEY_PUBLIC_URL || undefined,
    egress: { allow: httpAllowOf(env), allowLoopback: mode === 'demo' },
    functionsDir: env.PARLEY_FUNCTIONS_DIR ? resolve(env.PARLEY_FUNCTIONS_DIR) : undefined,
    trustProxy: trustProxyOf(env),
    uploads: uploadsOf(env),
    s3: s3Of(env),
    email: emailOf(env),
    adminBootstrap: adminBootstrapOf(env),
  };
}
