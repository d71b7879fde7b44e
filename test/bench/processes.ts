/**
 * Benchmark servers as child processes: pinned to core 0 when `taskset` exists (the load runs
 * on core 1), with their CPU time read from /proc and their heap asked over stdin.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const pinned = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length > 1;
  } catch {
    return false;
  }
})();

/** Moves this (load) process to core 1. */
export function pinLoad() {
  if (pinned) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

export interface BenchServer {
  url: string;
  /** Server CPU seconds (user + system) so far. */
  cpuSeconds(): number;
  /** CPU seconds so far per kind of thread (the main one, V8's workers for the GC, libuv's pool). */
  threadSeconds(): Record<string, number>;
  heapUsed(): Promise<number>;
  /** Starts a CPU profile in the server; `stop` writes it to `file`. */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
  stop(): void;
}

const TICKS = 100;

export async function startServer(
  kind: 'parley' | 'bare',
  env: Record<string, string> = {},
): Promise<BenchServer> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers under the load.
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [
    ...extra,
    '--expose-gc',
    '--import',
    'tsx',
    join(import.meta.dirname, 'server-process.ts'),
    kind,
  ];
  const options = {
    stdio: ['pipe', 'pipe', 'inherit'] as ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  };
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
  let out = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout?.on('data', (chunk) => {
    out += chunk;
    let newline = out.indexOf('\n');
    while (newline >= 0) {
      const line = out.slice(0, newline);
      out = out.slice(newline + 1);
      for (const w of waiters.splice(0)) w(line);
      newline = out.indexOf('\n');
    }
  });
  const nextLine = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const wait = (line: string) =>
        line.startsWith(prefix) ? resolve(line.slice(prefix.length).trim()) : waiters.push(wait);
      waiters.push(wait);
      child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    });
  const url = await nextLine('READY ');
  return {
    url,
    cpuSeconds() {
      // Nanoseconds on the CPU of every thread (the main one, the GC's, libuv's): /proc/<pid>/stat
      // counts in 10 ms ticks, too coarse for a short run of a cheap server.
      try {
        let nanos = 0;
        for (const task of readdirSync(`/proc/${child.pid}/task`)) {
          nanos += Number(readFileSync(`/proc/${child.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
        }
        if (nanos > 0) return nanos / 1e9;
      } catch {
        // No schedstat here: the ticks will do.
      }
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / TICKS;
    },
    threadSeconds() {
      const byName: Record<string, number> = {};
      for (const task of readdirSync(`/proc/${child.pid}/task`)) {
        const dir = `/proc/${child.pid}/task/${task}`;
        const name = String(task) === String(child.pid) ? 'main' : readFileSync(`${dir}/comm`, 'utf8').trim();
        const nanos = Number(readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]);
        byName[name] = (byName[name] ?? 0) + nanos / 1e9;
      }
      return byName;
    },
    async heapUsed() {
      const reply = nextLine('HEAP ');
      child.stdin?.write('heap\n');
      return Number(await reply);
    },
    async profile() {
      const started = nextLine('PROFILING');
      child.stdin?.write('profile start\n');
      await started;
      return {
        async stop(file: string) {
          const done = nextLine('PROFILED');
          child.stdin?.write(`profile stop ${file}\n`);
          await done;
        },
      };
    },
    // SIGTERM when profiling, so that node writes the profile on its way out.
    stop: () => child.kill(extra.length ? 'SIGTERM' : 'SIGKILL'),
  };
}
