import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { startWeb } from './backups-bench.js';
const lab = readLabState(join(repoRoot, '.lab-backups'))!;
const web = await startWeb(lab.kubeconfig, lab.toolsDir);
const b = await chromium.launch(chromiumLaunchOptions);
const page = await b.newPage({ viewport: { width: 1360, height: 900 } });
await page.goto(web.url.replace('#token=', '#/backups?token='));
await page.getByTestId('backup-row').first().waitFor({ timeout: 60000 });
await page.waitForTimeout(1500);
console.log(await page.evaluate(`(() => {
  const h = document.documentElement; const cur = h.getAttribute('data-mantine-color-scheme'); const out = [];
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now(); h.setAttribute('data-mantine-color-scheme', cur); document.body.offsetHeight; const same = performance.now() - t0;
    t0 = performance.now(); h.setAttribute('data-x', String(i)); document.body.offsetHeight; const other = performance.now() - t0;
    t0 = performance.now(); h.setAttribute('data-mantine-color-scheme', cur === 'light' ? 'dark' : 'light'); document.body.offsetHeight; const diff = performance.now() - t0;
    h.setAttribute('data-mantine-color-scheme', cur); document.body.offsetHeight;
    t0 = performance.now(); document.querySelector('#main h1').focus({ preventScroll: true }); const focus = performance.now() - t0;
    out.push({ same: same.toFixed(2), other: other.toFixed(2), diff: diff.toFixed(2), focus: focus.toFixed(2) });
  }
  return JSON.stringify(out);
})()`));
await b.close(); web.child.kill('SIGTERM');
