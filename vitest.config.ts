import { defineConfig } from 'vitest/config';

/**
 * Integration suites that start their own lab (their own folder and port base) and never touch the
 * shared one: the `integration-labs` project, which scripts/test-all.sh runs beside the other lane
 * (the shared lab's suites, then the browser e2e specs). Two lanes are safe only while they share
 * no lab: test/lab/integration-projects.test.ts checks that no file listed here reaches for the
 * shared lab, and that no lab folder or port base is used in both lanes.
 *
 * backups-embedded and backups-hooks are not listed, though they start labs of their own: the e2e
 * spec test/e2e/backups.spec.ts photographs the labs they leave running, so they run in the lane
 * before e2e, with the shared lab's suites.
 */
export const OWN_LAB_SUITES = [
  'backups-refusals',
  'faults',
  'faults-jobs',
  'kots-minio',
  'kotsadm-embedded-dr',
  'kotsadm-real',
  'registry-flow',
  'registry-restore',
  'restore-wizard',
  'setup-wizard',
].map((name) => `test/integration/${name}.test.ts`);

const integration = {
  testTimeout: 240_000,
  hookTimeout: 600_000,
  // CI runs on a 2-core machine shared with other test runs: one retry of a failed test,
  // reported by name as flaky in the closing summary (scripts/summarize-tests.mjs), never hidden.
  retry: process.env.CI ? 1 : 0,
  fileParallelism: false,
};

// Three projects: unit tests sit beside the code they test and need nothing running; integration
// tests run against the shared lab cluster (test/lab), which test/integration/global-setup.ts starts
// once (and the two suites that feed e2e their labs); integration-labs are the suites on labs of
// their own, run in a lane of their own.
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
          exclude: OWN_LAB_SUITES,
          globalSetup: ['test/integration/global-setup.ts'],
          ...integration,
        },
      },
      {
        test: {
          name: 'integration-labs',
          include: OWN_LAB_SUITES,
          ...integration,
        },
      },
    ],
  },
});
