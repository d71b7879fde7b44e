import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stopLeftovers, trackPid, trackProcess } from '../helpers/processes.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the list of processes tests started', () => {
  it('stops a process a test left running, and forgets one that exited or lies dead unreaped', async () => {
    const run = `unit-${process.pid}-${Date.now()}`;
    const saved = process.env.PARLEY_TEST_RUN;
    process.env.PARLEY_TEST_RUN = run;
    try {
      const left = trackProcess(spawn('sleep', ['60']), 'sleep 60');
      const done = trackProcess(spawn('true'), 'true');
      await new Promise((resolve) => done.once('exit', resolve));
      const exited = new Promise((resolve) => left.once('exit', resolve));
      expect(stopLeftovers(run)).toEqual([`sleep 60 (pid ${left.pid})`]);
      await exited;
      expect(alive(left.pid as number)).toBe(false);
      expect(stopLeftovers(run)).toEqual([]);

      // One killed already, whose end nobody has collected yet (an orphan waiting for the
      // machine's first process to reap it): nothing left to stop.
      const shell = spawn('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!']);
      const orphan = Number(
        await new Promise<string>((resolve) => shell.stdout.once('data', (d) => resolve(String(d)))),
      );
      trackPid(orphan, 'orphaned sleep');
      process.kill(orphan, 'SIGKILL');
      const state = () => {
        try {
          return readFileSync(`/proc/${orphan}/stat`, 'utf8').split(') ')[1]?.[0];
        } catch {
          return 'gone';
        }
      };
      // Dead: a zombie here, or gone where the first process reaps it.
      await expect.poll(state).toMatch(/^(Z|gone)$/);
      expect(stopLeftovers(run)).toEqual([]);
    } finally {
      process.env.PARLEY_TEST_RUN = saved;
    }
  });
});
