/**
 * Where does a cold page load of the Backups list spend its time? (a diagnostic, not a test)
 *
 *   npx tsx test/bench/backups-coldload-profile.ts      # after backups-bench.ts filled .lab-backups
 *
 * Starts web mode against the bench lab, then opens N fresh browser contexts (empty HTTP cache,
 * nothing in sessionStorage) straight at the Backups screen and prints, per load, from navigation
 * start: the HTML, the scripts and stylesheets the first paint needed (how many, how much, when
 * the last one arrived, and the app and Backups chunks), the `backups.rows` request (sent, first byte, last byte, size), the
 * renderer's own marks (list received / stored / all rows rendered).
 *
 * Options (environment):
 *   RUNS=5             how many cold loads
 *   LIFEBOAT_E2E_SKIP_BUILD=1  use dist/renderer as it is (e.g. an unminified `npx vite build --minify false`)
 *   TRACE=1            also the renderer main thread's time by kind (script, style, layout, paint,
 *                      GC, other tasks) between navigation start and the rendered mark (a Chrome trace)
 *   TASKS=1            with TRACE: each main-thread task of 5 ms or more, and what took most of it
 *   SELF=1             with TRACE: the main thread's self time by trace event (RunTask's own is the
 *                      browser's work outside scripts, style and layout: loading, IPC, commit)
 *   LAYOUTS=1          with TRACE: each style, layout and stylesheet parse over 1 ms (element and
 *                      object counts: how much of the page each one covered)
 *   CPUPROFILE=1       also a JS CPU profile: the hottest functions, and (on an unminified build)
 *                      the time per React component rendered and per effect, by source module
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readLabState, repoRoot } from '../lab/state.js';
import { chromiumLaunchOptions } from '../e2e/playwright.config.js';
import { buildRenderer } from '../e2e/server.js';
import { markSeen, startWeb } from './backups-bench.js';

const RUNS = Number(process.env.RUNS ?? 5);

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Which source module a line of an unminified chunk belongs to (Rolldown marks each module with a comment). */
function moduleMap(): (url: string, line: number) => string {
  const dir = join(repoRoot, 'dist', 'renderer', 'assets');
  const marks = new Map<string, Array<[number, string]>>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) {
    const list: Array<[number, string]> = [];
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((l, i) => {
        const m = /^\/\/ ((?:\.\.\/)*(?:node_modules|renderer|electron)\/\S+)$/.exec(l) ?? /^\/\/#region (\S+)$/.exec(l);
        if (m) list.push([i, m[1]!.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '')]);
      });
    marks.set(f, list);
  }
  return (url, line) => {
    const f = url.replace(/^.*\//, '');
    let r = f;
    for (const [i, m] of marks.get(f) ?? []) {
      if (i > line) break;
      r = m;
    }
    return r;
  };
}

function printProfile(profile: CpuProfile, modOf: (url: string, line: number) => string) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byName = new Map<string, number>();
  const byComponent = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const mod = n.callFrame.url ? modOf(n.callFrame.url, n.callFrame.lineNumber).replace(/^(@[^/]+\/[^/]+|[^@/][^/]*)\/.*$/, '$1') : n.callFrame.functionName;
    byModule.set(mod, (byModule.get(mod) ?? 0) + t);
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\//, '')}:${n.callFrame.lineNumber}`;
    byName.set(k, (byName.get(k) ?? 0) + t);
    // The component being rendered (the frame React's renderWithHooks called) or the effect run.
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const p = parent.get(cur);
      const caller = p === undefined ? '' : byId.get(p)!.callFrame.functionName;
      if (caller === 'renderWithHooks' || caller === 'commitHookEffectListMount') {
        const f = byId.get(cur)!.callFrame;
        const c = `${caller === 'renderWithHooks' ? 'render' : 'effect'} ${modOf(f.url, f.lineNumber)} ${f.functionName}`.trim();
        byComponent.set(c, (byComponent.get(c) ?? 0) + t);
        break;
      }
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${v.toFixed(1)} ms ${k}`)
      .join('\n');
  console.log(
    `hottest functions (self time):\n${top(byName, 20)}\nby component / effect:\n${top(byComponent, 15)}\nself time by package (renderer/… by file):\n${top(byModule, 15)}`,
  );
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { startTime?: number } };
}

/** The main thread's time by kind between navigation start and the rendered mark. */
function printTrace(events: TraceEvent[]) {
  const marks = events.filter((e) => e.name === 'lifeboat:backups-rendered');
  const mark = marks[marks.length - 1];
  if (!mark?.args?.data?.startTime) return console.log('  (no rendered mark in the trace)');
  const t0 = mark.ts - mark.args.data.startTime * 1000;
  const xs = events
    .filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.dur && e.ts >= t0 && e.ts < mark.ts)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  if (process.env.TASKS) printTasks(xs, t0);
  if (process.env.SELF) printSelfTimes(xs);
  if (process.env.LAYOUTS) printStyleAndLayout(xs, t0);
  const kinds: Array<[string, RegExp]> = [
    ['script', /^(v8\.evaluateModule|v8\.callFunction|FunctionCall|EvaluateScript|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch)$/],
    ['gc', /^(MinorGC|MajorGC)$/],
    ['style', /^(UpdateLayoutTree|ParseAuthorStyleSheet)$/],
    ['layout', /^Layout$/],
    ['paint', /^(PrePaint|Paint|Commit|Layerize)$/],
    ['html', /^ParseHTML$/],
  ];
  const self: Record<string, number> = {};
  const stack: Array<{ end: number; kind?: string }> = [];
  let busy = 0;
  let busyEnd = 0;
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    const kind = kinds.find(([, re]) => re.test(e.name))?.[0];
    if (kind) {
      if (parent?.kind) self[parent.kind]! -= Math.min(e.dur!, parent.end - e.ts);
      self[kind] = (self[kind] ?? 0) + e.dur!;
    }
    if (e.name === 'RunTask' && e.ts >= busyEnd) {
      busy += e.dur!;
      busyEnd = e.ts + e.dur!;
    }
    stack.push({ end: e.ts + e.dur!, kind: kind ?? parent?.kind });
  }
  const known = Object.values(self).reduce((a, b) => a + b, 0);
  const ms = (x: number) => Math.round(x / 1000);
  console.log(
    `  main thread, navigation → rendered (${ms(mark.ts - t0)} ms): busy ${ms(busy)} ms = ${Object.entries(self)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(', ')}, other tasks ${ms(busy - known)}`,
  );
}

/** SELF=1: the main thread's self time (an event's duration less its children's) by event name. */
function printSelfTimes(main: TraceEvent[]) {
  const selfBy = new Map<string, number>();
  const stack: Array<{ end: number; name: string }> = [];
  for (const e of main) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) selfBy.set(parent.name, (selfBy.get(parent.name) ?? 0) - Math.min(e.dur!, parent.end - e.ts));
    selfBy.set(e.name, (selfBy.get(e.name) ?? 0) + e.dur!);
    stack.push({ end: e.ts + e.dur!, name: e.name });
  }
  const top = [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`  self time by event: ${top.map(([k, v]) => `${k} ${Math.round(v / 1000)}`).join(', ')}`);
}

/** LAYOUTS=1: each style recalculation, layout and stylesheet parse over 1 ms, with what it covered. */
function printStyleAndLayout(main: TraceEvent[], t0: number) {
  for (const e of main.filter((x) => /^(Layout|UpdateLayoutTree|ParseAuthorStyleSheet)$/.test(x.name) && x.dur! > 1000))
    console.log(`    ${Math.round((e.ts - t0) / 1000)}+${Math.round(e.dur! / 1000)} ms: ${e.name} ${JSON.stringify(e.args).slice(0, 300)}`);
}

/** TASKS=1: every main-thread task of 5 ms or more in `main` (events from t0, in µs), with what took most of it. */
function printTasks(main: TraceEvent[], t0: number) {
  const label = (e: TraceEvent) => {
    const d = (e.args as { data?: { url?: string; functionName?: string; type?: string } } | undefined)?.data;
    return e.name + (d?.url ? ` ${d.url.replace(/^.*\//, '')}` : '') + (d?.functionName ? ` ${d.functionName}` : '') + (d?.type ? ` ${d.type}` : '');
  };
  for (const task of main.filter((e) => e.name === 'RunTask' && e.dur! >= 5000)) {
    const inner = main
      .filter((e) => e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!)
      .sort((a, b) => b.dur! - a.dur!)
      .slice(0, 4)
      .map((e) => `${label(e)} ${Math.round(e.dur! / 1000)}`);
    console.log(`    ${Math.round((task.ts - t0) / 1000)}+${Math.round(task.dur! / 1000)} ms: ${inner.join(' | ')}`);
  }
}

async function coldLoad(browser: Browser, url: string, modOf: (url: string, line: number) => string): Promise<void> {
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page: Page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  if (process.env.CPUPROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  if (process.env.TRACE)
    await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline'] });
  const t0 = Date.now();
  // As in backups-bench.ts: nothing of Playwright's runs in the page until the mark is set.
  await page.goto(url, { waitUntil: 'commit' });
  await markSeen(cdp, 'lifeboat:backups-rendered', 60_000);
  const wall = Date.now() - t0;
  const trace = process.env.TRACE ? await browser.stopTracing() : undefined;
  if (process.env.CPUPROFILE) printProfile(((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile, modOf);
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  const t = await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const r = (x) => (x === undefined ? undefined : Math.round(x));
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
    // What the first paint needed: files requested before the rendered mark (not the idle prefetch after it).
    const files = (re) => {
      const xs = res.filter((x) => re.test(x.name) && x.startTime < mark('lifeboat:backups-rendered'));
      return xs.length + ' files, ' + Math.round(xs.reduce((a, x) => a + x.encodedBodySize, 0) / 1024) + ' KiB, last in at ' + r(Math.max(0, ...xs.map((x) => x.responseEnd)));
    };
    const one = (re) => { const x = res.find((y) => re.test(y.name)); return x && r(x.startTime) + '→' + r(x.responseEnd) + ' (' + Math.round(x.encodedBodySize / 1024) + ' KiB)'; };
    const list = res.find((x) => /backups\\.rows/.test(x.name));
    return {
      html: r(nav.responseEnd),
      domInteractive: r(nav.domInteractive),
      scripts: files(/\\.js$/),
      styles: files(/\\.css$/),
      appChunk: one(/\\/app-[^/]*\\.js$/),
      backupsChunk: one(/\\/BackupsScreen-[^/]*\\.js$/),
      listSent: r(list?.startTime),
      listFirstByte: r(list?.responseStart),
      listDone: r(list?.responseEnd),
      listKiB: list && Math.round(list.encodedBodySize / 1024),
      listDecoded: r(mark('lifeboat:backups-list-received')),
      listStored: r(mark('lifeboat:backups-list-stored')),
      rendered: r(mark('lifeboat:backups-rendered')),
    };
  })()`);
  console.log(`wall ${wall} ms`, JSON.stringify(t));
  if (trace) printTrace((JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents);
  await ctx.close();
}

async function main() {
  const dir = join(repoRoot, '.lab-backups');
  const lab = readLabState(dir);
  if (!lab) throw new Error('run test/bench/backups-bench.ts first (it fills .lab-backups)');
  buildRenderer();
  const modOf = moduleMap();
  const web = await startWeb(lab.kubeconfig, lab.toolsDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    // Let the server connect and list (as the bench does before timing).
    const warm = await browser.newPage();
    await warm.goto(await web.link('backups'));
    await warm.getByTestId('backup-row').first().waitFor({ timeout: 120_000 });
    const total = await warm.evaluate(() => document.querySelector('[data-testid="backup-count"]')?.textContent);
    await warm.close();
    console.log(`count shown: ${total}`);
    for (let i = 0; i < RUNS; i++) {
      // A pause between loads, so each starts with the server and the browser settled.
      await new Promise((r) => setTimeout(r, 1500));
      process.stdout.write(`run ${i + 1}: `);
      await coldLoad(browser, await web.link('backups'), modOf);
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
