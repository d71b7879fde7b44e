import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stopLeftovers, trackProcess } from '../helpers/processes.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the list of processes tests started', () => {
  it('stops a process a test left running, and forgets one that exited by itself', async () => {
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
    } finally {
      process.env.PARLEY_TEST_RUN = saved;
    }
  });
});
