import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { startWeb } from './backups-bench.js';

async function webAt(root: string, kubeconfig: string, toolsDir: string) {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const home = mkdtempSync(join(tmpdir(), 'lb-ab-'));
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(root, 'electron', 'web.ts'), '--port', '0', '--no-open', '--kubeconfig', kubeconfig, '--data-dir', join(home, 'data')], { cwd: root, env: { ...process.env, KUBECONFIG: kubeconfig, LIFEBOAT_TOOLS_DIR: toolsDir, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const url = await new Promise<string>((res) => { const on = (c: Buffer) => { seen += c; const m = /(https?:\/\/[^\s'"]+#token=[A-Za-z0-9_\-.~%]+)/.exec(seen); if (m) res(m[1]!); }; child.stdout!.on('data', on); child.stderr!.on('data', on); });
  child.stdout!.resume(); child.stderr!.resume();
  return { url, child };
}

async function main() {
  const lab = readLabState(join(repoRoot, '.lab-backups'))!;
  const web = process.env.WEB_ROOT ? await webAt(process.env.WEB_ROOT, lab.kubeconfig, lab.toolsDir) : await startWeb(lab.kubeconfig, lab.toolsDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const warm = await browser.newPage();
    await warm.goto(web.url.replace('#token=', '#/backups?token='));
    await warm.getByTestId('backup-row').first().waitFor({ timeout: 120_000 });
    await warm.close();
    for (let i = 0; i < Number(process.env.RUNS ?? 3); i++) {
      await new Promise((r) => setTimeout(r, 1500));
      const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await ctx.newPage();
      const prof = process.env.PROFILE !== '0';
      const cdp = await ctx.newCDPSession(page);
      if (prof) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      }
      await page.goto(web.url.replace('#token=', '#/backups?token='));
      if (process.env.LOCATOR) {
        await page.getByTestId('backup-count').filter({ hasText: '5,001 of 5,001' }).waitFor({ timeout: 60_000 });
        await page.locator('[data-testid="backup-row"]').first().waitFor();
      }
      await page.waitForFunction(() => performance.getEntriesByName('lifeboat:backups-rendered').length > 0, undefined, { timeout: 60_000, polling: 'raf' });
      const { profile } = prof ? ((await cdp.send('Profiler.stop')) as any) : { profile: null };
      const marks = await page.evaluate(() => performance.getEntries().filter((e) => e.name.startsWith('lifeboat') || e.entryType === 'resource').map((e) => `${e.name.replace(/^.*\//, '').slice(0, 40)} ${e.startTime.toFixed(0)}${e.entryType === 'resource' ? '→' + (e as PerformanceResourceTiming).responseEnd.toFixed(0) : ''}`).concat([`dcl ${(performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventStart.toFixed(0)}`]));
      writeFileSync(`/tmp/lb/prof-${i}.json`, JSON.stringify(profile));
      console.log(`run ${i}:`, marks.join(' | '));
      await ctx.close();
    }
  } finally {
    await browser.close();
    web.child.kill('SIGTERM');
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
