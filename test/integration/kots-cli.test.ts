/**
 * The real kots CLI (v1.131.4, built from source by test/lab/build-tools.sh) against the lab, which
 * runs what it needs for real: the API server's pods/portforward and pods/exec reach the process
 * kubelet's streaming server (the real kubelet's streaming code), and kots's own pods — the bucket
 * check of configure-other-s3 (kots pkg/s3/s3.go HeadS3BucketUsingAPod, /scripts/s3-bucket-head.sh
 * with s3cmd), and for a file-system destination KOTS's MinIO with its check, keys and bucket pods
 * (pkg/snapshot/filesystem_minio.go) — run as sandboxed processes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureArgs, locationMatches } from '../../electron/kots/configure.js';
import { kotsFileSystemStore } from '../../electron/environment/filesystem.js';
import { adminKube, ensureVelero, lab, namespaceGone, runTool, waitUntil } from './lab.js';

const veleroNs = 'velero';

async function bsl(): Promise<any> {
  return adminKube().get(`/apis/velero.io/v1/namespaces/${veleroNs}/backupstoragelocations/default`);
}

async function bslAvailableWith(match: (b: any) => boolean, what: string): Promise<any> {
  return waitUntil(
    `BSL default Available ${what}`,
    async () => {
      const b = await bsl();
      return match(b) && b.status?.phase === 'Available' && new Date(b.status.lastValidationTime ?? 0).getTime() > Date.now() - 60_000 ? b : undefined;
    },
    180_000,
    1000,
  );
}

function configureOtherS3(extra: string[] = [], bucket = lab().minio.bucket) {
  const s = lab();
  return runTool('kubectl-kots', [
    'velero',
    'configure-other-s3',
    '-n',
    s.kotsNamespace,
    '--bucket',
    bucket,
    '--region',
    s.minio.region,
    '--endpoint',
    s.minio.endpoint,
    '--access-key-id',
    s.minio.accessKey,
    '--secret-access-key',
    s.minio.secretKey,
    ...extra,
  ]);
}

/** Host directory of the sample database's volume (the lab provisions host-path volumes). */
async function dbVolumeDir(): Promise<string> {
  const kube = adminKube();
  const s = lab();
  const pvc = await kube.get(`/api/v1/namespaces/${s.app.namespace}/persistentvolumeclaims/data-sample-db-0`);
  const pv = await kube.get(`/api/v1/persistentvolumes/${pvc.spec.volumeName}`);
  return pv.spec.hostPath.path as string;
}

describe('the real kots CLI against the lab', () => {
  let backupName = '';

  beforeAll(async () => {
    await ensureVelero();
  }, 400_000);

  afterAll(async () => {
    // Leave the shared lab on its MinIO destination for the suites after this one.
    await configureOtherS3();
  }, 300_000);

  it('is kots v1.131.4', async () => {
    const r = await runTool('kubectl-kots', ['version']);
    expect(r.stdout + r.stderr).toMatch(/v1\.131\.4/);
  });

  it("configure-other-s3: kots's bucket check runs as a pod, then the default BSL points at the bucket and Velero reports it Available", async () => {
    const s = lab();
    const r = await configureOtherS3();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Running a pod to test the connection to your S3 API');
    expect(r.stdout).toContain('Store Configured Successfully');
    const b = await bslAvailableWith((x) => x.spec.config?.s3Url === s.minio.endpoint, 'on the lab MinIO');
    expect(b.spec.config).toMatchObject({ s3Url: s.minio.endpoint, s3ForcePathStyle: 'true', region: s.minio.region });
  });

  it("configure-other-s3 with a bucket that does not exist: the check pod's own log says so and the BSL is left alone", async () => {
    const before = await bsl();
    const r = await configureOtherS3([], 'no-such-bucket');
    expect(r.code).not.toBe(0);
    const m = (r.stdout + r.stderr).match(/please check (\S+) pod logs/);
    expect(m, r.stdout + r.stderr).toBeTruthy();
    // kots leaves the failed pod for the operator; its log is s3cmd's, from the real script.
    const kube = adminKube();
    const log = await kube.request('GET', `/api/v1/namespaces/${lab().kotsNamespace}/pods/${m![1]}/log`);
    expect(String(log)).toContain('{"success": false}');
    expect(String(log)).toMatch(/NoSuchBucket|does not exist|404/i);
    expect((await bsl()).spec.objectStorage.bucket).toBe(before.spec.objectStorage.bucket);
    await kube.delete(`/api/v1/namespaces/${lab().kotsNamespace}/pods/${m![1]}`).catch(() => {});
  });

  it('Secret kotsadm-authstring: `backup ls` never creates it, `get apps` does (the hint Lifeboat gives when it is missing)', async () => {
    const s = lab();
    const kube = adminKube();
    const path = `/api/v1/namespaces/${s.kotsNamespace}/secrets/kotsadm-authstring`;
    const saved = await kube.get(path);
    await kube.delete(path);
    try {
      const ls = await runTool('kubectl-kots', ['backup', 'ls', '-n', s.kotsNamespace]);
      expect(ls.code, ls.stdout + ls.stderr).toBe(0);
      expect(await kube.getOrUndefined(path)).toBeUndefined();
      await runTool('kubectl-kots', ['get', 'apps', '-n', s.kotsNamespace]);
      const created = await kube.getOrUndefined(path);
      expect(created?.data?.['kotsadm-authstring']).toBeTruthy();
    } finally {
      // kotsadm's pods hold the auth string they started with (AUTO_CREATE_CLUSTER_TOKEN): put it back.
      await kube.delete(path).catch(() => {});
      await kube.post(`/api/v1/namespaces/${s.kotsNamespace}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kotsadm-authstring', labels: saved.metadata.labels },
        type: saved.type,
        data: saved.data,
      });
    }
  });

  it("backup -o json reaches the admin console by port-forward; Velero runs the app's hooks by exec and completes", async () => {
    const s = lab();
    const r = await runTool('kubectl-kots', ['backup', '-n', s.kotsNamespace, '--wait=false', '-o', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.error ?? '', r.stdout + r.stderr).toBe('');
    expect(out.success).toBe(true);
    const kube = adminKube();
    const backup = await waitUntil(
      'the instance backup object',
      async () => {
        const list = await kube.get(`/apis/velero.io/v1/namespaces/${veleroNs}/backups`);
        return list.items
          .filter((b: any) => b.metadata.annotations?.['kots.io/instance'] === 'true')
          .sort((a: any, b: any) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp))[0];
      },
      30_000,
    );
    backupName = backup.metadata.name;
    const done = await waitUntil(
      'backup finished',
      async () => {
        const b = await kube.get(`/apis/velero.io/v1/namespaces/${veleroNs}/backups/${backupName}`);
        return ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].includes(b.status?.phase) ? b : undefined;
      },
      240_000,
    );
    expect(done.status.phase, JSON.stringify(done.status)).toBe('Completed');
    // The vendor's pre and post hooks on the database and the pod-annotation hook on each web
    // replica ran by exec, none failed; the post hook removed the dump and left its mark.
    expect(done.status.hookStatus?.hooksAttempted ?? 0).toBeGreaterThanOrEqual(4);
    expect(done.status.hookStatus?.hooksFailed ?? 0).toBe(0);
    const dir = await dbVolumeDir();
    expect(readFileSync(join(dir, 'post-hook.txt'), 'utf8').trim()).toBe('done');
    expect(existsSync(join(dir, 'dump.sql'))).toBe(false);
  });

  it('restore --from-backup --exclude-admin-console brings back a deleted application through real Velero', async () => {
    const s = lab();
    const kube = adminKube();
    const before = await kube.get(`/api/v1/namespaces/${s.app.namespace}/configmaps/sample-config`);
    await kube.delete(`/api/v1/namespaces/${s.app.namespace}`);
    await waitUntil('app namespace gone', () => namespaceGone(s.app.namespace), 120_000);

    const r = await runTool('kubectl-kots', ['restore', '--from-backup', backupName, '--exclude-admin-console'], { timeoutMs: 300_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const restore = await kube.get(`/apis/velero.io/v1/namespaces/${veleroNs}/restores/${backupName}.${s.app.slug}`);
    expect(restore.status.phase).toBe('Completed');
    const after = await kube.get(`/api/v1/namespaces/${s.app.namespace}/configmaps/sample-config`);
    expect(after.data).toEqual(before.data);
    await waitUntil(
      'sample-web available again',
      async () => (await kube.get(`/apis/apps/v1/namespaces/${s.app.namespace}/deployments/sample-web`)).status?.availableReplicas === 2,
      60_000,
    );
  });

  it("configure-aws-s3 instance-role: KOTS checks the role on this computer (EC2 metadata) and fails; Lifeboat's command skips that check and the location is configured", async () => {
    const s = lab();
    const bucket = 'lifeboat-instance-role';
    const { args } = configureArgs({
      destination: { provider: 'aws', auth: 'instance-role', bucket, region: 'us-east-1' },
      secrets: {},
      kotsNamespace: s.kotsNamespace,
    });
    expect(args).toContain('--skip-validation');
    // What an operator's workstation gets without it (kots pkg/snapshot/store.go validateAWS): nothing changes.
    const before = await bsl();
    const without = await runTool(
      'kubectl-kots',
      args.filter((a) => a !== '--skip-validation'),
      { timeoutMs: 180_000 },
    );
    expect(without.code, without.stdout + without.stderr).not.toBe(0);
    expect(without.stdout + without.stderr).toMatch(/failed to validate/i);
    expect((await bsl()).spec.objectStorage.bucket).toBe(before.spec.objectStorage.bucket);
    const r = await runTool('kubectl-kots', args, { timeoutMs: 300_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const after = await bsl();
    expect(after.spec.provider).toBe('aws');
    expect(after.spec.objectStorage.bucket).toBe(bucket);
    expect(locationMatches(after.spec, { provider: 'aws', auth: 'instance-role', bucket, region: 'us-east-1' }, s.kotsNamespace)).toEqual({ ok: true });
  }, 500_000);

  // The lab installs KOTS with --with-minio=false unless asked (LabOptions.kotsMinio; the opposite path
  // is kots-minio.test.ts), so kotsadm-confg says minio-enabled-snapshots=false and KOTS
  // sends NFS/host path to the local-volume provider, which it refuses with Velero 1.17 and later
  // (kots cmd/kots/cli/velero.go veleroConfigureFileSystem, pkg/snapshot/types/velero_flags.go at
  // v1.131.4). Lifeboat reads the same rule from the same objects before it changes anything.
  it("configure-hostpath on an install without KOTS's MinIO and Velero 1.18: KOTS refuses (local-volume provider), the location stays, and Lifeboat predicted it", async () => {
    const s = lab();
    const kube = adminKube();
    const confg = await kube.get(`/api/v1/namespaces/${s.kotsNamespace}/configmaps/kotsadm-confg`);
    expect(confg.data['minio-enabled-snapshots']).toBe('false');
    const predicted = kotsFileSystemStore({ kotsNamespace: s.kotsNamespace, confg, isKurl: false, deployments: [], statefulsets: [], blind: new Set() });
    expect(predicted.via).toBe('local-volume-provider');
    const before = (await kube.get(`/apis/velero.io/v1/namespaces/${veleroNs}/backupstoragelocations/default`)).spec;
    const hostPath = join(s.dir, 'snapshots-hostpath');
    const r = await runTool('kubectl-kots', ['velero', 'configure-hostpath', '--hostpath', hostPath, '--force-reset', '-n', s.kotsNamespace], {
      timeoutMs: 120_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('not supported on Velero 1.17+');
    expect((await kube.get(`/apis/velero.io/v1/namespaces/${veleroNs}/backupstoragelocations/default`)).spec).toEqual(before);
    expect(await kube.getOrUndefined(`/apis/apps/v1/namespaces/${s.kotsNamespace}/deployments/kotsadm-fs-minio`)).toBeUndefined();
  }, 200_000);
});
