import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Browser tests share two cores with their servers; a few files at a time keeps them steady.
    maxWorkers: 2,
  },
});
