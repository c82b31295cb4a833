/**
 * The setup wizard against its OWN air-gapped lab (port base 27000, .lab-setup): it installs and
 * uninstalls Velero, so it never touches the shared default lab.
 *
 *  1. destination validation against the lab's real MinIO and a TLS endpoint with an unknown CA:
 *     every bad input is a clear message and nothing is created in the cluster;
 *  2. the whole S3-compatible + air-gap path: images found missing in the lab registry, pushed from
 *     Lifeboat's OCI archives, then present; Lifeboat closed mid-wizard resumes at the same step;
 *     an image lost from the registry makes the install fail with the kubelet's ErrImagePull Events;
 *     a second install is refused (persisted state AND cluster); closed mid-apply → interrupted →
 *     resumed without installing twice; KOTS configure; BSL Available + synced; server answers;
 *     then the real Velero completes a backup;
 *  3. Velero already installed: keep changes nothing; reconfigure to another MinIO bucket goes through
 *     KOTS with no install (same Deployment), a destination whose plugin is missing is refused first;
 *  4. upgrade (an older installed version simulated in the persisted preflight: the lab has one Velero
 *     build): the review shows the change, velero install --apply runs over it, verified;
 *  5. uninstall with typed confirmation.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../electron/api/contract.js';
import { createApp, type App } from '../../electron/app.js';
import { RegistryClient } from '../../electron/registry/client.js';
import type { Services } from '../../electron/workflows/services.js';
import { SetupService } from '../../electron/workflows/setup/service.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { servicesOf } from './app-calls.js';

const dir = join(repoRoot, '.lab-setup');
let lab: LabState;
let kube: Kube;
let work: string;
const apps: App[] = [];

const TIMEOUTS = { pullFailureMs: 12_000, deploymentMs: 150_000, nodeAgentMs: 90_000, locationMs: 150_000, pollMs: 1000 };

/** The synthetic stand-ins of Velero's images (scripts/build-test-images.ts) live under test/, never in resources/. */
const testImagesEnv = () => ({ ...process.env, HOME: join(work, 'home'), LIFEBOAT_IMAGES_DIR: join(repoRoot, 'test', 'fixtures', 'images') });

async function newApp(dataDir: string): Promise<{ app: App; services: Services }> {
  const app = createApp({ dataDir, mode: 'web', version: '0.0.0-test', toolsDir: lab.toolsDir, kubeconfig: lab.kubeconfig, env: testImagesEnv() });
  await app.start();
  apps.push(app);
  const services = servicesOf(app, dataDir, testImagesEnv());
  return { app, services };
}

function velero(args: string[], timeoutMs = 180_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      join(lab.toolsDir, 'velero'),
      args,
      { env: { ...process.env, KUBECONFIG: lab.kubeconfig, HOME: join(work, 'home') }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        resolve({ code: err ? 1 : 0, out: `${stdout}\n${stderr}` });
      },
    );
  });
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function noVeleroObjects(): Promise<void> {
  expect(await kube.getOrUndefined('/api/v1/namespaces/velero')).toBeUndefined();
  const crds = await kube.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  expect((crds.items as any[]).filter((c) => c.metadata.name.endsWith('velero.io'))).toEqual([]);
}

const minioDest = () => ({
  provider: 's3-compatible' as const,
  bucket: lab.minio.bucket,
  region: lab.minio.region,
  endpoint: lab.minio.endpoint,
  prefix: 'setup-test',
});
const minioKeys = () => ({ accessKeyId: lab.minio.accessKey, secretAccessKey: lab.minio.secretKey });

beforeAll(async () => {
  await stopLab(dir); // never reuse a lab an earlier run left behind
  lab = await startLab({ dir, portBase: 27000, flavour: 'existing-airgap' });
  kube = new Kube(lab.kubeconfig);
  work = mkdtempSync(join(tmpdir(), 'lb-setup-'));
  // A lab kept from an earlier run (LIFEBOAT_LAB_KEEP) may still have Velero: start clean.
  if (await kube.getOrUndefined('/api/v1/namespaces/velero')) await velero(['uninstall', '--force'], 240_000);
  await until('no velero namespace', async () => !(await kube.getOrUndefined('/api/v1/namespaces/velero')), 120_000);
  // …and its registry may still hold the images this test pushes.
  const reg = new RegistryClient({
    registry: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
    caPem: readFileSync(lab.registry.caFile),
  });
  for (const [repo, tag] of [
    ['lifeboat/velero', 'v1.18.3'],
    ['lifeboat/velero-plugin-for-aws', 'v1.14.3'],
  ] as const) {
    const h = await reg.headManifest(repo, tag);
    if (h) await reg.deleteManifest(repo, h.digest);
  }
  reg.close();
}, 480_000);

afterAll(async () => {
  for (const a of apps) await a.dispose().catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
  // This lab is the file's own: never kept (LIFEBOAT_LAB_KEEP is for the shared lab).
  if (lab) await stopLab(dir);
}, 300_000);

describe('setup wizard: destination validation (nothing changes in the cluster)', () => {
  it('wrong secret key, missing bucket, unknown CA, endpoint down, malformed input: each a clear message', async () => {
    const { services } = await newApp(join(work, 'data-validate'));
    const s = new SetupService(services, { timeouts: TIMEOUTS });
    const pf = await s.preflight();
    expect(pf.preflight!.airgap).toBe(true);
    expect(pf.preflight!.checks.filter((c) => !c.ok)).toEqual([]);
    s.chooseMode('install');

    const failed = async (d: any, k: any) => {
      const w = await s.validateDestination(d, k);
      expect(w.step).toBe('destination');
      expect(w.validation!.ok).toBe(false);
      return w.validation!.checks.filter((c) => !c.ok);
    };
    expect((await failed(minioDest(), { ...minioKeys(), secretAccessKey: 'not-the-secret' }))[0]!.reason).toMatch(
      /secret access key is wrong|secret access key is wrong, or/,
    );
    expect((await failed({ ...minioDest(), bucket: 'no-such-bucket' }, minioKeys()))[0]!.reason).toMatch(/Bucket "no-such-bucket" does not exist/);
    // The lab registry's TLS port: a certificate from the lab CA this process does not trust.
    const tls = (await failed({ ...minioDest(), endpoint: `https://${lab.registry.host}` }, minioKeys()))[0]!;
    expect(tls.reason).toMatch(/TLS certificate this computer does not trust/);
    expect(tls.fix).toMatch(/CA certificate/);
    expect((await failed({ ...minioDest(), endpoint: 'http://127.0.0.1:1' }, minioKeys()))[0]!.reason).toMatch(/Could not reach http:\/\/127\.0\.0\.1:1/);
    const malformed = await failed({ ...minioDest(), bucket: 'UPPER_case', endpoint: 'minio:9000' }, {});
    expect(malformed.map((c) => c.title)).toEqual(expect.arrayContaining(['Bucket', 'Endpoint']));
    expect(malformed.find((c) => c.title === 'Endpoint')!.reason).toMatch(/must use http or https|is not a URL/);
    // With the right CA the TLS handshake passes (and then the registry is not S3: a different error).
    const withCa = await s.validateDestination(
      { ...minioDest(), endpoint: `https://${lab.registry.host}`, caCertPem: readFileSync(lab.registry.caFile, 'utf8') },
      minioKeys(),
    );
    expect(withCa.validation!.checks.filter((c) => !c.ok)[0]!.reason).not.toMatch(/does not trust/);
    await noVeleroObjects();
  }, 120_000);
});

describe('setup wizard: S3-compatible + air gap, end to end', () => {
  it('installs Velero from the private registry, wired to KOTS, and Velero completes a backup', async () => {
    const dataDir = join(work, 'data-e2e');
    let { services, app } = await newApp(dataDir);
    let s = new SetupService(services, { timeouts: TIMEOUTS });
    await s.preflight();
    s.chooseMode('install');
    let w = await s.validateDestination(minioDest(), minioKeys());
    expect(w.validation!.ok).toBe(true);
    expect(w.validation!.online).toBe(true);
    expect(w.validation!.checks.map((c) => c.title)).toEqual(expect.arrayContaining(['Bucket exists', 'Write', 'Read back', 'Delete']));
    expect(w.step).toBe('images');
    expect(JSON.stringify(w)).not.toContain(lab.minio.secretKey);
    expect(readFileSync(join(dataDir, 'setup', 'wizard.json'), 'utf8')).not.toContain(lab.minio.secretKey);

    // Registry prefilled from KOTS (kotsadm-confg), KOTS's credentials; images missing, then pushed.
    // Detection reads Secret kotsadm-private-registry once it knows the KOTS namespace: a moment
    // after the first environment, which the validation above may beat.
    const defaults = await until(
      'the KOTS registry with its credentials detected',
      () => (s.registryDefaults()?.hasKotsCredentials ? s.registryDefaults() : undefined),
      30_000,
    );
    expect(defaults).toMatchObject({ host: lab.registry.host, namespace: 'lifeboat', hasKotsCredentials: true });
    w = await s.setRegistry({ host: defaults.host, namespace: defaults.namespace, useKotsCredentials: true, caPath: lab.registry.caFile });
    expect(w.images!.map((i) => [i.target, i.state])).toEqual([
      [`${lab.registry.host}/lifeboat/velero:v1.18.3`, 'missing'],
      [`${lab.registry.host}/lifeboat/velero-plugin-for-aws:v1.14.3`, 'missing'],
    ]);
    const t0 = Date.now();
    await s.pushImages();
    await s.idle();
    console.log(`[setup] pushed 2 test images in ${Date.now() - t0} ms`);
    expect(s.state().images!.map((i) => i.state)).toEqual(['pushed', 'pushed']);
    w = await s.checkImages();
    expect(w.images!.map((i) => i.state)).toEqual(['present', 'present']);

    // Lifeboat closed mid-wizard: the same step, secrets gone (asked again), nothing re-done.
    s.dispose();
    await app.dispose();
    ({ services, app } = await newApp(dataDir));
    s = new SetupService(services, { timeouts: TIMEOUTS });
    expect(s.state().step).toBe('images');
    expect(s.state().credentials.held).toBe(false);
    expect(s.state().images!.map((i) => i.state)).toEqual(['present', 'present']);
    await expect(s.review()).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER' });
    await s.validateDestination(minioDest(), minioKeys());
    await s.setRegistry({ host: defaults.host, namespace: defaults.namespace, useKotsCredentials: true, caPath: lab.registry.caFile });

    w = await s.review();
    const cmds = w.review!.commands.map((c) => c.command).join('\n');
    expect(cmds).toContain(
      `velero install --namespace velero --image ${lab.registry.host}/lifeboat/velero:v1.18.3 --plugins ${lab.registry.host}/lifeboat/velero-plugin-for-aws:v1.14.3 --no-default-backup-location --no-secret --use-node-agent --use-volume-snapshots=false`,
    );
    expect(cmds).toContain('kubectl kots velero configure-other-s3');
    expect(cmds).not.toContain(lab.minio.secretKey);
    expect(cmds).not.toContain(lab.registry.password);
    expect(w.review!.manifests).toContain('kind: Deployment');
    expect(w.review!.objects.find((o) => o.kind === 'Deployment' && o.by === 'velero install')).toMatchObject({ action: 'create' });
    expect(w.review!.objects.find((o) => o.kind === 'Namespace')).toMatchObject({ action: 'create' });
    await noVeleroObjects(); // the dry run created nothing

    // The registry loses the velero image after the check: the install fails with the kubelet's words.
    const reg = new RegistryClient({
      registry: lab.registry.host,
      username: lab.registry.username,
      password: lab.registry.password,
      caPem: readFileSync(lab.registry.caFile),
    });
    const head = await reg.headManifest('lifeboat/velero', 'v1.18.3');
    await reg.deleteManifest('lifeboat/velero', head!.digest);
    reg.close();
    const tApply = Date.now();
    await s.apply();
    await s.idle();
    w = s.state();
    expect(w.apply!.state).toBe('failed');
    expect(w.apply!.phases.find((p) => p.state === 'failed')!.id).toBe('wait-deployment');
    expect(w.apply!.diagnosis.join('\n')).toMatch(/ErrImagePull|ImagePullBackOff|Failed to pull image/);
    expect(w.apply!.diagnosis.join('\n')).toContain('lifeboat/velero:v1.18.3');
    expect(w.apply!.nextStep).toMatch(/Images step/);
    const dep = await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero');
    expect(dep.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(dep.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(dep.spec.template.spec.initContainers[0].imagePullPolicy).toBe('IfNotPresent');

    // Never a second install: the cluster already has Velero.
    await expect(s.apply()).rejects.toMatchObject({ code: 'VELERO_ALREADY_INSTALLED' });

    // Resume, then Lifeboat closes mid-apply (the pod still cannot pull).
    await s.resume();
    await until('wait-deployment running', () => s.state().apply!.phases.find((p) => p.id === 'wait-deployment')!.state === 'running');
    s.dispose();
    await app.dispose();
    ({ services, app } = await newApp(dataDir));
    s = new SetupService(services, { timeouts: TIMEOUTS });
    w = s.state();
    expect(w.step).toBe('apply');
    expect(w.apply!.state).toBe('interrupted');
    await expect(s.apply()).rejects.toMatchObject({ code: 'SETUP_IN_PROGRESS' });
    await expect(s.resume()).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER' }); // credentials first
    await s.validateDestination(minioDest(), minioKeys());
    w = await s.setRegistry({ host: defaults.host, namespace: defaults.namespace, useKotsCredentials: true, caPath: lab.registry.caFile });
    expect(w.images!.map((i) => i.state)).toEqual(['missing', 'present']);
    await s.pushImages();
    await s.idle();
    expect((await s.checkImages()).images!.map((i) => i.state)).toEqual(['present', 'present']);
    await s.resume();
    await s.idle();
    w = s.state();
    if (w.apply!.state !== 'succeeded') console.log(JSON.stringify(w.apply, null, 2));
    expect(w.apply!.state).toBe('succeeded');
    console.log(`[setup] apply (incl. the failed pull, restart and resume) took ${Math.round((Date.now() - tApply) / 1000)} s`);
    expect(w.apply!.phases.filter((p) => p.id === 'install').map((p) => p.state)).toEqual(['succeeded']);
    expect(w.step).toBe('done');
    expect(w.verification!.ok).toBe(true);
    expect(w.verification!.serverVersion).toMatch(/v1\.18/);
    expect(w.verification!.plugins.join(' ')).toContain('velero.io/aws (ObjectStore)');
    const bsl = await kube.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
    expect(bsl.status.phase).toBe('Available');
    expect(bsl.spec.objectStorage.prefix).toBe('setup-test');
    // Journal: the secrets never reached it.
    const journal = JSON.stringify(app.journal.list(500));
    expect(journal).toContain('configure-other-s3');
    expect(journal).not.toContain(lab.minio.secretKey);
    expect(journal).not.toContain(lab.registry.password);

    // The real Velero completes a backup against the configured destination.
    const b = await velero(['backup', 'create', 'setup-check', '--include-namespaces', lab.app.namespace, '--wait']);
    expect(b.out).toMatch(/Backup completed with status: Completed/);

    s.dispose();
  }, 600_000);
});

describe('setup wizard: Velero already installed — keep, reconfigure, never a second install', () => {
  it('keep changes nothing; reconfigure to another MinIO bucket: BSL Available there through KOTS, no install', async () => {
    const { services, app } = await newApp(join(work, 'data-existing'));
    await until('Velero detected', async () => (await services.detector.refresh().catch(() => null))?.velero.installed, 60_000);
    const s = new SetupService(services, { timeouts: TIMEOUTS });
    const depPath = '/apis/apps/v1/namespaces/velero/deployments/velero';
    const bslPath = '/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default';
    const depBefore = await kube.get(depPath);
    const bslBefore = await kube.get(bslPath);

    let w = await s.preflight();
    expect(w.preflight!.existingVelero).toMatchObject({ namespace: 'velero' });
    expect(w.preflight!.checks.find((c) => c.title === 'Velero already installed')!.reason).toMatch(/same version as the bundled v1\.18\.3/);
    expect(w.mode).toBeUndefined(); // nothing chosen for the operator
    expect(() => s.chooseMode('install')).toThrow(/already installed in namespace velero/);
    expect(() => s.chooseMode('upgrade')).toThrow(/nothing to upgrade/);

    // Keep: done, and the cluster is exactly as it was.
    w = s.chooseMode('keep');
    expect(w).toMatchObject({ mode: 'keep', step: 'done' });
    await expect(s.apply()).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER' });
    const depKept = await kube.get(depPath);
    expect(depKept.metadata.resourceVersion).toBe(depBefore.metadata.resourceVersion);
    expect((await kube.get(bslPath)).spec).toEqual(bslBefore.spec);

    // Reconfigure to another bucket of the lab's MinIO.
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      region: lab.minio.region,
      endpoint: lab.minio.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: lab.minio.accessKey, secretAccessKey: lab.minio.secretKey },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'setup-reconf' })).catch((e) => {
      if (!/BucketAlready/.test(String(e?.name))) throw e;
    });
    s3.destroy();
    w = s.chooseMode('reconfigure');
    expect(w.step).toBe('destination');
    w = await s.validateDestination({ ...minioDest(), bucket: 'setup-reconf', prefix: 'reconf' }, minioKeys());
    expect(w.validation!.ok).toBe(true);
    expect(w.step).toBe('review'); // no images step: reconfigure changes no image
    // The Review step opens with its commands worked out (the window showed an empty step before).
    expect(w.review?.commands.some((c) => c.command.includes('configure-other-s3'))).toBe(true);
    w = await s.review();
    const cmds = w.review!.commands.map((c) => c.command).join('\n');
    expect(cmds).not.toContain('velero install');
    expect(cmds).toContain('configure-other-s3 --bucket setup-reconf');
    expect(cmds).not.toContain(lab.minio.secretKey);
    expect(w.review!.notes.join(' ')).toMatch(/no velero install runs/);
    expect(w.review!.notes.join(' ')).toContain(`Current location: aws ${lab.minio.bucket}/setup-test`);
    expect(w.review!.objects.find((o) => o.kind === 'BackupStorageLocation')).toMatchObject({ action: 'change' });

    // A destination whose plugin this Velero lacks is refused before anything changes.
    s.back('destination');
    // (Not checked from here, as an operator whose workstation cannot reach Azure would choose.)
    const guid = '0b6f7c4e-3a4e-4d55-9b1e-2c3d4e5f6a7b';
    const az = await s.validateDestination(
      {
        provider: 'azure',
        container: 'velero',
        resourceGroup: 'rg',
        storageAccount: 'lifeboatsa1',
        subscriptionId: guid,
        tenantId: guid,
        clientId: guid,
        cloudName: 'AzurePublicCloud',
        checkFromHere: false,
      },
      { clientSecret: 'not-a-real-secret' },
    );
    expect(az.validation!.ok).toBe(true);
    expect(az.validation!.checks.map((c) => c.title)).toContain('Not checked from this computer');
    await expect(s.review()).rejects.toMatchObject({ code: 'VELERO_NOT_READY', message: expect.stringMatching(/no velero-plugin-for-microsoft-azure/) });
    await s.validateDestination({ ...minioDest(), bucket: 'setup-reconf', prefix: 'reconf' }, minioKeys());
    await s.review();

    const t0 = Date.now();
    await s.apply();
    await s.idle();
    w = s.state();
    if (w.apply!.state !== 'succeeded') console.log(JSON.stringify(w.apply, null, 2));
    expect(w.apply).toMatchObject({ kind: 'reconfigure', state: 'succeeded' });
    console.log(`[setup] reconfigure took ${Math.round((Date.now() - t0) / 1000)} s`);
    expect(w.apply!.phases.map((p) => p.id)).toEqual(['configure', 'wait-deployment', 'permissions', 'verify']);
    expect(w.step).toBe('done');
    const bsl = await kube.get(bslPath);
    expect(bsl.spec.objectStorage).toMatchObject({ bucket: 'setup-reconf', prefix: 'reconf' });
    expect(bsl.status.phase).toBe('Available');
    expect(w.verification!.ok).toBe(true);
    // KOTS did it: cloud-credentials and its references on the Deployment (ensureSecretsReferences).
    expect(await kube.getOrUndefined('/api/v1/namespaces/velero/secrets/cloud-credentials')).toBeDefined();
    const depAfter = await kube.get(depPath);
    expect(depAfter.spec.template.spec.volumes.map((v: any) => v.name)).toContain('cloud-credentials');
    // Never a second install: the same Deployment object, no install in the journal, apply refused.
    expect(depAfter.metadata.uid).toBe(depBefore.metadata.uid);
    const journal = JSON.stringify(app.journal.list(500));
    expect(journal).toContain('configure-other-s3');
    expect(journal).not.toMatch(/velero install/);
    expect(app.journal.list(500).filter((e) => e.tool === 'velero' && e.args[0] === 'install')).toEqual([]);
    expect(journal).not.toContain(lab.minio.secretKey);
    await expect(s.apply()).rejects.toMatchObject({ code: 'SETUP_IN_PROGRESS' });
    s.dispose();
  }, 400_000);
});

// This lab's KOTS is installed with --with-minio=false (README "The lab"; with KOTS's MinIO the
// wizard accepts a host path: kots-minio.test.ts), so KOTS would configure a
// host path through the local-volume provider, which it refuses with Velero 1.17 and later (kots
// pkg/snapshot/filesystem_lvp.go IsFileSystemMinioDisabled, pkg/snapshot/types/velero_flags.go at
// v1.131.4; kots-cli.test.ts shows the real CLI refusing). The wizard says so at the destination
// step, before anything changes.
describe("setup wizard: a host-path destination on an install without KOTS's MinIO", () => {
  it("is refused at the destination check with KOTS's reason; nothing is configured", async () => {
    const { services, app } = await newApp(join(work, 'data-hostpath'));
    await until('Velero detected', async () => (await services.detector.refresh().catch(() => null))?.velero.installed, 60_000);
    const s = new SetupService(services, { timeouts: TIMEOUTS });
    const bslPath = '/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default';
    const before = (await kube.get(bslPath)).spec;
    await s.preflight();
    s.chooseMode('reconfigure');
    const w = await s.validateDestination({ provider: 'hostpath', path: join(lab.dir, 'snapshots-setup-hostpath') }, undefined);
    expect(w.validation!.ok).toBe(false);
    expect(JSON.stringify(w.validation!.checks)).toMatch(/local-volume/);
    expect(JSON.stringify(w.validation!.checks)).toMatch(/1\.17/);
    expect(app.journal.list(500).some((e) => e.tool === 'kubectl-kots' && e.args.includes('configure-hostpath'))).toBe(false);
    expect((await kube.get(bslPath)).spec).toEqual(before);
    s.dispose();
  }, 200_000);
});

describe('setup wizard: upgrade an older Velero', () => {
  it('the review shows what changes, then velero install --apply runs over the installed Velero (same Deployment), KOTS configured, verified', async () => {
    const dataDir = join(work, 'data-upgrade');
    const { services, app } = await newApp(dataDir);
    await until('Velero detected', async () => (await services.detector.refresh().catch(() => null))?.velero.installed, 60_000);
    let s = new SetupService(services, { timeouts: TIMEOUTS });
    await s.preflight();
    s.dispose();
    // The lab has one Velero build (v1.18.3, what the server reports): an older installed version is
    // simulated in the persisted preflight. Everything after that runs for real against the cluster.
    const file = join(dataDir, 'setup', 'wizard.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.preflight.existingVelero.version = 'v1.17.2';
    writeFileSync(file, JSON.stringify(saved));
    s = new SetupService(services, { timeouts: TIMEOUTS });
    let w = s.chooseMode('upgrade');
    expect(w.step).toBe('destination');
    w = await s.validateDestination({ ...minioDest(), bucket: 'setup-reconf', prefix: 'upgrade' }, minioKeys());
    expect(w.step).toBe('images'); // an upgrade installs images: they must be in the private registry
    const defaults = s.registryDefaults()!;
    w = await s.setRegistry({ host: defaults.host, namespace: defaults.namespace, useKotsCredentials: true, caPath: lab.registry.caFile });
    expect(w.images!.map((i) => i.state)).toEqual(['present', 'present']);
    w = await s.review();
    const install = w.review!.commands.find((c) => c.title === 'Install Velero')!.command;
    expect(install).toMatch(/^velero install .*--use-volume-snapshots=false --apply$/);
    expect(w.review!.notes.join(' ')).toContain('Velero v1.17.2 → v1.18.3.');
    expect(w.review!.notes.join(' ')).toMatch(/Server image \S+velero:v1\.18\.3 → \S+velero:v1\.18\.3/);
    expect(w.review!.objects.find((o) => o.kind === 'Deployment' && o.by === 'velero install')).toMatchObject({ action: 'change' });
    const uid = (await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero')).metadata.uid;

    await s.apply();
    await s.idle();
    w = s.state();
    if (w.apply!.state !== 'succeeded') console.log(JSON.stringify(w.apply, null, 2));
    expect(w.apply).toMatchObject({ kind: 'upgrade', state: 'succeeded' });
    expect(w.apply!.phases.find((p) => p.id === 'install')!.state).toBe('succeeded'); // ran, not skipped
    const bsl = await kube.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
    expect(bsl.spec.objectStorage).toMatchObject({ bucket: 'setup-reconf', prefix: 'upgrade' });
    expect(bsl.status.phase).toBe('Available');
    const dep = await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero');
    expect(dep.metadata.uid).toBe(uid);
    expect(dep.spec.template.spec.volumes.map((v: any) => v.name)).toContain('cloud-credentials');
    const installs = app.journal.list(500).filter((e) => e.tool === 'velero' && e.args[0] === 'install' && !e.args.includes('--dry-run'));
    expect(installs.map((e) => e.args.includes('--apply'))).toEqual([true]);
    s.dispose();
  }, 400_000);
});

describe('setup wizard: uninstall', () => {
  it('removes Velero only after the typed confirmation', async () => {
    const { services } = await newApp(join(work, 'data-uninstall'));
    await until('Velero detected', async () => (await services.detector.refresh().catch(() => null))?.velero.installed, 60_000);
    const s = new SetupService(services, { timeouts: TIMEOUTS });
    // Uninstall: typed confirmation.
    await expect(s.uninstall('yes')).rejects.toMatchObject({ code: 'CONFIRMATION_MISMATCH' });
    const w = await s.uninstall('velero');
    expect(w.apply!.kind).toBe('uninstall');
    expect(w.apply!.state).toBe('succeeded');
    await until(
      'Velero CRDs gone',
      async () =>
        ((await kube.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).items as any[]).every((c) => !c.metadata.name.endsWith('velero.io')),
      60_000,
    );
  }, 600_000);
});

export type { SetupWizard };
