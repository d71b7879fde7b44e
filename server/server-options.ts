/**
 * The checks `createServer()` makes of its options before it opens anything. The `parley`
 * command validates its environment in config.ts; this is the same edge for code that calls
 * createServer itself, often from plain JavaScript where nothing checks a missing
 * `process.env.PARLEY_SECRET` before it arrives here as undefined.
 */
import { ParleyError } from './errors.ts';
import type { ServerOptions } from './server.ts';

/** At least this long, as `parley serve` requires of PARLEY_SECRET. */
const MIN_SECRET_LENGTH = 16;

/** Throws a ParleyError naming the option and its expected form; returns quietly when all is well. */
export function checkServerOptions(options: ServerOptions): void {
  const fail = (message: string): never => {
    throw new ParleyError('invalid_options', `createServer(): ${message}`, 500);
  };
  if (typeof options !== 'object' || options === null) {
    fail('pass an options object, e.g. { dataDir: "./data", adminKey, secret }');
  }
  const { dataDir, adminKey, secret } = options;
  if (typeof dataDir !== 'string' || dataDir === '') {
    fail(
      `dataDir must be a directory path (where parley.db and uploaded files live), got ${describe(dataDir)}`,
    );
  }
  if (typeof adminKey !== 'string' || adminKey === '') {
    fail(
      `adminKey must be a non-empty string (the REST API's bearer key, e.g. process.env.PARLEY_ADMIN_KEY), got ${describe(adminKey)}`,
    );
  }
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    fail(
      `secret must be a string of at least ${MIN_SECRET_LENGTH} characters (signs session tokens; the same on every node; e.g. from \`openssl rand -hex 32\`), got ${describe(secret)}`,
    );
  }
  const { databaseUrl, redisUrl } = options;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(String(databaseUrl))) {
    fail(
      'databaseUrl (DATABASE_URL) must be a PostgreSQL URL, e.g. postgres://parley:secret@db.internal:5432/parley',
    );
  }
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(String(redisUrl))) {
    fail('redisUrl (REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://redis.internal:6379');
  }
}

/** What was passed, without printing a secret. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined (is the environment variable set?)';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return value === null ? 'null' : `a ${typeof value}`;
}
