/**
 * Every process a test starts is written down here by PID (with its start time, so a reused
 * PID is never mistaken for it) and crossed off when it exits. The global teardown kills what
 * is still listed: a test that failed or timed out before its own cleanup leaves nothing
 * running. Each `npm test` run has its own list (PARLEY_TEST_RUN, set by the global setup),
 * so runs side by side never stop each other's processes.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const listDir = (run = process.env.PARLEY_TEST_RUN ?? 'adhoc') =>
  join(tmpdir(), `parley-test-processes-${run}`);

/**
 * The kernel's start time of a process (field 22 of /proc/PID/stat), or null when it is gone:
 * exited, or dead and waiting to be reaped (a zombie, state Z, which no signal can stop and
 * which a machine whose first process reaps nothing keeps listed).
 */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ...fields] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' ? null : (fields[18] ?? null);
  } catch {
    return null;
  }
}

/** Lists a process by PID until it exits. */
export function trackPid(pid: number | undefined, what: string): () => void {
  if (!pid) return () => {};
  const dir = listDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(pid));
  writeFileSync(file, JSON.stringify({ what, startTime: startTimeOf(pid) }));
  return () => rmSync(file, { force: true });
}

/** Lists a child process until it exits. */
export function trackProcess(child: ChildProcess, what: string): ChildProcess {
  const untrack = trackPid(child.pid, what);
  child.once('exit', untrack);
  return child;
}

/** Kills (SIGKILL) every process of this run still listed; returns what it killed. */
export function stopLeftovers(run?: string): string[] {
  const dir = listDir(run);
  const killed: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return killed;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    try {
      const { what, startTime } = JSON.parse(readFileSync(join(dir, entry), 'utf8')) as {
        what: string;
        startTime: string | null;
      };
      if (startTime && startTimeOf(pid) === startTime) {
        process.kill(pid, 'SIGKILL');
        killed.push(`${what} (pid ${pid})`);
      }
    } catch {
      // Gone already, or not ours to stop.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return killed;
}
