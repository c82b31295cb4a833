/**
 * Where does a cold page load of the Backups list spend its time? (a diagnostic, not a test)
 *
 *   npx tsx test/bench/backups-coldload-profile.ts      # after backups-bench.ts filled .lab-backups
 *
 * Starts web mode against the bench lab, then opens N fresh browser contexts (empty HTTP cache,
 * nothing in sessionStorage) straight at the Backups screen and prints, per load, from navigation
 * start: the HTML, the script and stylesheet, the `backups.list` request (sent, first byte, last
 * byte, size), the renderer's own marks (list received / stored / all rows rendered), and the
 * total as the benchmark counts it.
 */
import { chromium } from '@playwright/test';
import { readLabState, repoRoot } from '../lab/state.js';
import { join } from 'node:path';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { buildRenderer } from '../e2e/server.js';
import { startWeb } from './backups-bench.js';

const RUNS = Number(process.env.RUNS ?? 5);

async function main() {
  const dir = join(repoRoot, '.lab-backups');
  const lab = readLabState(dir);
  if (!lab) throw new Error('run test/bench/backups-bench.ts first (it fills .lab-backups)');
  buildRenderer();
  const web = await startWeb(lab.kubeconfig, lab.toolsDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    // Let the server connect and list (as the bench does before timing).
    const warm = await browser.newPage();
    await warm.goto(web.url.replace('#token=', '#/backups?token='));
    await warm.getByTestId('backup-row').first().waitFor({ timeout: 120_000 });
    const total = await warm.evaluate(() => document.querySelector('[data-testid="backup-count"]')?.textContent);
    await warm.close();
    console.log(`count shown: ${total}`);
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await ctx.newPage();
      const cdp = process.env.CPUPROFILE ? await ctx.newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const t0 = Date.now();
      await page.goto(web.url.replace('#token=', '#/backups?token='));
      await page.waitForFunction(() => performance.getEntriesByName('lifeboat:backups-rendered').length > 0, undefined, { timeout: 60_000, polling: 'raf' });
      const wall = Date.now() - t0;
      if (cdp) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>; samples: number[]; timeDeltas: number[] } };
        const self = new Map<number, number>();
        profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
        const byName = new Map<string, number>();
        for (const n of profile.nodes) {
          const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\//, '')}:${n.callFrame.lineNumber}`;
          byName.set(k, (byName.get(k) ?? 0) + (self.get(n.id) ?? 0));
        }
        console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `  ${v.toFixed(1)} ms ${k}`).join('\n'));
      }
      // A string, not a function: tsx's helpers (__name) do not exist in the page.
      const t = await page.evaluate(`(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const pick = (re) => res.find((r) => re.test(r.name));
        const js = pick(/\\.js$/);
        const css = pick(/\\.css$/);
        const list = pick(/backups\\.rows/);
        const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
        const r = (x) => (x === undefined ? undefined : Math.round(x));
        return {
          html: r(nav.responseEnd),
          domInteractive: r(nav.domInteractive),
          js: js && r(js.startTime) + '→' + r(js.responseEnd) + ' (' + Math.round(js.encodedBodySize / 1024) + ' KiB)',
          css: css && r(css.startTime) + '→' + r(css.responseEnd),
          scriptStart: r(mark('lifeboat:script-start')),
          listSent: r(list?.startTime),
          listFirstByte: r(list?.responseStart),
          listDone: r(list?.responseEnd),
          listKiB: list && Math.round(list.encodedBodySize / 1024),
          listDecoded: r(mark('lifeboat:backups-list-received')),
          listStored: r(mark('lifeboat:backups-list-stored')),
          rendered: r(mark('lifeboat:backups-rendered')),
          api: res.filter((x) => x.name.includes('/api/')).map((x) => x.name.replace(/^.*\\/api\\//, '').replace(/\\?.*$/, '') + ' ' + r(x.startTime) + '/' + r(x.requestStart) + '/' + r(x.responseStart) + '/' + r(x.responseEnd)).join(', '),
        };
      })()`);
      console.log(`run ${i + 1}: wall ${wall} ms`, JSON.stringify(t));
      await ctx.close();
    }
  } finally {
    await browser.close();
    web.child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
