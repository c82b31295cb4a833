import { defineConfig } from '@playwright/test';

export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

// Each run gets its own output directory: Playwright empties outputDir when a run starts, so two
// runs sharing one (say, two engineers on one machine) would delete each other's traces mid-test.
// Set once in the runner process; its workers inherit it through the environment.
process.env.LIFEBOAT_E2E_RUN ??= `${Date.now()}-${process.pid}`;

// One web-mode server and one lab cluster are shared, so specs run one at a time.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: `../../test-results/e2e/${process.env.LIFEBOAT_E2E_RUN}`,
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1360, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
