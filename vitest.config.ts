import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The attack suite runs on its own afterwards (vitest.attack.config.ts).
    exclude: ['test/attack/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Generous ceilings: tests wait on events, and a busy machine only makes them slower.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browser tests share two cores with their servers; two files at a time keeps them steady.
    maxWorkers: 2,
  },
});
