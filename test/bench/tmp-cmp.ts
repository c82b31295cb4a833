import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';

async function web(root: string, kubeconfig: string, toolsDir: string) {
  const home = mkdtempSync(join(tmpdir(), 'lb-cmp-'));
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(root, 'electron', 'web.ts'), '--port', '0', '--no-open', '--kubeconfig', kubeconfig, '--data-dir', join(home, 'data')], { cwd: root, env: { ...process.env, KUBECONFIG: kubeconfig, LIFEBOAT_TOOLS_DIR: toolsDir, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const url = await new Promise<string>((res) => { const on = (c: Buffer) => { seen += c; const m = /(https?:\/\/[^\s'"]+#token=[A-Za-z0-9_\-.~%]+)/.exec(seen); if (m) res(m[1]!); }; child.stdout!.on('data', on); child.stderr!.on('data', on); });
  return { url, child };
}
const sel = process.argv.slice(2);
async function main() {
  const lab = readLabState(join(repoRoot, '.lab-backups'))!;
  const browser = await chromium.launch(chromiumLaunchOptions);
  for (const root of ['/tmp/lb/old', repoRoot]) {
    const w = await web(root, lab.kubeconfig, lab.toolsDir);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(w.url.replace('#token=', '#/backups?token='));
    await page.getByTestId('backup-row').first().waitFor({ timeout: 60000 });
    await page.waitForTimeout(1000);
    console.log('==', root);
    for (const s of sel) {
      const r = await page.evaluate((s) => [...document.querySelectorAll(s)].slice(0, 3).map((e) => { const b = e.getBoundingClientRect(); const cs = getComputedStyle(e); return `${e.tagName}.${(e.className + '').slice(0, 30)} x${b.x.toFixed(1)} y${b.y.toFixed(1)} w${b.width.toFixed(1)} h${b.height.toFixed(1)} fs${cs.fontSize} lh${cs.lineHeight} fw${cs.fontWeight} pad${cs.padding} col${cs.color} bg${cs.backgroundColor} bd${cs.border} br${cs.borderRadius} ff${cs.fontFamily.slice(0, 20)}`; }), s);
      console.log(' ', s, '\n    ' + r.join('\n    '));
    }
    await page.close();
    w.child.kill('SIGTERM');
  }
  await browser.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
