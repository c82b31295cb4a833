/**
 * Writes a PNG of every screen to docs/screenshots/ (Overview in light and dark), from web mode
 * against the lab, in the same Debian Chromium the e2e suite uses.
 *
 *   npm run screenshots                       (needs a running lab: npm run lab:up)
 *   LIFEBOAT_E2E_FAKE=1 npm run screenshots   (the dev-only fake server, no lab)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { repoRoot } from '../test/lab/state.js';
import { buildRenderer, startWebMode } from '../test/e2e/server.js';

const outDir = join(repoRoot, 'docs', 'screenshots');
const screens = ['overview', 'setup', 'backups', 'restore', 'registry', 'activity'] as const;

async function settle(page: Page) {
  // Wait for the first load to finish: the header badge leaves "Checking…" and loaders go.
  await page.waitForSelector('[data-testid="header-cluster"], [data-testid="header-link"]');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .mantine-Loader-root'), undefined, { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(400);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  buildRenderer();
  const web = await startWebMode();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(await web.link());
      await settle(page);
      const list = scheme === 'light' ? screens : (['overview'] as const);
      for (const s of list) {
        await page.evaluate((id) => (window.location.hash = `#/${id}`), s);
        await page.waitForSelector('h1');
        if (s === 'activity') {
          const row = page.locator('[data-testid="journal-row"]').first();
          if (await row.count()) {
            await row.click();
            await page.waitForSelector('[data-testid="log-view"]');
          }
        }
        await settle(page);
        // Move focus off the heading so no focus ring sits in the picture.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const file = join(outDir, s === 'overview' ? `overview-${scheme}.png` : `${s}.png`);
        // Grow the viewport to the page instead of fullPage: the fixed navbar then spans it all.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.setViewportSize({ width: 1440, height: Math.max(1000, height) });
        await page.waitForTimeout(300);
        await page.screenshot({ path: file });
        await page.setViewportSize({ width: 1440, height: 1000 });
        console.log(`wrote ${file}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await web.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
