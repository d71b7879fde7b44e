/**
 * `parley doctor`: checks, from the machine Parley runs on, everything `parley serve` needs
 * from its environment (configuration, port, data directory, database, Redis, SMTP) and prints one
 * line per check with ✓ or ✗, and for each ✗ what to change. Read-only apart from a probe
 * file in the data directory; a check that cannot answer in a few seconds fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp, createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createClient } from 'redis';
import { ConfigError, loadConfig, loadStoreConfig, type StoreConfig } from './config.ts';

export interface CheckResult {
  /** true: passed; false: failed; null: not applicable here (nothing configured). */
  ok: boolean | null;
  detail: string;
  fix?: string;
}

interface Check {
  name: string;
  run(): Promise<CheckResult>;
  /** What to do when the check throws or does not answer in time. */
  fix: string;
}

const TIMEOUT_MS = 5_000;
const MIN_POSTGRES = 13;
const MIN_REDIS = 6;
const REDIS_FIX =
  'check REDIS_URL (redis://[:password@]host:6379) and that Redis listens on an address this machine reaches';
const SMTP_FIX =
  'check PARLEY_SMTP_URL (smtp://user:password@host:587 or smtps://…:465) and that this machine may reach that port (port 25 is often blocked)';

/** Runs every check, printing as it goes; resolves with the exit code (1 when any failed). */
export async function runDoctor(
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = console.log,
): Promise<number> {
  let failed = 0;
  print('Checking what parley serve needs (the demo, npm start, needs none of it):');
  for (const check of checks(env)) {
    // Through a promise, so a check that throws at once (an unreadable URL) fails its own line
    // and the checks after it still run.
    const running = Promise.resolve().then(() => check.run());
    const result = await withTimeout(running, `no answer within ${TIMEOUT_MS / 1000} s`).catch(
      (err: Error): CheckResult => ({ ok: false, detail: err.message, fix: check.fix }),
    );
    const mark = result.ok === null ? '-' : result.ok ? '✓' : '✗';
    print(`  ${mark} ${check.name}: ${result.detail}`);
    if (result.ok === false) {
      failed++;
      if (result.fix) print(`      fix: ${result.fix}`);
    }
  }
  print(failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return failed === 0 ? 0 : 1;
}

function checks(env: NodeJS.ProcessEnv): Check[] {
  return [
    {
      name: 'Configuration',
      run: async () => configuration(env),
      fix: 'see the environment variables in docs/deploy.md',
    },
    {
      name: 'Port',
      run: () => port(env),
      fix: 'stop what listens there, or set PORT (and HOST) to an address that is free',
    },
    {
      name: 'Data directory',
      // Only the data directory's own setting: a bad DATABASE_URL is the Database line's finding.
      run: () => dataDirectory(loadStoreConfig({ PARLEY_DATA_DIR: env.PARLEY_DATA_DIR }).dataDir),
      fix: 'set PARLEY_DATA_DIR to a local directory that the user running Parley owns',
    },
    {
      name: 'Database',
      run: () => database(loadStoreConfig(env)),
      fix: 'check DATABASE_URL, or PARLEY_DATA_DIR for SQLite, and that the database answers',
    },
    { name: 'Redis', run: () => checkRedis(env.REDIS_URL), fix: REDIS_FIX },
    { name: 'SMTP', run: () => smtp(env.PARLEY_SMTP_URL), fix: SMTP_FIX },
  ];
}

function configuration(env: NodeJS.ProcessEnv): CheckResult {
  try {
    const config = loadConfig('serve', env);
    return {
      ok: true,
      detail: `serve on ${config.host}:${config.port}, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}${config.redisUrl ? ' and Redis' : ''}`,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The message names the variable and the value it expects.
    return { ok: false, detail: err.message };
  }
}

/**
 * Whether `parley serve` could listen where it is set to: the port is free, or a Parley
 * already answers there (doctor run beside a running server, as in a container).
 */
async function port(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  let config: { host: string; port: number };
  try {
    config = loadConfig('serve', env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: null, detail: 'see Configuration' };
  }
  const where = `${config.port} on ${config.host}`;
  if (config.port === 0) return { ok: null, detail: 'PORT 0: any free port' };
  const problem = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const probe = createNetServer();
    probe.once('error', resolve);
    probe.listen(config.port, config.host, () => probe.close(() => resolve(null)));
  });
  if (!problem) return { ok: true, detail: `port ${where} is free` };
  if (problem.code !== 'EADDRINUSE')
    return { ok: false, detail: `cannot listen on port ${where} (${problem.code ?? problem.message})` };
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  const parley = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    .then(async (res) => res.ok && ((await res.json()) as { status?: unknown }).status === 'ok')
    .catch(() => false);
  return parley
    ? { ok: true, detail: `port ${where}: a Parley answers there (running already)` }
    : { ok: false, detail: `port ${where} is in use by another program: parley serve would not start` };
}

/** Asynchronous, so a directory that never answers (a hung network mount) times out. */
async function dataDirectory(dir: string): Promise<CheckResult> {
  const probe = join(dir, `.parley-doctor-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe);
    return { ok: true, detail: `${dir} is writable` };
  } catch (err) {
    return {
      ok: false,
      detail: `cannot write to ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      fix: `give the user that runs Parley write access (e.g. sudo install -d -o parley ${dir}), or set PARLEY_DATA_DIR to a directory it owns`,
    };
  }
}

async function database(store: StoreConfig): Promise<CheckResult> {
  if (store.databaseUrl) return postgres(store.databaseUrl);
  const file = join(store.dataDir, 'parley.db');
  if (!existsSync(file)) return { ok: true, detail: `SQLite ${file} is created on first start` };
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: TIMEOUT_MS });
  try {
    const version = sqliteSchemaVersion(db);
    return { ok: true, detail: `SQLite ${file}, ${describeVersion(version)}` };
  } finally {
    db.close();
  }
}

async function postgres(url: string): Promise<CheckResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    return {
      ok: false,
      detail: `cannot connect to ${redact(url)}: ${(err as Error).message}`,
      fix: "check DATABASE_URL's host, port, user, password and database, and that PostgreSQL accepts connections from this machine (listen_addresses, pg_hba.conf)",
    };
  }
  try {
    const { rows } = await client.query('SHOW server_version_num');
    const major = Math.floor(Number(rows[0]?.server_version_num) / 10_000);
    if (major < MIN_POSTGRES) {
      return {
        ok: false,
        detail: `PostgreSQL ${major} at ${redact(url)} is older than ${MIN_POSTGRES}`,
        fix: `upgrade PostgreSQL to ${MIN_POSTGRES} or later`,
      };
    }
    const version = await postgresSchemaVersion(client);
    return { ok: true, detail: `PostgreSQL ${major} at ${redact(url)}, ${describeVersion(version)}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Connects once (no retries) and reads the version; `parley serve` runs it before starting. */
export async function checkRedis(url: string | undefined): Promise<CheckResult> {
  if (!url) return { ok: null, detail: 'REDIS_URL not set (one node; set it to run several)' };
  if (!/^rediss?:\/\//.test(url)) {
    return { ok: false, detail: 'REDIS_URL is not a redis:// or rediss:// URL', fix: REDIS_FIX };
  }
  const client = createClient({ url, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    return {
      ok: false,
      detail: `cannot connect to ${redact(url)}: ${(err as Error).message || (err as Error).name}`,
      fix: REDIS_FIX,
    };
  }
  try {
    const info = await client.info('server');
    const version = /redis_version:([\d.]+)/.exec(info)?.[1] ?? '0';
    if (Number.parseInt(version, 10) < MIN_REDIS) {
      return {
        ok: false,
        detail: `Redis ${version} is older than ${MIN_REDIS}`,
        fix: `upgrade Redis to ${MIN_REDIS} or later`,
      };
    }
    return { ok: true, detail: `Redis ${version} at ${redact(url)}` };
  } finally {
    client.destroy();
  }
}

/** Connects and reads the server's greeting, then says goodbye; sends no credentials or mail. */
async function smtp(url: string | undefined): Promise<CheckResult> {
  if (!url) return { ok: null, detail: 'PARLEY_SMTP_URL not set (Parley sends no email)' };
  const fix = SMTP_FIX;
  let target: URL;
  try {
    target = new URL(url);
    if (target.protocol !== 'smtp:' && target.protocol !== 'smtps:') throw new Error('not smtp');
  } catch {
    return { ok: false, detail: `PARLEY_SMTP_URL is not an smtp:// or smtps:// URL`, fix };
  }
  const secure = target.protocol === 'smtps:';
  const port = Number(target.port || (secure ? 465 : 587));
  const host = target.hostname;
  try {
    const greeting = await smtpGreeting(host, port, secure);
    if (!greeting.startsWith('220')) {
      return { ok: false, detail: `${host}:${port} answered "${greeting}" instead of 220`, fix };
    }
    return { ok: true, detail: `${host}:${port} answers "${greeting}"` };
  } catch (err) {
    return { ok: false, detail: `cannot reach ${host}:${port}: ${(err as Error).message}`, fix };
  }
}

function smtpGreeting(host: string, port: number, secure: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = secure ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('timed out')));
    socket.setEncoding('utf8');
    let text = '';
    socket.on('data', (chunk: string) => {
      text += chunk;
      const line = text.split('\r\n')[0];
      if (line !== undefined && text.includes('\r\n')) {
        socket.end('QUIT\r\n');
        resolve(line.trim());
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before greeting')));
  });
}

/** The newest applied migration of an SQLite database; 0 when it has none. */
export function sqliteSchemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/** The newest applied migration of a PostgreSQL database; 0 when it has none. */
export async function postgresSchemaVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!rows[0]?.present) return 0;
  const result = await client.query('SELECT max(version) AS version FROM schema_migrations');
  return Number(result.rows[0]?.version ?? 0);
}

function describeVersion(version: number): string {
  return version === 0
    ? 'no tables yet (parley migrate or the first start creates them)'
    : `schema version ${version}`;
}

/** The URL without its password, for printing. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unreadable URL)';
  }
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), TIMEOUT_MS + 1_000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
