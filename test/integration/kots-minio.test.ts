/**
 * KOTS installed WITH its own MinIO — `kubectl kots install --with-minio=true`, the CLI's default —
 * on this file's own lab (.lab-kots-minio, port base 16000, LIFEBOAT_KOTS_MINIO_LAB_PORT_BASE to
 * move it; flavour existing-airgap; LabOptions.kotsMinio). Every other lab installs with
 * --with-minio=false, where KOTS refuses a host-path destination with Velero 1.18
 * (kots-cli.test.ts, setup-wizard.test.ts). Here the real programs show the path that only works on
 * such an install:
 *  1. what `kots install` creates: kotsadm-confg's minio-enabled-snapshots, kotsadm as a Deployment
 *     beside the kotsadm-minio StatefulSet, kotsadm's archives in kots's MinIO (bucket kotsadm);
 *  2. the real `kubectl kots velero configure-hostpath`: KOTS deploys its file-system MinIO
 *     (kotsadm-fs-minio) on the host path and points Velero's default BackupStorageLocation at it,
 *     which Velero reports Available;
 *  3. Lifeboat's setup wizard (reconfigure: Velero is installed) accepts a host-path destination on
 *     this install and ends with the location Available;
 *  4. a real backup through the real Velero completes into the host path;
 *  5. so does a KOTS full backup, node-agent copying what kots opts in (docs/kots-contract.md).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../electron/app.js';
import { kotsFileSystemStore } from '../../electron/environment/filesystem.js';
import type { Services } from '../../electron/workflows/services.js';
import { SetupService } from '../../electron/workflows/setup/service.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn, runToolOn } from './restore-lab.js';
import { servicesOf } from './app-calls.js';

const dir = join(repoRoot, '.lab-kots-minio');
const portBase = Number(process.env.LIFEBOAT_KOTS_MINIO_LAB_PORT_BASE ?? 16000);
const TIMEOUTS = { pullFailureMs: 12_000, deploymentMs: 150_000, nodeAgentMs: 90_000, locationMs: 150_000, pollMs: 1000 };
const bslPath = '/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default';
let lab: LabState;
let kube: Kube;
let work: string;
const apps: App[] = [];

/** A Service's loopback address in this lab (the kubelet's hosts file, test/lab/services.ts). */
function serviceAddress(name: string, namespace: string): string {
  const line = readFileSync(join(lab.dir, 'kubelet', 'hosts'), 'utf8')
    .split('\n')
    .find((l) => l.split(/\s+/).includes(`${name}.${namespace}`));
  if (!line) throw new Error(`no Service ${namespace}/${name} in the lab's hosts file`);
  return line.split(/\s+/)[0];
}

/** Object keys in a bucket of an S3 endpoint, with keys from a Secret. */
async function listObjects(endpoint: string, bucket: string, accessKeyId: string, secretAccessKey: string): Promise<string[]> {
  const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (r.Contents ?? []).map((o) => o.Key ?? '');
  } finally {
    s3.destroy();
  }
}

async function secretValue(namespace: string, name: string, key: string): Promise<string> {
  const s = await kube.get(`/api/v1/namespaces/${namespace}/secrets/${name}`);
  return Buffer.from(s.data[key], 'base64').toString();
}

async function bslAvailableAt(what: string, pred: (bsl: any) => boolean, timeoutMs = 180_000): Promise<any> {
  return waitUntil(
    `BSL default ${what} and Available`,
    async () => {
      const b = await kube.getOrUndefined(bslPath);
      return b && pred(b) && b.status?.phase === 'Available' ? b : undefined;
    },
    timeoutMs,
    1000,
  );
}

async function newApp(dataDir: string): Promise<{ app: App; services: Services }> {
  const env = { ...process.env, HOME: join(work, 'home'), LIFEBOAT_IMAGES_DIR: join(repoRoot, 'test', 'fixtures', 'images') };
  const app = createApp({ dataDir, mode: 'web', version: '0.0.0-test', toolsDir: lab.toolsDir, kubeconfig: lab.kubeconfig, env });
  await app.start();
  apps.push(app);
  const services = servicesOf(app, dataDir, env);
  return { app, services };
}

beforeAll(async () => {
  const t0 = Date.now();
  lab = await startLab({ dir, portBase, flavour: 'existing-airgap', kotsMinio: true, log: (l) => console.log(`kots-minio lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  work = mkdtempSync(join(tmpdir(), 'lb-kots-minio-'));
  mkdirSync(join(work, 'home'), { recursive: true });
  console.log(`[kots-minio] lab up in ${Math.round((Date.now() - t0) / 1000)} s`);
}, 900_000);

afterAll(async () => {
  for (const a of apps) await a.dispose().catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
  // This lab is the file's own: never kept (LIFEBOAT_LAB_KEEP is for the shared lab).
  if (lab && !process.env.LIFEBOAT_KOTS_MINIO_LAB_KEEP) await stopLab(dir);
}, 300_000);

describe('kubectl kots install --with-minio=true (the real KOTS v1.131.4 with its own MinIO)', () => {
  it('records minio-enabled-snapshots=true, runs kotsadm as a Deployment beside the kotsadm-minio StatefulSet, and keeps its archives there', async () => {
    const ns = lab.kotsNamespace;
    const confg = await kube.get(`/api/v1/namespaces/${ns}/configmaps/kotsadm-confg`);
    // kots pkg/kotsadm/objects/configmaps_objects.go: both from deployOptions (install.go: with-minio).
    expect(confg.data).toMatchObject({ 'with-minio': 'true', 'minio-enabled-snapshots': 'true' });
    // Lifeboat reads the same rule from the same object (IsFileSystemMinioDisabled).
    expect(kotsFileSystemStore({ kotsNamespace: ns, confg, isKurl: false, deployments: [], statefulsets: [], blind: new Set() }).via).toBe('minio');

    // With MinIO the admin console is a Deployment; without, a StatefulSet (kots pkg/kotsadm/main.go).
    const dep = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/kotsadm`);
    expect(dep.status.readyReplicas).toBe(1);
    expect(await kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/statefulsets/kotsadm`)).toBeUndefined();
    expect(dep.spec.template.spec.initContainers.map((c: any) => c.name)).toEqual([
      'wait-for-rqlite',
      'schemahero-plan',
      'schemahero-apply',
      'restore-db',
      'restore-s3',
    ]);
    const kotsadmEnv = Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(kotsadmEnv).toMatchObject({ S3_ENDPOINT: `http://kotsadm-minio.${ns}.svc.cluster.local:9000`, S3_BUCKET_NAME: 'kotsadm' });

    // kots's MinIO: a StatefulSet whose pod runs the real minio through a shell (minio_objects.go).
    const sts = await kube.get(`/apis/apps/v1/namespaces/${ns}/statefulsets/kotsadm-minio`);
    expect(sts.status.readyReplicas).toBe(1);
    expect(sts.spec.template.spec.containers[0].command).toEqual(['/bin/sh', '-ce', 'minio -C /home/minio/.minio/ server /export']);
    expect(sts.spec.template.spec.containers[0].image).toBe(`${lab.registry.host}/lifeboat/minio:RELEASE.2025-10-15T17-29-55Z`);
    const pod = await kube.get(`/api/v1/namespaces/${ns}/pods/kotsadm-minio-0`);
    expect(pod.status.conditions.find((c: any) => c.type === 'lab.lifeboat.dev/Executed')?.status).toBe('True');
    // It listens where the kubelet put it (MINIO_ADDRESS, test/lab/containers.ts): a loopback port of
    // this lab's block (base+750…), not the host's :9000.
    const log: string = await kube.get(`/api/v1/namespaces/${ns}/pods/kotsadm-minio-0/log?container=kotsadm-minio`);
    const api = Number(/API: http:\/\/127\.0\.0\.1:(\d+)/.exec(String(log))?.[1]);
    expect(api).toBeGreaterThanOrEqual(portBase + 750);
    expect(api).toBeLessThan(portBase + 1000);

    // kotsadm stored the application's archive there, through the kotsadm-minio Service.
    const endpoint = `http://${serviceAddress('kotsadm-minio', ns)}:9000`;
    const keys = await listObjects(
      endpoint,
      'kotsadm',
      await secretValue(ns, 'kotsadm-minio', 'accesskey'),
      await secretValue(ns, 'kotsadm-minio', 'secretkey'),
    );
    console.log(`[kots-minio] bucket kotsadm holds ${keys.length} objects: ${keys.slice(0, 5).join(', ')}`);
    expect(keys.length).toBeGreaterThan(0);
  }, 120_000);
});

describe('host-path destination on an install with KOTS’s MinIO', () => {
  const hostPath = () => join(lab.dir, 'snapshots-hostpath');

  it('kubectl kots velero configure-hostpath deploys kotsadm-fs-minio on the path and points the BSL at it; Velero reports it Available', async () => {
    const ns = lab.kotsNamespace;
    await ensureVeleroOn(lab);
    mkdirSync(hostPath(), { recursive: true });
    const t0 = Date.now();
    const r = await runToolOn(lab, 'kubectl-kots', ['velero', 'configure-hostpath', '--hostpath', hostPath(), '--force-reset', '-n', ns], 300_000);
    console.log(`[kots-minio] configure-hostpath exit ${r.code} in ${Math.round((Date.now() - t0) / 1000)} s:\n${r.stdout}\n${r.stderr}`);
    expect(r.code).toBe(0);

    // kots pkg/snapshot/filesystem_minio.go: Deployment, Service, Secret and ConfigMap kotsadm-fs-minio.
    const dep = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/kotsadm-fs-minio`);
    expect(dep.status.readyReplicas).toBe(1);
    expect(dep.spec.template.spec.volumes.find((v: any) => v.name === 'data').hostPath.path).toBe(hostPath());
    const cm = await kube.get(`/api/v1/namespaces/${ns}/configmaps/kotsadm-fs-minio`);
    expect(cm.data).toMatchObject({ HOSTPATH: hostPath() });
    expect(await kube.getOrUndefined(`/api/v1/namespaces/${ns}/services/kotsadm-fs-minio`)).toBeDefined();

    // kots pkg/snapshot/store.go: the default BSL goes to that MinIO through the AWS plugin.
    const bsl = await bslAvailableAt('on kotsadm-fs-minio', (b) => /kotsadm-fs-minio/.test(b.spec.config?.s3Url ?? ''));
    console.log(`[kots-minio] BSL: ${JSON.stringify({ provider: bsl.spec.provider, objectStorage: bsl.spec.objectStorage, config: bsl.spec.config })}`);
    expect(bsl.spec.provider).toBe('aws');
    expect(bsl.spec.objectStorage.bucket).toBe('velero');
    // The bucket is a directory of the host path (MinIO's single-drive layout).
    expect(existsSync(join(hostPath(), 'velero'))).toBe(true);
  }, 420_000);

  it("Lifeboat's setup wizard (reconfigure) accepts a host-path destination here and ends with the location Available", async () => {
    const { services, app } = await newApp(join(work, 'data-hostpath'));
    await waitUntil('Velero detected', async () => (await services.detector.refresh().catch(() => null))?.velero.installed, 60_000);
    const s = new SetupService(services, { timeouts: TIMEOUTS });
    await s.preflight();
    let w = s.chooseMode('reconfigure');
    expect(w.step).toBe('destination');
    const path = join(lab.dir, 'snapshots-setup-hostpath');
    w = await s.validateDestination({ provider: 'hostpath', path }, undefined);
    if (!w.validation!.ok) console.log(JSON.stringify(w.validation, null, 2));
    expect(w.validation!.ok).toBe(true);
    expect(w.step).toBe('review');
    w = await s.review();
    expect(w.review!.commands.map((c) => c.command).join('\n')).toContain(`configure-hostpath --hostpath ${path}`);
    const t0 = Date.now();
    await s.apply();
    await s.idle();
    w = s.state();
    if (w.apply!.state !== 'succeeded') console.log(JSON.stringify(w.apply, null, 2));
    expect(w.apply).toMatchObject({ kind: 'reconfigure', state: 'succeeded' });
    console.log(`[kots-minio] wizard reconfigure to a host path took ${Math.round((Date.now() - t0) / 1000)} s`);
    expect(w.verification!.ok).toBe(true);
    const dep = await kube.get(`/apis/apps/v1/namespaces/${lab.kotsNamespace}/deployments/kotsadm-fs-minio`);
    expect(dep.spec.template.spec.volumes.find((v: any) => v.name === 'data').hostPath.path).toBe(path);
    await bslAvailableAt('on kotsadm-fs-minio', (b) => /kotsadm-fs-minio/.test(b.spec.config?.s3Url ?? ''));
    expect(app.journal.list(500).some((e) => e.tool === 'kubectl-kots' && e.args.includes('configure-hostpath'))).toBe(true);
    s.dispose();
  }, 420_000);

  it('a real Velero backup of the application completes into the host path', async () => {
    const path = join(lab.dir, 'snapshots-setup-hostpath');
    await bslAvailableAt('on kotsadm-fs-minio', (b) => /kotsadm-fs-minio/.test(b.spec.config?.s3Url ?? ''));
    const name = `hostpath-${Date.now().toString(36)}`;
    const t0 = Date.now();
    const r = await runToolOn(lab, 'velero', ['backup', 'create', name, '--include-namespaces', lab.app.namespace, '--wait'], 300_000);
    console.log(`[kots-minio] velero backup ${name} in ${Math.round((Date.now() - t0) / 1000)} s:\n${`${r.stdout}\n${r.stderr}`.slice(-1500)}`);
    expect(r.code).toBe(0);
    const backup = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
    expect(backup.status.phase).toBe('Completed');
    expect(backup.status.progress?.itemsBackedUp ?? 0).toBeGreaterThan(0);
    // Velero's layout in the bucket, on the node's disk: velero/backups/<name>/….
    const files = readdirSync(join(path, 'velero', 'backups', name));
    expect(files).toContain(`${name}.tar.gz`);
  }, 420_000);

  it("a KOTS full backup (kubectl kots backup) completes there; node-agent copies what kots opts in except the lab's host-path data volume", async () => {
    const path = join(lab.dir, 'snapshots-setup-hostpath');
    const ns = lab.kotsNamespace;
    // kots pkg/kotsadm/objects/minio_objects.go: the kotsadm-minio pod opts its volumes in to file-system backup.
    const minioPod = await kube.get(`/api/v1/namespaces/${ns}/pods/kotsadm-minio-0`);
    expect(minioPod.metadata.annotations['backup.velero.io/backup-volumes']).toBe('kotsadm-minio,minio-config-dir,minio-cert-dir');
    const instanceBackups = async () =>
      ((await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items as any[]).filter((b) => b.metadata.annotations?.['kots.io/instance'] === 'true');
    const before = new Set((await instanceBackups()).map((b) => b.metadata.name));
    const t0 = Date.now();
    const r = await runToolOn(lab, 'kubectl-kots', ['backup', '-n', ns, '--wait=false', '-o', 'json'], 300_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ success: true });
    const started = await waitUntil('the instance backup object', async () => (await instanceBackups()).find((b) => !before.has(b.metadata.name)), 60_000);
    const name: string = started.metadata.name;
    const done = await waitUntil(
      'the instance backup to finish',
      async () => {
        const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
        return ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].includes(b.status?.phase) ? b : undefined;
      },
      300_000,
      1000,
    );
    console.log(`[kots-minio] kots full backup ${name}: ${done.status.phase} in ${Math.round((Date.now() - t0) / 1000)} s`);
    expect(done.status.phase, JSON.stringify(done.status)).toBe('Completed');
    const pvbs = await kube.get(`/apis/velero.io/v1/namespaces/velero/podvolumebackups?labelSelector=velero.io%2Fbackup-name%3D${name}`);
    const copied = (pvbs.items as any[]).map((p) => `${p.spec.pod.name}/${p.spec.volume}:${p.status?.phase}`);
    console.log(`[kots-minio] pod volume backups: ${copied.join(', ')}`);
    // node-agent copies the opted-in volumes it can: the admin console's database dump (kotsadm's
    // `backup` volume) and MinIO's config and cert directories. The data volume kotsadm-minio is a
    // claim on the lab's host-path PersistentVolume (StorageClass lab-local), which Velero skips
    // ("is a hostPath volume which is not supported for pod volume backup", velero
    // pkg/podvolume/backupper.go at v1.18.3): kots's archives are not in the lab's backups.
    expect(copied).toEqual(
      expect.arrayContaining([
        'kotsadm-minio-0/minio-config-dir:Completed',
        'kotsadm-minio-0/minio-cert-dir:Completed',
        expect.stringMatching(/^kotsadm-.*\/backup:Completed$/),
      ]),
    );
    expect(copied.some((c) => c.startsWith('kotsadm-minio-0/kotsadm-minio:'))).toBe(false);
    // The backup and its kopia repository are in the bucket on the host path.
    expect(readdirSync(join(path, 'velero', 'backups', name))).toContain(`${name}.tar.gz`);
    expect(existsSync(join(path, 'velero', 'kopia'))).toBe(true);
  }, 420_000);
});
