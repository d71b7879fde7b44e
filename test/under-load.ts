/**
 * `npm run test:loaded`: the slow tests (chaos, cluster, failover, browser) once more while two
 * CPU-bound processes run beside them, as on a busy machine; CI runs it after `npm test`. The
 * busy processes stop by themselves after 20 minutes at most, and are killed by PID when the
 * tests end, however they end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SLOW = [
  'test/integration/chaos.test.ts',
  'test/integration/chaos-shutdown.test.ts',
  'test/integration/cluster.test.ts',
  'test/integration/failover.test.ts',
  'test/e2e/chat.test.ts',
  'test/e2e/agent-desktop.test.ts',
  'test/e2e/widget.test.ts',
];

const burn = 'const end = Date.now() + 20 * 60_000; while (Date.now() < end) {}';
const burners = [0, 1].map(() => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
let status = 1;
try {
  const result = spawnSync('npx', ['vitest', 'run', ...SLOW], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'inherit',
    env: { ...process.env, PARLEY_SKIP_BUILD: process.env.PARLEY_SKIP_BUILD ?? '1' },
  });
  status = result.status ?? 1;
} finally {
  for (const burner of burners) burner.kill('SIGKILL');
}
process.exit(status);
