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

/** Installs Velero with the AWS plugin against the lab's MinIO, unless it is already installed. */
export async function ensureVelero(): Promise<void> {
  const kube = adminKube();
  const state = lab();
  const dep = await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero');
  if (!dep) {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(state.dir, 'home'), { recursive: true });
    const creds = join(state.dir, 'home', 'minio-credentials');
    writeFileSync(creds, `[default]\naws_access_key_id=${state.minio.accessKey}\naws_secret_access_key=${state.minio.secretKey}\n`, { mode: 0o600 });
    const r = await runTool('velero', [
      'install',
      '--provider',
      'aws',
      '--plugins',
      'velero/velero-plugin-for-aws:v1.14.3',
      '--bucket',
      state.minio.bucket,
      '--secret-file',
      creds,
      '--backup-location-config',
      `region=${state.minio.region},s3ForcePathStyle=true,s3Url=${state.minio.endpoint}`,
      '--use-volume-snapshots=false',
      '--use-node-agent',
      '--wait',
    ]);
    if (r.code !== 0) throw new Error(`velero install failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  await waitUntil(
    'BSL default Available',
    async () => {
      const bsl = await kube.getOrUndefined('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
      return bsl?.status?.phase === 'Available';
    },
    120_000,
  );
}
