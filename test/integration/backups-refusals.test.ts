/**
 * "Back up now" refuses BEFORE anything starts, with the reason and the fix, when Velero is not
 * running and when its storage location is Unavailable (the backup would end FailedValidation).
 * Both change cluster-wide state, so this file runs its OWN lab (.lab-backups, port base 28000):
 * Velero is installed there with an image that cannot be pulled and scaled to 0, and the default
 * storage location is marked Unavailable.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../electron/app.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab } from '../lab/lab.js';
import { readLabState, repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';

const run = promisify(execFile);
const dir = join(repoRoot, '.lab-backups');
let lab: LabState;
let app: App;
let startedHere = false;

beforeAll(async () => {
  startedHere = !readLabState(dir);
  lab = readLabState(dir) ?? (await startLab({ dir, portBase: 28000, flavour: 'existing-airgap' }));
  const kube = new Kube(lab.kubeconfig);
  if (!(await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero'))) {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const creds = join(home, 'minio-credentials');
    writeFileSync(creds, `[default]\naws_access_key_id=${lab.minio.accessKey}\naws_secret_access_key=${lab.minio.secretKey}\n`, { mode: 0o600 });
    // An image the lab's kubelet cannot pull: this Velero never runs (and so never touches the
    // Backups the bench may have left in this lab).
    await run(
      join(lab.toolsDir, 'velero'),
      [
        'install',
        '--image',
        `${lab.registry.host}/missing/velero:v0.0.0`,
        '--provider',
        'aws',
        '--plugins',
        'velero/velero-plugin-for-aws:v1.14.3',
        '--bucket',
        lab.minio.bucket,
        '--secret-file',
        creds,
        '--backup-location-config',
        `region=${lab.minio.region},s3ForcePathStyle=true,s3Url=${lab.minio.endpoint}`,
        '--use-volume-snapshots=false',
        '--use-node-agent',
      ],
      { env: { ...process.env, KUBECONFIG: lab.kubeconfig, HOME: home } },
    );
  }
  // Velero not running…
  await kube.mergePatch('/apis/apps/v1/namespaces/velero/deployments/velero', { spec: { replicas: 0 } });
  // …and its storage location Unavailable (as Velero reports a bucket it cannot reach).
  await waitUntil('BSL default', () => kube.getOrUndefined('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default'), 30_000);
  const unavailable = { status: { phase: 'Unavailable', message: 'BackupStorageLocation "default" is unavailable: rpc error: NoSuchBucket' } };
  const bslPath = '/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default';
  // Through the status subresource where the CRD has one, else on the object itself.
  await kube
    .request('PATCH', `${bslPath}/status`, unavailable, 'application/merge-patch+json')
    .catch(() => kube.request('PATCH', bslPath, unavailable, 'application/merge-patch+json'));
  app = createApp({ dataDir: mkdtempSync(join(tmpdir(), 'lb-refuse-')), mode: 'web', version: 'test', toolsDir: lab.toolsDir, kubeconfig: lab.kubeconfig });
  await app.start();
  await waitUntil(
    'Velero detected as not running',
    async () => {
      const v = app.detector.get()?.velero;
      return v?.installed && v.ready === false;
    },
    60_000,
  );
}, 600_000);

afterAll(async () => {
  app?.cluster.disconnect();
  await app?.dispose();
  if (startedHere && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(dir);
});

it('refuses with reason and fix: Velero not running, storage location Unavailable; nothing is run', async () => {
  const readiness = await (
    app.handlers['backups.readiness'] as (i: unknown) => Promise<{ ok: boolean; checks: Array<{ ok: boolean; title: string; reason?: string; fix?: string }> }>
  )({});
  expect(readiness.ok).toBe(false);
  const failed = readiness.checks.filter((c) => !c.ok);
  expect(failed.map((c) => c.title)).toEqual(expect.arrayContaining(['Velero is not running', 'Storage location "default" is Unavailable']));
  const bsl = failed.find((c) => c.title.startsWith('Storage location'))!;
  expect(bsl.reason).toMatch(/FailedValidation.*NoSuchBucket/);
  expect(bsl.fix).toBeTruthy();
  const err = (await (app.handlers['backups.create'] as (i: unknown) => Promise<unknown>)({ kind: 'full' }).catch((e) => e)) as {
    code: string;
    message: string;
    hint: string;
  };
  expect(err.code).toBe('VELERO_NOT_READY');
  expect(err.message).toMatch(/Velero is not running/);
  expect(err.hint).toMatch(/kubectl -n velero get pods/);
  expect(app.journal.list(50).some((e) => e.tool === 'kubectl-kots')).toBe(false);
});
