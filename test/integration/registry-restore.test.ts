/**
 * Issue 6, "in the flows": the restore wizard's rebuilt-cluster path re-seeds the cluster registry
 * BEFORE the application is restored. Two labs of the kURL flavour (air-gapped: pods pull only from
 * their own lab registry; registry in namespace kurl), the second sharing the first's MinIO bucket.
 * Not the Embedded Cluster flavour: the wizard refuses Embedded Cluster backups (the Embedded
 * Cluster binary restores those, eligibility.ts), so the kots-CLI restore after the re-seed is
 * exercised on kURL, the other flavour with its own registry.
 *
 *   lab1 (old cluster, port base 31000): its app images carry a marker (digests only lab1 has);
 *     Velero takes an instance backup; Lifeboat exports lab1's registry.
 *   lab2 (rebuilt, port base 25000): its registry lacks the app images; the wizard shows the
 *     registry step, refuses to go on without it, compares the archive with the registry, re-seeds
 *     it (persisted before it runs), verifies every tag, and only then restores the application —
 *     whose pods then pull their images from lab2's registry; every app image resolves there to
 *     lab1's digest.
 *
 * A rebuilt cluster keeps the registry's address (Embedded Cluster pins the Service's cluster IP to
 * kots.io/embedded-registry, desktop-anchors.md §3.4; kURL reuses its registry Service IP). Two labs
 * on one machine cannot share an address (nor credentials), so the old cluster's workloads and
 * pull secret name the rebuilt one's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryJob, RestoreWizard } from '../../electron/api/contract.js';
import { createApp, type App } from '../../electron/app.js';
import { dispatch } from '../../electron/transport/dispatch.js';
import { RegistryClient } from '../../electron/registry/client.js';
import { Kube } from '../lab/kube.js';
import { pushSyntheticImage, type RegistryAuth } from '../lab/images.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn, instanceBackupOn, scaleVelero } from './restore-lab.js';

const LAB1 = join(repoRoot, '.lab-registry');
const LAB2 = join(repoRoot, '.lab-registry-2');
const keep = !!process.env.LIFEBOAT_LAB_KEEP;
const APP_IMAGES = [
  ['lifeboat/sample-web', '1.0.0'],
  ['lifeboat/sample-db', '1.0.0'],
] as const;

let lab1: LabState;
let lab2: LabState;
let home: string;
const apps: App[] = [];

const auth = (s: LabState): RegistryAuth => ({
  host: s.registry.host,
  username: s.registry.username,
  password: s.registry.password,
  ca: readFileSync(s.registry.caFile),
});
const regClient = (s: LabState) =>
  new RegistryClient({ registry: s.registry.host, username: s.registry.username, password: s.registry.password, caPem: readFileSync(s.registry.caFile) });

async function openLifeboat(s: LabState, dataDir: string): Promise<App> {
  process.env.LIFEBOAT_LAB_DIR = s.dir;
  const app = createApp({
    dataDir,
    mode: 'web',
    version: 'test',
    toolsDir: s.toolsDir,
    kubeconfig: s.kubeconfig,
    env: {
      ...process.env,
      KUBECONFIG: s.kubeconfig,
      LIFEBOAT_REGISTRY_CA: s.registry.caFile,
      LIFEBOAT_RESTORE_POLL_MS: '500',
      LIFEBOAT_RESTORE_APPEAR_MS: '90000',
      LIFEBOAT_RESTORE_READY_MS: '90000',
    },
  });
  await app.start();
  await waitUntil('environment detected with Velero', async () => app.detector.get()?.velero.ready && app.detector.get()?.flavour === 'kurl', 60_000);
  apps.push(app);
  return app;
}

async function call<T>(app: App, method: string, input: unknown): Promise<T> {
  const r = await dispatch(app.handlers, method, input);
  if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { data: r.error });
  return r.result as T;
}
async function callError(app: App, method: string, input: unknown) {
  const r = await dispatch(app.handlers, method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lb-int-registry-restore-'));
  // The release without the vendor's Backup hooks: see the test below (its pods will name the rebuilt registry).
  lab1 = await startLab({ dir: LAB1, portBase: 31000, flavour: 'kurl', vendorHooks: false });
  lab2 = await startLab({ dir: LAB2, portBase: 25000, flavour: 'kurl', sharedMinioFrom: LAB1 });
  await ensureVeleroOn(lab1);
}, 600_000);

afterAll(async () => {
  for (const a of apps) await a.dispose().catch(() => {});
  await stopLab(LAB2).catch(() => {});
  if (!keep) await stopLab(LAB1).catch(() => {});
  if (home) rmSync(home, { recursive: true, force: true });
}, 300_000);

describe('restore wizard on a rebuilt kURL cluster: re-seed the registry, then restore the application', () => {
  it("re-seeds lab2 from lab1's export before restoring, and every app image resolves to lab1's digest", async () => {
    const kube1 = new Kube(lab1.kubeconfig);
    const kube2 = new Kube(lab2.kubeconfig);
    const dataDir = join(home, 'data'); // one operator machine: the same Lifeboat data for both clusters

    // ---- old cluster: images only it has, workloads naming the registry address, a backup, an export.
    const marker = `lifeboat-${Date.now()}`;
    const expected = new Map<string, string>();
    for (const [repo, tag] of APP_IMAGES) expected.set(`${repo}:${tag}`, await pushSyntheticImage(auth(lab1), repo, tag, `${repo}:${tag}:${marker}`));
    const ns = lab1.app.namespace;
    for (const [kind, name] of [
      ['deployments', 'sample-web'],
      ['statefulsets', 'sample-db'],
    ] as const) {
      const path = `/apis/apps/v1/namespaces/${ns}/${kind}/${name}`;
      const obj = await kube1.get(path);
      const containers = (obj.spec.template.spec.containers as Array<{ name: string; image: string }>).map((c) => ({
        name: c.name,
        image: c.image.replace(lab1.registry.host, lab2.registry.host),
      }));
      // No backup hooks here (the release was installed without the vendor's, and the pod
      // annotation hook goes): once they name the rebuilt registry the app's pods cannot start on
      // the old cluster, and Velero's exec hooks into them would fail (as on a real cluster).
      await kube1.mergePatch(path, {
        spec: {
          template: {
            metadata: {
              annotations: { 'pre.hook.backup.velero.io/command': null, 'pre.hook.backup.velero.io/on-error': null, 'pre.hook.backup.velero.io/timeout': null },
            },
            spec: { containers },
          },
        },
      });
    }
    // Its registry identity too: the app's pull secret holds the rebuilt registry's credentials
    // (kURL restores its registry's htpasswd from the backup, so the old credentials stay valid).
    const cfg = {
      auths: {
        [lab2.registry.host]: {
          username: lab2.registry.username,
          password: lab2.registry.password,
          auth: Buffer.from(`${lab2.registry.username}:${lab2.registry.password}`).toString('base64'),
        },
      },
    };
    await kube1.mergePatch(`/api/v1/namespaces/${ns}/secrets/kotsadm-replicated-registry`, {
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(cfg)).toString('base64') },
    });
    const backup = await instanceBackupOn(lab1);

    const old = await openLifeboat(lab1, dataDir);
    const archive = join(home, 'export', 'registry.tar');
    const exp = await call<RegistryJob>(old, 'registry.export', { dest: join(home, 'export', 'registry'), tarPath: archive, origin: 'backup' });
    const exported = await waitUntil(
      'export finished',
      async () => (await call<RegistryJob[]>(old, 'registry.jobs', {})).find((j) => j.id === exp.id && j.state !== 'running'),
      120_000,
      250,
    );
    expect(exported.state, JSON.stringify(exported.error)).toBe('succeeded');
    old.cluster.disconnect();
    await old.dispose();

    // ---- rebuilt cluster: the registry has what its install pushed, not the application's images.
    const reg2 = regClient(lab2);
    try {
      for (const [repo, tag] of APP_IMAGES) {
        const head = await reg2.headManifest(repo, tag);
        if (head) await reg2.deleteManifest(repo, head.digest);
      }
    } finally {
      reg2.close();
    }
    await scaleVelero(lab1, 0); // the old cluster is gone; its bucket stays
    await ensureVeleroOn(lab2);
    await kube2.mergePatch('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default', { spec: { backupSyncPeriod: '5s' } });
    await kube2.delete(`/api/v1/namespaces/${lab2.app.namespace}`);
    await waitUntil('rebuilt cluster has no application', async () => !(await kube2.getOrUndefined(`/api/v1/namespaces/${lab2.app.namespace}`)), 120_000);

    const app = await openLifeboat(lab2, dataDir);
    await call(app, 'restore.reset', {});
    await call(app, 'restore.setSituation', { situation: 'new-cluster', readOnlyDuringRestore: true });
    await waitUntil(
      'backups synced on the rebuilt cluster',
      async () => {
        const s = await call<{ ready: boolean; backupCount: number }>(app, 'restore.storage', {});
        return s.ready && s.backupCount >= 1 ? s : undefined;
      },
      150_000,
      2000,
    );
    await call(app, 'restore.selectBackup', { backup });
    let w = await call<RestoreWizard>(app, 'restore.selectType', { type: 'app' });
    expect(w.step).toBe('registry');
    expect(w.registry).toMatchObject({ state: 'pending', reason: expect.stringMatching(/rebuilt kURL cluster/) });
    // Not before the registry step: neither confirming nor starting.
    expect((await callError(app, 'restore.start', { confirm: 'sample-app' })).code).toBe('WIZARD_OUT_OF_ORDER');
    expect((await callError(app, 'restore.registryContinue', {})).code).toBe('WIZARD_OUT_OF_ORDER');

    // The export made earlier is offered; the plan says what the registry lacks.
    const archives = await call<Array<{ path: string }>>(app, 'restore.registryArchives', {});
    expect(archives.map((a) => a.path)).toContain(archive);
    const plan = await call<{ registry: string; missing: number; tags: Array<{ repo: string; tag: string; present: boolean }> }>(app, 'restore.registryPlan', {
      source: archive,
    });
    expect(plan.registry).toBe(lab2.registry.host);
    for (const [repo, tag] of APP_IMAGES) expect(plan.tags.find((t) => t.repo === repo && t.tag === tag)).toMatchObject({ present: false });
    expect(plan.missing).toBeGreaterThanOrEqual(APP_IMAGES.length);

    // Re-seed: persisted as running before the job runs, then verified tag by tag.
    w = await call<RestoreWizard>(app, 'restore.registryReseed', { source: archive });
    expect(w.registry).toMatchObject({ state: 'running', source: archive, registry: lab2.registry.host });
    expect(JSON.parse(readFileSync(join(dataDir, 'restore', 'wizard.json'), 'utf8')).registry).toMatchObject({ state: 'running', source: archive });
    w = await waitUntil(
      're-seed finished',
      async () => {
        const cur = await call<RestoreWizard>(app, 'restore.state', {});
        return cur.registry?.state !== 'running' ? cur : undefined;
      },
      180_000,
      250,
    );
    expect(w.registry, JSON.stringify(w.registry)).toMatchObject({ state: 'succeeded', mismatches: [] });
    expect(w.registry!.tagsOk).toBe(w.registry!.tagsTotal);
    expect(w.registry!.blobsUploaded).toBeGreaterThan(0);
    const job = (await call<RegistryJob[]>(app, 'registry.jobs', {})).find((j) => j.id === w.registry!.jobId)!;
    expect(job).toMatchObject({ kind: 'reseed', origin: 'restore', state: 'succeeded' });

    // Only now the application.
    w = await call<RestoreWizard>(app, 'restore.registryContinue', {});
    expect(w.step).toBe('confirm');
    await call(app, 'restore.start', { confirm: 'sample-app' });
    const done = await waitUntil(
      'restore finished',
      async () => {
        const cur = await call<RestoreWizard>(app, 'restore.state', {});
        return cur.run && !['running', 'verifying'].includes(cur.run.state) ? cur : undefined;
      },
      240_000,
      500,
    );
    expect(done.run?.state, JSON.stringify(done.run, null, 1)).toBe('succeeded');
    expect(done.run!.verification!.workloads.every((x) => x.ready >= x.desired)).toBe(true);

    // Every app image resolves in lab2's registry to lab1's digest, and the pods run from it.
    const check = regClient(lab2);
    try {
      for (const [ref, digest] of expected) {
        const [repo, tag] = ref.split(':') as [string, string];
        expect((await check.headManifest(repo, tag))?.digest, ref).toBe(digest);
      }
    } finally {
      check.close();
    }
    const pods = (await kube2.get(`/api/v1/namespaces/${lab2.app.namespace}/pods`)).items as any[];
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) {
      expect(p.status?.phase, p.metadata.name).toBe('Running');
      for (const c of p.spec.containers) expect(c.image.startsWith(`${lab2.registry.host}/`)).toBe(true);
    }
    app.cluster.disconnect();
  }, 900_000);
});
