/**
 * Builds the widget and the pages once before the tests, so browser and size tests always
 * run against what the current sources build. PARLEY_SKIP_BUILD=1 reuses an existing dist/.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup() {
  if (process.env.PARLEY_SKIP_BUILD === '1') return;
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
  }
}
