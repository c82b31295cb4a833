import { defineConfig } from 'vitest/config';

// Two projects: unit tests sit beside the code they test and need nothing running; integration
// tests run against the lab cluster (test/lab), which test/integration/setup.ts starts once.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/lab/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 600_000,
          // CI runs on a 2-core machine shared with other test runs: one retry of a failed test,
          // reported by name as flaky in the closing summary (scripts/summarize-tests.mjs), never hidden.
          retry: process.env.CI ? 1 : 0,
          fileParallelism: false,
        },
      },
    ],
  },
});
