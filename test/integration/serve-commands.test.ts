/**
 * `parley migrate` and `parley doctor` run as real processes against a real SQLite file, a
 * real PostgreSQL and a real Redis (started by the test harness), and a small SMTP server.
 */

import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startParley } from '../helpers/server.ts';
import { cleanUp, parley, SERVE_ENV, tempDir } from './serve-helpers.ts';

let postgres: TestPostgres;
let redis: TestRedis;
let smtp: Server;
let smtpUrl: string;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  // Enough of SMTP for a reachability check: the greeting, then goodbye.
  smtp = createServer((socket) => {
    socket.write('220 mail.test ESMTP ready\r\n');
    socket.on('data', () => socket.end('221 bye\r\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://parley:mail-secret@127.0.0.1:${(smtp.address() as { port: number }).port}`;
});
afterAll(async () => {
  postgres?.stop();
  redis?.stop();
  await new Promise((resolve) => smtp?.close(resolve));
});
afterEach(cleanUp);

async function finish(run: ReturnType<typeof parley>) {
  const { code } = await run.exited;
  return { code, output: run.output() };
}

describe('parley --help', () => {
  it('lists every command on standard output and exits 0', async () => {
    const result = await finish(parley(['--help']));
    expect(result.code).toBe(0);
    for (const command of ['demo', 'serve', 'migrate', 'doctor', 'admin', 'flows']) {
      expect(result.output).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
  });

  it('describes one command without running it: no database is created, no server started', async () => {
    const dataDir = tempDir();
    for (const args of [
      ['migrate', '--help'],
      ['demo', '-h'],
      ['serve', '--help'],
      ['doctor', '--help'],
      ['help', 'doctor'],
    ]) {
      const result = await finish(parley(args, { PARLEY_DATA_DIR: dataDir, PORT: '0' }));
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.output, args.join(' ')).toMatch(/^usage: parley (migrate|demo|serve|doctor)/);
    }
    for (const args of [
      ['admin', 'create-user', '--help'],
      ['flows', 'simulate', '--help'],
    ]) {
      const result = await finish(parley(args, { PARLEY_DATA_DIR: dataDir }));
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.output).toContain(`usage: parley ${args[0]}`);
    }
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('names a command it does not have and exits 2', async () => {
    const result = await finish(parley(['serv']));
    expect(result.code).toBe(2);
    expect(result.output).toContain('parley: there is no command "serv"');
    expect(result.output).toContain('usage: parley COMMAND');
  });
});

describe('parley migrate', () => {
  it('creates the SQLite tables and exits, and is a no-op the second time', async () => {
    const dataDir = tempDir();
    const first = await finish(parley(['migrate'], { PARLEY_DATA_DIR: dataDir }));
    expect(first).toMatchObject({ code: 0 });
    expect(first.output).toContain(`SQLite ${join(dataDir, 'parley.db')} is up to date`);
    const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
    const applied = db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number };
    expect(applied.n).toBeGreaterThan(0);
    db.close();

    expect(await finish(parley(['migrate'], { PARLEY_DATA_DIR: dataDir }))).toMatchObject({ code: 0 });
  });

  it('migrates a PostgreSQL database without printing its password', async () => {
    const url = (await postgres.createDatabase()).replace('parley@', 'parley:db-secret@');
    const result = await finish(parley(['migrate'], { DATABASE_URL: url, PARLEY_DATA_DIR: tempDir() }));
    expect(result.code).toBe(0);
    expect(result.output).toContain('PostgreSQL postgres://parley:***@');
    expect(result.output).not.toContain('db-secret');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM flex_flows');
    expect(rows[0].n).toBe(0);
    await client.end();
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, saying what to set', async () => {
    const result = await finish(parley(['migrate'], { DATABASE_URL: 'mysql://db/parley' }));
    expect(result.code).toBe(1);
    expect(result.output).toContain('DATABASE_URL must be a PostgreSQL URL');
  });
});

describe('parley doctor', () => {
  it('passes every check on a complete setup: PostgreSQL, Redis, SMTP, a writable data dir', async () => {
    const databaseUrl = await postgres.createDatabase();
    const result = await finish(
      parley(['doctor'], {
        ...SERVE_ENV,
        PARLEY_DATA_DIR: tempDir(),
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        PARLEY_SMTP_URL: smtpUrl,
        PARLEY_SMTP_FROM: 'Support <support@shop.test>',
      }),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('✓ Configuration: serve on 127.0.0.1:0, PostgreSQL and Redis');
    expect(result.output).toMatch(/✓ Data directory: .* is writable/);
    expect(result.output).toMatch(
      /✓ Database: PostgreSQL 1\d at postgres:\/\/parley@127\.0\.0\.1:\d+\/\w+, no tables yet/,
    );
    expect(result.output).toMatch(/✓ Redis: Redis \d+\.\d+/);
    expect(result.output).toContain('✓ SMTP: 127.0.0.1:');
    expect(result.output).toContain('220 mail.test ESMTP ready');
    expect(result.output).not.toContain('mail-secret');
    expect(result.output).toContain('All checks passed.');
  });

  it('reports the schema version of a migrated SQLite database and skips what is not configured', async () => {
    const dataDir = tempDir();
    expect((await finish(parley(['migrate'], { PARLEY_DATA_DIR: dataDir }))).code).toBe(0);
    const result = await finish(parley(['doctor'], { ...SERVE_ENV, PARLEY_DATA_DIR: dataDir }));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/✓ Database: SQLite .*parley\.db, schema version \d+/);
    expect(result.output).toContain('- Redis: REDIS_URL not set');
    expect(result.output).toContain('- SMTP: PARLEY_SMTP_URL not set');
  });

  it('fails with a fix for each problem: secrets, data dir, database, Redis, SMTP', async () => {
    const closed = await freePort(); // nothing listens there
    const notADir = join(tempDir(), 'file');
    await import('node:fs').then((fs) => fs.writeFileSync(notADir, 'x'));
    const result = await finish(
      parley(['doctor'], {
        PARLEY_ADMIN_KEY: '',
        PARLEY_SECRET: '',
        PARLEY_DATA_DIR: notADir,
        DATABASE_URL: `postgres://parley:db-secret@127.0.0.1:${closed}/parley`,
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        PARLEY_SMTP_URL: `smtp://127.0.0.1:${closed}`,
      }),
    );
    expect(result.code).toBe(1);
    const lines = result.output;
    expect(lines).toContain('✗ Configuration: parley serve needs PARLEY_ADMIN_KEY and PARLEY_SECRET');
    expect(lines).toMatch(/✗ Data directory: cannot write to .*file \(E\w+\)\n\s+fix: give the user/);
    expect(lines).toMatch(
      /✗ Database: cannot connect to postgres:\/\/parley:\*\*\*@127\.0\.0\.1:\d+\/parley.*\n\s+fix: check DATABASE_URL/,
    );
    expect(lines).toMatch(/✗ Redis: cannot connect to redis:\/\/127\.0\.0\.1:\d+.*\n\s+fix: check REDIS_URL/);
    expect(lines).toMatch(/✗ SMTP: cannot reach 127\.0\.0\.1:\d+.*\n\s+fix: check PARLEY_SMTP_URL/);
    expect(lines).not.toContain('db-secret');
    expect(lines).toContain('5 checks failed.');
  });

  it('says whether parley serve could listen: the port free, taken by another program, or a Parley already there', async () => {
    const doctor = (port: number) =>
      finish(parley(['doctor'], { ...SERVE_ENV, PARLEY_DATA_DIR: tempDir(), PORT: String(port) }));
    const free = await freePort();
    const freeRun = await doctor(free);
    expect(freeRun.output).toContain(`✓ Port: port ${free} on 127.0.0.1 is free`);
    expect(freeRun.code).toBe(0);

    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (other.address() as { port: number }).port;
      const takenRun = await doctor(taken);
      expect(takenRun.output).toContain(
        `✗ Port: port ${taken} on 127.0.0.1 is in use by another program: parley serve would not start`,
      );
      expect(takenRun.code).toBe(1);
    } finally {
      other.close();
    }

    const running = await startParley();
    try {
      const port = Number(new URL(running.url).port);
      const beside = await doctor(port);
      expect(beside.output).toContain(
        `✓ Port: port ${port} on 127.0.0.1: a Parley answers there (running already)`,
      );
      expect(beside.code).toBe(0);
    } finally {
      await running.stop();
    }
  });

  it('checks everything even when a URL is unreadable, each finding on its own line', async () => {
    const result = await finish(
      parley(['doctor'], {
        ...SERVE_ENV,
        PARLEY_DATA_DIR: tempDir(),
        DATABASE_URL: 'postgress://parley@db/parley',
        REDIS_URL: 'http://127.0.0.1:6379',
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/✓ Data directory: .* is writable/);
    expect(result.output).toContain('✗ Database: DATABASE_URL must be a PostgreSQL URL');
    expect(result.output).toContain('✗ Redis: REDIS_URL is not a redis:// or rediss:// URL');
    expect(result.output).toContain('- SMTP: PARLEY_SMTP_URL not set');
  });

  it('says which database a reachable PostgreSQL does not have', async () => {
    const url = new URL(await postgres.createDatabase());
    const wrongDatabase = new URL(url);
    wrongDatabase.pathname = '/no_such_database';
    const result = await finish(
      parley(['doctor'], { ...SERVE_ENV, PARLEY_DATA_DIR: tempDir(), DATABASE_URL: wrongDatabase.href }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/✗ Database: cannot connect to .*no_such_database.*does not exist/);
  });
});
