/**
 * Runs the `parley` command as a real child process for the serve-* tests, and finds and
 * kills (by PID) every process under it, so a failing test leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackProcess } from '../helpers/processes.ts';

export const root = join(import.meta.dirname, '../..');

export const SERVE_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  PARLEY_ADMIN_KEY: 'serve-test-admin-key',
  PARLEY_SECRET: 'serve-test-secret-0123456789',
};

export interface Run {
  child: ChildProcess;
  /** The URL the server prints once it listens. */
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const started: ChildProcess[] = [];
/** PID → its start time, so a PID the system has since reused is never killed. */
const tracked = new Map<number, string>();

function startTime(pid: number): string | undefined {
  try {
    // Fields after the command name, which may hold spaces: state is field 3, starttime 22.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
  } catch {
    return undefined;
  }
}

function track(pid: number) {
  const started = startTime(pid);
  if (started && !tracked.has(pid)) tracked.set(pid, started);
}
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-serve-'));
  dirs.push(dir);
  return dir;
}

/** Spawns `command args` in the repository with the given environment (added to the test's). */
export function run(command: string, args: string[], env: Record<string, string> = {}): Run {
  // The test runner's npm variables would tell Parley it was started by npm.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')),
  );
  const child = spawn(command, args, { cwd: root, env: { ...inherited, ...env } });
  trackProcess(child, `${command} ${args.join(' ')}`);
  started.push(child);
  if (child.pid !== undefined) track(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (match) resolve(match[0]);
    });
    void exited.then(({ code }) =>
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
  url.catch(() => {}); // a refused start is asserted through `exited`
  return { child, url, exited, output: () => output };
}

/** `parley <args>` run by node, as an operator or a unit file would. */
export function parley(args: string[], env: Record<string, string> = {}): Run {
  return run(process.execPath, ['bin/parley.js', ...args], env);
}

/**
 * Every process below `pid` (found through /proc, Linux only), remembered for cleanUp: one
 * orphaned later is no longer found below the process the test started.
 */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    const file = `/proc/${parent}/task/${parent}/children`;
    if (!existsSync(file)) return;
    for (const child of readFileSync(file, 'utf8').split(' ').filter(Boolean).map(Number)) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  for (const each of found) track(each);
  return found;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) has stopped running.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves once none of `pids` runs; rejects after `ms`. */
export async function gone(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline)
      throw new Error(`still running after ${ms} ms: ${pids.filter(isRunning).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills, by PID, every process a test started and all below them; removes temp dirs. */
export function cleanUp(): void {
  for (const child of started.splice(0)) {
    if (child.pid === undefined) continue;
    for (const pid of [...descendants(child.pid), child.pid]) track(pid);
  }
  for (const [pid, started] of tracked) {
    if (startTime(pid) !== started) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tracked.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
