/**
 * Starts Lifeboat in web mode for the e2e suite and the screenshot script: builds the renderer,
 * runs `tsx electron/web.ts --port 0 --no-open` against the lab's kubeconfig, and reads the URL
 * (with its `#token=…`) from what the server prints. LIFEBOAT_E2E_FAKE=1 runs the dev-only fake
 * (test/e2e/fake-server.ts) instead, for working on the renderer without a lab.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabState, repoRoot, type LabState } from '../lab/state.js';
import { labHealthy } from '../lab/lab.js';

export interface WebMode {
  /** The address to open, token included. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
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
    HOME: home,
    LIFEBOAT_LAB_DIR: lab.dir,
    ...opts.env,
  };
  delete env.LIFEBOAT_DATA_DIR;
  return { args: ['--kubeconfig', lab.kubeconfig, '--data-dir', join(home, 'data')], env };
}

const URL_RE = /(https?:\/\/[^\s'"]+#token=[A-Za-z0-9_\-.~%]+)/;

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
      const m = URL_RE.exec(seen);
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
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
