/**
 * The restore tests' own labs (they delete the application, so never the shared default lab):
 * Velero installed against a given lab's MinIO, tools run against a given lab, an instance backup
 * taken through the real kubectl-kots. Like lab.ts's helpers, but for any LabState.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pushSyntheticImage } from '../lab/images.js';
import { join } from 'node:path';
import { Kube } from '../lab/kube.js';
import type { LabState } from '../lab/state.js';
import { waitUntil, type ToolResult } from './lab.js';

export function runToolOn(state: LabState, tool: 'velero' | 'kubectl-kots', args: string[], timeoutMs = 240_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      join(state.toolsDir, tool),
      args,
      {
        env: { ...process.env, KUBECONFIG: state.kubeconfig, HOME: join(state.dir, 'home') },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Velero's images in the lab's registry (every lab is air-gapped: nothing else can be pulled), as the setup wizard pushes them. */
export async function labVeleroImages(state: LabState): Promise<{ velero: string; plugin: string }> {
  const auth = { host: state.registry.host, username: state.registry.username, password: state.registry.password, ca: readFileSync(state.registry.caFile) };
  await pushSyntheticImage(auth, 'lifeboat/velero', 'v1.18.3');
  await pushSyntheticImage(auth, 'lifeboat/velero-plugin-for-aws', 'v1.14.3');
  return { velero: `${state.registry.host}/lifeboat/velero:v1.18.3`, plugin: `${state.registry.host}/lifeboat/velero-plugin-for-aws:v1.14.3` };
}

/**
 * Installs Velero + the AWS plugin + node-agent against `state`'s MinIO, from the lab registry
 * (unless present), and waits for the default BSL Available. node-agent is needed: KOTS opts the
 * kotsadm pod's `backup` volume in to file-system backup (its database dump).
 */
export async function ensureVeleroOn(state: LabState): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  const dep = await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero');
  if (dep && dep.spec?.replicas === 0) await scaleVelero(state, 1);
  if (!dep) {
    mkdirSync(join(state.dir, 'home'), { recursive: true });
    const creds = join(state.dir, 'home', 'minio-credentials');
    writeFileSync(creds, `[default]\naws_access_key_id=${state.minio.accessKey}\naws_secret_access_key=${state.minio.secretKey}\n`, { mode: 0o600 });
    const images = await labVeleroImages(state);
    const r = await runToolOn(state, 'velero', [
      'install',
      '--provider',
      'aws',
      '--plugins',
      images.plugin,
      '--image',
      images.velero,
      '--bucket',
      state.minio.bucket,
      '--secret-file',
      creds,
      '--backup-location-config',
      `region=${state.minio.region},s3ForcePathStyle=true,s3Url=${state.minio.endpoint}`,
      '--use-volume-snapshots=false',
      '--use-node-agent',
    ]);
    if (r.code !== 0) throw new Error(`velero install failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    await usePullSecret(state, kube);
  }
  // Not `velero install --wait` (it insists on a long-settled Available condition): the server is
  // up once it has validated the storage location.
  await waitUntil(
    'velero running and BSL default Available',
    async () => {
      const d = await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero');
      const bsl = await kube.getOrUndefined('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
      return (d?.status?.availableReplicas ?? 0) >= 1 && bsl?.status?.phase === 'Available';
    },
    180_000,
  );
}

/** The lab registry's credentials as Velero's pull secret (the setup wizard does the same), on its pod templates. */
async function usePullSecret(state: LabState, kube: Kube): Promise<void> {
  const auth = Buffer.from(`${state.registry.username}:${state.registry.password}`).toString('base64');
  const config = { auths: { [state.registry.host]: { username: state.registry.username, password: state.registry.password, auth } } };
  await kube.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'lab-registry', namespace: 'velero' },
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
  });
  const patch = { spec: { template: { spec: { imagePullSecrets: [{ name: 'lab-registry' }] } } } };
  await kube.mergePatch('/apis/apps/v1/namespaces/velero/deployments/velero', patch);
  if (await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/daemonsets/node-agent'))
    await kube.mergePatch('/apis/apps/v1/namespaces/velero/daemonsets/node-agent', patch);
}

/**
 * The namespaces an Embedded Cluster install has and its full backups name (docs/kots-contract.md#registry-and-embedded-cluster-namespaces):
 * the lab seeds only some, and Velero fails a backup (PartiallyFailed) that names a missing one.
 */
export async function ensureEmbeddedClusterNamespaces(state: LabState): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  for (const name of ['embedded-cluster', 'openebs', 'seaweedfs']) {
    if (!(await kube.getOrUndefined(`/api/v1/namespaces/${name}`)))
      await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}

/**
 * Takes an instance backup with the real `kubectl kots backup` and waits for Velero to complete it.
 * Velero is brought back first if an earlier test (or an interrupted try of this one) scaled it away.
 */
export async function instanceBackupOn(state: LabState): Promise<string> {
  await ensureVeleroOn(state);
  const kube = new Kube(state.kubeconfig);
  const before = new Set(((await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items as any[]).map((b) => b.metadata.name));
  const r = await runToolOn(state, 'kubectl-kots', ['backup', '-n', state.kotsNamespace, '--wait=false', '-o', 'json']);
  const out = JSON.parse(r.stdout || '{}');
  if (!out.success) throw new Error(`kubectl kots backup failed: ${r.stdout}${r.stderr}`);
  const backup = await waitUntil(
    'the new instance backup',
    async () => {
      const list = await kube.get('/apis/velero.io/v1/namespaces/velero/backups');
      return (list.items as any[]).find((b) => !before.has(b.metadata.name) && b.metadata.annotations?.['kots.io/instance'] === 'true');
    },
    30_000,
  );
  const name = backup.metadata.name as string;
  const done = await waitUntil(
    'backup finished',
    async () => {
      const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
      return ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].includes(b.status?.phase) ? b : undefined;
    },
    180_000,
  );
  if (done.status.phase !== 'Completed') throw new Error(`backup ${name} ended ${done.status.phase}`);
  return name;
}

/** Scales a lab's Velero down (waiting for the process to go: "the old cluster is gone") or back up. */
export async function scaleVelero(state: LabState, replicas: 0 | 1): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  const path = '/apis/apps/v1/namespaces/velero/deployments/velero';
  const dep = await kube.getOrUndefined(path);
  if (!dep) return;
  if (dep.spec?.replicas !== replicas) await kube.mergePatch(path, { spec: { replicas } });
  if (replicas === 0) {
    await waitUntil(
      `velero stopped in ${state.dir}`,
      async () => ((await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero')).items as any[]).length === 0,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the process lets go of its ports
  } else {
    await waitUntil(`velero running in ${state.dir}`, async () => (await kube.get(path)).status?.availableReplicas >= 1, 120_000);
  }
}
