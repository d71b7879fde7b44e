/**
 * Before the tests: builds the widget, the desk, the demo pages and the server once, so browser,
 * size and package tests run against what the current sources build (PARLEY_SKIP_BUILD=1 reuses
 * an existing build). After them, whatever happened: stops every process a test started and
 * did not stop itself (see helpers/processes.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stopLeftovers } from './helpers/processes.ts';

export default function setup() {
  // One list of started processes per run; the test workers inherit it.
  const run = String(process.pid);
  process.env.PARLEY_TEST_RUN = run;
  if (process.env.PARLEY_SKIP_BUILD !== '1') {
    const result = spawnSync('npm', ['run', 'build'], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
    }
  }
  return function teardown() {
    const killed = stopLeftovers(run);
    if (killed.length > 0)
      console.warn(`stopped ${killed.length} processes tests left running: ${killed.join(', ')}`);
  };
}
