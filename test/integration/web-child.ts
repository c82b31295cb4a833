/**
 * Lifeboat in web mode as a child process, for the fault suites: started as an operator runs it
 * (`electron/web.ts --port 0 --no-open --kubeconfig … --data-dir …`), signed in with the printed
 * launch link, spoken to over HTTP (POST /api/<method> with the session cookie), killed with SIGKILL
 * as a crash kills it, and cleaned up with whatever it left in its process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Environment, JournalEntry, MethodInput, MethodName, MethodOutput } from '../../electron/api/contract.js';
import { LAUNCH_URL_RE, signIn } from '../e2e/server.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';

const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
const webEntry = join(repoRoot, 'electron', 'web.ts');

export interface Web {
  child: ChildProcess;
  origin: string;
  session: string;
  output: () => string;
}

export interface StartWebOptions {
  lab: LabState;
  dataDir: string;
  home: string;
  /** When the window would be useful: e.g. Velero ready and KOTS found. */
  ready: (env: Environment) => boolean;
  readyWhat: string;
  env?: NodeJS.ProcessEnv;
}

/** Every child started, so a suite's afterAll can clean up what a failed test left. */
export const children: ChildProcess[] = [];

export async function startWeb(o: StartWebOptions): Promise<Web> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: o.lab.kubeconfig,
    LIFEBOAT_TOOLS_DIR: o.lab.toolsDir,
    LIFEBOAT_IMAGES_DIR: join(repoRoot, 'test', 'fixtures', 'images'),
    HOME: o.home,
    LIFEBOAT_LAB_DIR: o.lab.dir,
    ...o.env,
  };
  delete env.LIFEBOAT_DATA_DIR;
  // node + tsx's loader (what `tsx electron/web.ts` runs, without tsx's own wrapper process): the
  // child's pid IS Lifeboat, so SIGKILL reaches Lifeboat and nothing else. Its own process group, so
  // whatever it leaves behind can be cleaned up.
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, webEntry, '--port', '0', '--no-open', '--kubeconfig', o.lab.kubeconfig, '--data-dir', o.dataDir],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  children.push(child);
  let seen = '';
  const onData = (c: Buffer) => {
    seen = (seen + c.toString()).slice(-20_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = await waitUntil(
    'web mode to print its launch link',
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`web mode exited (${child.exitCode ?? child.signalCode}):\n${seen}`);
      return LAUNCH_URL_RE.exec(seen)?.[1];
    },
    90_000,
    200,
  );
  const { origin, session } = await signIn(url);
  const web: Web = { child, origin, session, output: () => seen };
  await waitUntil(
    o.readyWhat,
    async () => {
      const e = await call(web, 'environment.get', {});
      return e && o.ready(e);
    },
    120_000,
    500,
  );
  return web;
}

export async function call<M extends MethodName>(w: Web, m: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await fetch(`${w.origin}/api/${m}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: w.session },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string; hint?: string } };
  if (!body.ok) throw Object.assign(new Error(`${body.error!.code}: ${body.error!.message}`), body.error);
  return body.result as MethodOutput<M>;
}

/** The error a call ends in (fails the test if it succeeds). */
export async function callError<M extends MethodName>(w: Web, m: M, input: MethodInput<M>): Promise<{ code: string; message: string; hint?: string }> {
  const err = await call(w, m, input).then(
    () => undefined,
    (e: { code: string; message: string; hint?: string }) => e,
  );
  expect(err, `${m} should have been refused`).toBeDefined();
  return err!;
}

/** SIGKILL to Lifeboat's own process, as a crash; resolves once it is gone. */
export async function crash(w: Web): Promise<void> {
  const gone = new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r())));
  process.kill(w.child.pid!, 'SIGKILL');
  await gone;
  expect(w.child.signalCode).toBe('SIGKILL');
}

const cleaned = new Set<ChildProcess>();

/** Stops web mode and whatever it left in its process group (an orphaned kubectl-kots). */
export async function cleanUp(w: Pick<Web, 'child'> | undefined): Promise<void> {
  if (!w?.child.pid || cleaned.has(w.child)) return;
  cleaned.add(w.child);
  if (w.child.exitCode === null && w.child.signalCode === null) {
    const gone = new Promise<void>((r) => w.child.once('exit', () => r()));
    w.child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
  }
  try {
    process.kill(-w.child.pid, 'SIGKILL');
  } catch {
    /* the group is empty */
  }
}

export async function cleanUpAll(): Promise<void> {
  for (const c of children) await cleanUp({ child: c }).catch(() => {});
}

/** The journal's runs of one tool sub-command (e.g. kubectl-kots backup, velero install). */
export async function runsOf(w: Web, tool: string, sub: string): Promise<JournalEntry[]> {
  return (await call(w, 'activity.list', { limit: 5000 })).filter((e) => e.tool === tool && e.args[0] === sub);
}
