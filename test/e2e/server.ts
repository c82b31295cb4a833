/**
 * Starts Lifeboat in web mode for the e2e suite and the screenshot script: builds the renderer,
 * runs `tsx electron/web.ts --port 0 --no-open` against the lab's kubeconfig, and reads the launch
 * link (`/?code=…`) from what the server prints. LIFEBOAT_E2E_FAKE=1 runs the dev-only fake
 * (test/e2e/fake-server.ts) instead, for working on the renderer without a lab.
 *
 * A launch link works once, within two minutes, so a page cannot reuse the printed one: the harness
 * signs itself in with it (POST /api/session → the session cookie) and asks for a fresh link for
 * every page it opens (POST /api/session/link), which the page then trades as an operator's would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabState, repoRoot, type LabState } from '../lab/state.js';

export interface WebMode {
  /** The server's root, `http://127.0.0.1:PORT` (no credential). */
  origin: string;
  /** The harness's session cookie (`lifeboat_PORT=…`), for minting links; never put it in a URL. */
  session: string;
  /** A fresh single-use launch link; with a screen, it opens there (`/?code=…#/backups`). One per page load. */
  link(screen?: string): Promise<string>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The launch link web mode (and the fake) prints. */
export const LAUNCH_URL_RE = /(https?:\/\/[^\s'"/]+\/\?code=[A-Za-z0-9_-]+)/;

/** Trades a printed launch link for the session cookie, as the page would; returns `name=value`. */
export async function signIn(launchUrl: string): Promise<{ origin: string; session: string }> {
  const u = new URL(launchUrl);
  const res = await fetch(`${u.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: u.searchParams.get('code') }),
  });
  const session = (res.headers.get('set-cookie') ?? '').split(';')[0]!.trim();
  if (res.status !== 200 || !session) throw new Error(`signing in to web mode at ${u.origin} failed: HTTP ${res.status} ${await res.text()}`);
  return { origin: u.origin, session };
}

/** A new single-use launch link from a signed-in harness (screen: e.g. 'backups' → `#/backups`). */
export async function newLink(origin: string, session: string, screen?: string): Promise<string> {
  const res = await fetch(`${origin}/api/session/link`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session }, body: '{}' });
  const body = (await res.json().catch(() => null)) as { ok?: boolean; result?: { url?: string } } | null;
  const url = body?.ok ? body.result?.url : undefined;
  if (!url) throw new Error(`web mode at ${origin} gave no new launch link: HTTP ${res.status} ${JSON.stringify(body)}`);
  return screen ? `${url}#/${screen}` : url;
}

/** Signs in with the printed link; `link()` then mints one per page. */
export async function webModeFrom(launchUrl: string, child: ChildProcess, stop: () => Promise<void>): Promise<WebMode> {
  const { origin, session } = await signIn(launchUrl);
  return { origin, session, link: (screen) => newLink(origin, session, screen), child, stop };
}

export const useFake = () => process.env.LIFEBOAT_E2E_FAKE === '1';

export function buildRenderer(): void {
  if (process.env.LIFEBOAT_E2E_SKIP_BUILD === '1' && existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build of the renderer failed');
}

/**
 * How web mode is run against a lab: its admin kubeconfig and tools (real velero and kubectl-kots),
 * and a throwaway data dir and home (so the operator's own ~/.kube/config never leaks into a test).
 */
function labLaunch(lab: LabState, opts: { env?: NodeJS.ProcessEnv; home?: string } = {}): { args: string[]; env: NodeJS.ProcessEnv } {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'lifeboat-e2e-home-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: lab.kubeconfig,
    LIFEBOAT_TOOLS_DIR: lab.toolsDir,
    // The synthetic test stand-ins of Velero's images (scripts/build-test-images.ts): never in resources/.
    LIFEBOAT_IMAGES_DIR: join(repoRoot, 'test', 'fixtures', 'images'),
    HOME: home,
    LIFEBOAT_LAB_DIR: lab.dir,
    ...opts.env,
  };
  delete env.LIFEBOAT_DATA_DIR;
  return { args: ['--kubeconfig', lab.kubeconfig, '--data-dir', join(home, 'data')], env };
}

/** Web mode on the default lab (or the fake server with LIFEBOAT_E2E_FAKE=1). */
export async function startWebMode(timeoutMs = 60_000): Promise<WebMode> {
  if (useFake()) return launch(join(repoRoot, 'test', 'e2e', 'fake-server.ts'), [], { ...process.env }, timeoutMs);
  const lab = readLabState();
  if (!lab) {
    throw new Error('No lab is running (no .lab/lab.json). Start one with `npm run lab:up`, or set LIFEBOAT_E2E_FAKE=1 to use the fake server.');
  }
  return startWebModeOn(lab, {}, timeoutMs);
}

/** Web mode on a given lab (a spec's own), with extra environment and, if given, a chosen home. */
export async function startWebModeOn(lab: LabState, opts: { env?: NodeJS.ProcessEnv; home?: string } = {}, timeoutMs = 60_000): Promise<WebMode> {
  const { args, env } = labLaunch(lab, opts);
  return launch(join(repoRoot, 'electron', 'web.ts'), args, env, timeoutMs);
}

async function launch(entry: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<WebMode> {
  if (!existsSync(entry)) throw new Error(`${entry} does not exist yet`);
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [entry, '--port', '0', '--no-open', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within ${timeoutMs} ms. Output:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = LAUNCH_URL_RE.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited with code ${code} before printing its URL. Output:\n${seen}`));
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  try {
    return await webModeFrom(url, child, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}
