// Loads dist/renderer over file:// (as Electron does) with a stub preload bridge, opens every screen.
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
const b = await chromium.launch({ ...chromiumLaunchOptions, args: [...chromiumLaunchOptions.args, '--allow-file-access-from-files'] });
const page = await b.newPage({ viewport: { width: 1360, height: 900 } });
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('requestfailed', (r) => errors.push('FAILED ' + r.url()));
await page.addInitScript(`window.lifeboat = { invoke: async (method) => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'stub: ' + method, hint: 'stub' } }), on: () => () => {} };`);
await page.goto('file:///work/main/dist/renderer/index.html#/backups');
await page.getByRole('heading', { level: 1, name: 'Backups' }).waitFor({ timeout: 15000 });
console.log('backups ok');
for (const id of ['overview', 'setup', 'restore', 'registry', 'activity', 'backups']) {
  await page.getByTestId(`nav-${id}`).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  console.log(id, await page.getByRole('heading', { level: 1 }).first().textContent());
}
await page.getByTestId('tab-schedule').click();
await page.waitForTimeout(500);
console.log('schedule tab', await page.locator('[role=tabpanel]').first().textContent().then((t) => t?.slice(0, 60)));
await page.screenshot({ path: '/tmp/lb/file-backups.png' });
console.log('errors:', errors.filter((e) => !e.includes('stub')).slice(0, 10));
await b.close();
