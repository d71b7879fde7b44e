/**
 * A real PostgreSQL 15 for tests: `initdb` into a temp dir, `pg_ctl` on a free loopback port,
 * stopped afterwards. As root it runs as the `postgres` user (initdb refuses root).
 * `createDatabase()` gives each test a fresh, empty database on that server.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { trackPid } from './processes.ts';

export interface TestPostgres {
  url: string;
  createDatabase(): Promise<string>;
  stop(): void;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'parley', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  // pg_ctl leaves the server running on its own: listed by the postmaster's PID.
  const untrack = trackPid(
    Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    'postgres',
  );
  const halt = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  // A script that fails before it calls stop() (a benchmark that throws) still stops its server.
  const haltOnExit = () => {
    try {
      halt();
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', haltOnExit);
  const url = `postgres://parley@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    url,
    async createDatabase() {
      const name = `parley_test_${process.pid}_${++n}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return `postgres://parley@127.0.0.1:${port}/${name}`;
    },
    stop() {
      process.off('exit', haltOnExit);
      try {
        halt();
        untrack();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('id', ['-u', name])
    .toString()
    .trim()
    .split('\n')
    .concat(execFileSync('id', ['-g', name]).toString().trim());
  return { uid: Number(uid), gid: Number(gid) };
}
