/**
 * What integration tests share: the running lab's state, an admin client, isolated namespaces, and
 * runners for the lab's tools (the real velero and kubectl-kots CLIs).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kube, KubeError } from '../lab/kube.js';
import { readLabState, type LabState } from '../lab/state.js';

export function lab(): LabState {
  const state = readLabState();
  if (!state) throw new Error('The lab is not running: integration tests start it in test/integration/global-setup.ts');
  return state;
}

export function adminKube(): Kube {
  return new Kube(lab().kubeconfig);
}

/** A namespace of its own for one test; delete it with the returned function. */
export async function testNamespace(prefix: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const kube = adminKube();
  const name = `t-${prefix}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'lifeboat.dev/test': 'true' } } });
  return { name, remove: () => kube.delete(`/api/v1/namespaces/${name}`) };
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(tool: 'velero' | 'kubectl-kots', args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const state = lab();
  return new Promise((resolve) => {
    execFile(
      join(state.toolsDir, tool),
      args,
      {
        env: { ...process.env, KUBECONFIG: state.kubeconfig, HOME: join(state.dir, 'home'), ...opts.env },
        timeout: opts.timeoutMs ?? 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr });
      },
    );
  });
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

export async function namespaceGone(name: string): Promise<boolean> {
  try {
    await adminKube().get(`/api/v1/namespaces/${name}`);
    return false;
  } catch (e) {
    return e instanceof KubeError && e.status === 404;
  }
}

/** Velero on the shared lab (test/integration/restore-lab.ts ensureVeleroOn). */
export async function ensureVelero(): Promise<void> {
  const { ensureVeleroOn } = await import('./restore-lab.js');
  await ensureVeleroOn(lab());
}
