import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { startWeb } from './backups-bench.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function webAt(root: string, kubeconfig: string, toolsDir: string) {
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
      await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline', 'loading'] });
      await page.goto(web.url.replace('#token=', '#/backups?token='));
      await page.waitForFunction(() => performance.getEntriesByName('lifeboat:backups-rendered').length > 0, undefined, { timeout: 60_000, polling: 'raf' });
      const rendered = await page.evaluate(() => performance.getEntriesByName('lifeboat:backups-rendered')[0]!.startTime);
      const buf = await browser.stopTracing();
      writeFileSync(`/tmp/lb/trace-${process.env.TAG ?? ''}${i}.json`, buf);
      console.log(`run ${i}: rendered ${rendered.toFixed(0)}`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    web.child.kill('SIGTERM');
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
