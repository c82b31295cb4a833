/**
 * The kubectl-kots stand-in drives the real Velero: a configure command wires the BSL, an instance
 * backup is created through the admin console stand-in and completed by the real Velero server, and
 * `restore --from-backup` brings the application back through real Velero restores.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { adminKube, ensureVelero, lab, runTool, waitUntil, namespaceGone } from './lab.js';

describe('kubectl-kots stand-in with the real Velero', () => {
  let backupName = '';

  beforeAll(async () => {
    await ensureVelero();
  }, 400_000);

  it('configure-other-s3 points the default BSL at MinIO and Velero reports it Available', async () => {
    const state = lab();
    const r = await runTool('kubectl-kots', [
      'velero', 'configure-other-s3', '-n', state.kotsNamespace,
      '--bucket', state.minio.bucket, '--region', state.minio.region, '--endpoint', state.minio.endpoint,
      '--access-key-id', state.minio.accessKey, '--secret-access-key', state.minio.secretKey,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('Store Configured Successfully');
    const kube = adminKube();
    const bsl = await kube.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
    expect(bsl.spec.config).toMatchObject({ s3Url: state.minio.endpoint, s3ForcePathStyle: 'true', region: state.minio.region });
    await waitUntil('BSL Available after Velero restart', async () => {
      const b = await kube.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
      const pods = await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero');
      return b.status?.phase === 'Available' && pods.items.some((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    }, 120_000);
  });

  it('backup -o json creates an instance backup that the real Velero completes', async () => {
    const state = lab();
    const r = await runTool('kubectl-kots', ['backup', '-n', state.kotsNamespace, '--wait=false', '-o', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.success, r.stdout).toBe(true);
    const kube = adminKube();
    // The JSON names KOTS's internal name; the Velero object is found by its annotations.
    const backup = await waitUntil('the instance backup object', async () => {
      const list = await kube.get('/apis/velero.io/v1/namespaces/velero/backups');
      return list.items.find((b: any) => b.metadata.annotations?.['kots.io/instance'] === 'true');
    }, 30_000);
    backupName = backup.metadata.name;
    expect(backup.spec.includedNamespaces).toEqual(expect.arrayContaining([state.kotsNamespace, state.app.namespace]));
    expect(backup.metadata.annotations['kots.io/kotsadm-deploy-namespace']).toBe(state.kotsNamespace);
    const done = await waitUntil('backup finished', async () => {
      const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${backupName}`);
      return ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].includes(b.status?.phase) ? b : undefined;
    }, 180_000);
    expect(done.status.phase).toBe('Completed');
    expect(done.status.progress.itemsBackedUp).toBeGreaterThan(10);
  });

  it('restore --from-backup --exclude-admin-console brings back a deleted application through real Velero', async () => {
    const state = lab();
    const kube = adminKube();
    const before = await kube.get(`/api/v1/namespaces/${state.app.namespace}/configmaps/sample-config`);
    await kube.delete(`/api/v1/namespaces/${state.app.namespace}`);
    await waitUntil('app namespace gone', () => namespaceGone(state.app.namespace), 120_000);

    const r = await runTool('kubectl-kots', ['restore', '--from-backup', backupName, '--exclude-admin-console', '-o', 'json'], { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).success, r.stdout + r.stderr).toBe(true);
    const restore = await kube.get(`/apis/velero.io/v1/namespaces/velero/restores/${backupName}.${state.app.slug}`);
    expect(restore.status.phase).toBe('Completed');
    const after = await kube.get(`/api/v1/namespaces/${state.app.namespace}/configmaps/sample-config`);
    expect(after.data).toEqual(before.data);
    await waitUntil('sample-web available again', async () => (await kube.get(`/apis/apps/v1/namespaces/${state.app.namespace}/deployments/sample-web`)).status?.availableReplicas === 2, 60_000);
  });
});
