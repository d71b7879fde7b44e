import { defineConfig } from 'vitest/config';

/**
 * The attack suite's short form, run by `npm test` after every other test, alone: it times
 * `/healthz` under attack, which another test file running beside it would distort. The cap on
 * local functions' child processes runs here too: eight Node processes starting at once beside
 * the main suite's workers can take longer than a call's 10 s.
 */
export default defineConfig({
  test: {
    include: ['test/attack/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
