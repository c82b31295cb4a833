import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { startWeb } from './backups-bench.js';

const tag = process.argv[2] ?? 'x';
async function main() {
  const lab = readLabState(join(repoRoot, '.lab-backups'))!;
  const web = await startWeb(lab.kubeconfig, lab.toolsDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(web.url.replace('#token=', '#/backups?token='));
      await page.getByTestId('backup-row').first().waitFor({ timeout: 120_000 });
      await page.waitForTimeout(2500);
      await page.screenshot({ path: `/tmp/lb/shot-${tag}-backups-${scheme}.png` });
      if (scheme === 'light') {
        await page.getByTestId('backup-search').hover();
        await page.getByTestId('nav-overview').hover();
        await page.waitForTimeout(600);
        await page.screenshot({ path: `/tmp/lb/shot-${tag}-backups-hover.png` });
        await page.getByTestId('backup-row').first().click();
        await page.getByRole('dialog').waitFor();
        await page.waitForTimeout(1500);
        await page.screenshot({ path: `/tmp/lb/shot-${tag}-detail.png` });
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
        await page.getByTestId('tab-schedule').click();
        await page.waitForTimeout(2000);
        await page.screenshot({ path: `/tmp/lb/shot-${tag}-schedule.png` });
        await page.getByTestId('nav-overview').click();
        await page.waitForTimeout(1500);
        await page.screenshot({ path: `/tmp/lb/shot-${tag}-overview.png` });
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
    web.child.kill('SIGTERM');
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
