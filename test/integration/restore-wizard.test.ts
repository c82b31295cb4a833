/**
 * The restore wizard against its own lab (it deletes the application, so never the shared one) with
 * the real Velero: eligibility refusals, an application-only restore after the app's namespace is
 * deleted (with Lifeboat closed and reopened mid-restore), admin-console-only and full restores
 * touching only their side, and a rebuilt cluster (a second lab on the same bucket).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../electron/api/contract.js';
import { createApp, type App } from '../../electron/app.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn, instanceBackupOn, scaleVelero } from './restore-lab.js';

const LAB1 = join(repoRoot, '.lab-restore');
const LAB2 = join(repoRoot, '.lab-restore-2');
const keep = !!process.env.LIFEBOAT_LAB_KEEP;

let lab1: LabState;
let kube: Kube;
let backup = '';
const apps: App[] = [];

/** Lifeboat as the desktop app builds it, pointed at a lab, with short timeouts for the lab. */
async function openLifeboat(state: LabState, dataDir: string): Promise<App> {
  const app = createApp({
    dataDir,
    mode: 'web',
    version: 'test',
    toolsDir: state.toolsDir,
    kubeconfig: state.kubeconfig,
    env: {
      ...process.env,
      KUBECONFIG: state.kubeconfig,
      LIFEBOAT_RESTORE_POLL_MS: '500',
      LIFEBOAT_RESTORE_APPEAR_MS: '90000',
      LIFEBOAT_RESTORE_READY_MS: '90000',
    },
  });
  await app.start();
  await waitUntil('environment detected with Velero', async () => app.detector.get()?.velero.ready, 60_000);
  apps.push(app);
  return app;
}

async function close(app: App): Promise<void> {
  app.cluster.disconnect(); // the restore follower detaches, as when the window closes
  await app.dispose();
}

function call<M extends keyof App['handlers']>(app: App, m: M, input: Parameters<App['handlers'][M]>[0]): Promise<Awaited<ReturnType<App['handlers'][M]>>> {
  return Promise.resolve((app.handlers[m] as any)(input));
}

async function finished(app: App, timeoutMs = 180_000): Promise<RestoreWizard> {
  return waitUntil(
    'the restore to finish',
    async () => {
      const w = await call(app, 'restore.state', {});
      return w.run && !['running', 'verifying'].includes(w.run.state) ? w : undefined;
    },
    timeoutMs,
    500,
  );
}

async function wizardTo(app: App, type: 'full' | 'app' | 'admin-console', situation: 'same-cluster' | 'new-cluster' = 'same-cluster'): Promise<void> {
  await call(app, 'restore.reset', {});
  await call(app, 'restore.setSituation', { situation });
  await call(app, 'restore.selectBackup', { backup });
  await call(app, 'restore.selectType', { type });
}

function kotsRestoreRuns(app: App): string[] {
  return app.journal
    .list(1000)
    .filter((e) => e.tool === 'kubectl-kots' && e.args[0] === 'restore')
    .map((e) => e.id);
}

beforeAll(async () => {
  lab1 = await startLab({ dir: LAB1, portBase: 29000, flavour: 'existing-airgap' });
  kube = new Kube(lab1.kubeconfig);
  await ensureVeleroOn(lab1);
  backup = await instanceBackupOn(lab1);
}, 600_000);

afterAll(async () => {
  for (const a of apps) await a.dispose().catch(() => {});
  await stopLab(LAB2).catch(() => {});
  if (!keep) await stopLab(LAB1).catch(() => {});
}, 300_000);

describe('restore wizard: eligibility', () => {
  const bad = {
    'rb-failed': { annotations: full(), phase: 'Failed' },
    'rb-no-annotations': { annotations: { 'kots.io/instance': 'true' }, phase: 'Completed' },
    'rb-online': { annotations: { ...full(), 'kots.io/is-airgap': 'false' }, phase: 'Completed' },
    'rb-ec': { annotations: { ...full(), 'kots.io/embedded-cluster': 'true' }, phase: 'Completed' },
    'rb-partial': { annotations: { 'kots.io/app-id': 'x', 'kots.io/snapshot-trigger': 'manual' }, phase: 'Completed' },
  };
  function full() {
    return {
      'kots.io/instance': 'true',
      'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
      'kots.io/kotsadm-deploy-namespace': 'kotsadm',
      // As the lab's kotsadm writes it: an air-gapped install runs with outbound connections disabled.
      'kots.io/is-airgap': 'true',
      'kots.io/apps-versions': '{"sample-app":"1.0.0"}',
    };
  }

  beforeAll(async () => {
    for (const [name, b] of Object.entries(bad)) {
      // Status is part of the main resource (no status subresource) and Velero ignores non-New backups.
      await kube.post('/apis/velero.io/v1/namespaces/velero/backups', {
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: { name, namespace: 'velero', annotations: b.annotations },
        spec: { storageLocation: 'default', includedNamespaces: ['kotsadm', 'sample-app'] },
        status: { phase: b.phase, startTimestamp: '2020-01-01T00:00:00Z' },
      });
    }
  });
  afterAll(async () => {
    for (const name of Object.keys(bad)) await kube.delete(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
  });

  it('lists every backup with its reasons and refuses the ineligible ones', async () => {
    const app = await openLifeboat(lab1, mkdtempSync(join(tmpdir(), 'lifeboat-restore-')));
    await call(app, 'restore.setSituation', { situation: 'same-cluster' });
    const list = await call(app, 'restore.backups', {});
    const by = Object.fromEntries(list.map((b) => [b.name, b]));
    expect(by[backup].restorable, JSON.stringify(by[backup].checks)).toBe(true);
    expect(by[backup].apps).toEqual([{ slug: 'sample-app', version: expect.any(String) }]);
    const titles = (n: string) => by[n].checks.filter((c) => c.severity === 'error').map((c) => c.title);
    expect(by['rb-failed'].restorable).toBe(false);
    expect(titles('rb-failed')).toContain('Backup did not complete');
    expect(titles('rb-no-annotations')).toContain('Backup annotations missing');
    // Taken with outbound connections enabled, restored where kotsadm runs with them disabled:
    // kubectl kots restore makes no check on it (kots pkg/snapshot/restore.go at v1.131.4), so
    // neither does Lifeboat; a word, not a refusal.
    expect(by['rb-online'].restorable, JSON.stringify(by['rb-online'].checks)).toBe(true);
    expect(by['rb-online'].checks.map((c) => [c.title, c.severity])).toContainEqual(['Outbound connections differ', 'warning']);
    expect(titles('rb-ec')).toContain('Embedded Cluster backup');
    expect(titles('rb-partial')).toContain('Not a full backup');
    for (const n of Object.keys(bad)) for (const c of by[n].checks) expect(c.fix, `${n}: ${c.title}`).toBeTruthy();

    await expect(call(app, 'restore.selectBackup', { backup: 'rb-no-annotations' })).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE' });
    await expect(call(app, 'restore.selectBackup', { backup: 'nope' })).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE' });
    const w = await call(app, 'restore.state', {});
    expect(w.step).toBe('backup');
    expect(w.backup).toBeUndefined();
    await close(app);
  });

  it('refuses to start while Velero has another restore in progress', async () => {
    const app = await openLifeboat(lab1, mkdtempSync(join(tmpdir(), 'lifeboat-restore-')));
    await wizardTo(app, 'app');
    await kube.post('/apis/velero.io/v1/namespaces/velero/restores', {
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: { name: 'someone-elses-restore', namespace: 'velero' },
      spec: { backupName: backup },
      status: { phase: 'InProgress' },
    });
    try {
      await expect(call(app, 'restore.start', { confirm: 'sample-app' })).rejects.toMatchObject({
        code: 'RESTORE_IN_PROGRESS',
        message: expect.stringContaining('someone-elses-restore'),
      });
      expect(kotsRestoreRuns(app)).toEqual([]);
      expect((await call(app, 'restore.state', {})).run).toBeUndefined();
    } finally {
      await kube.delete('/apis/velero.io/v1/namespaces/velero/restores/someone-elses-restore');
    }
    await close(app);
  });
});

describe('restore wizard: application only, after the application was destroyed', () => {
  it('brings every object back with identical data, re-attaching after Lifeboat is closed mid-restore', async () => {
    const ns = lab1.app.namespace;
    const before = {
      config: (await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data,
      secret: (await kube.get(`/api/v1/namespaces/${ns}/secrets/sample-db-credentials`)).data,
      web: (await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-web`)).spec,
      db: (await kube.get(`/apis/apps/v1/namespaces/${ns}/statefulsets/sample-db`)).spec.template,
    };
    const kotsadm = await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`);

    const dataDir = mkdtempSync(join(tmpdir(), 'lifeboat-restore-'));
    const first = await openLifeboat(lab1, dataDir);
    await wizardTo(first, 'app');

    // The preview reads the backup's resource list.
    const impact = await call(first, 'restore.preview', {});
    expect(impact.resourceListRead).toBe(true);
    expect(impact.toRestore).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ConfigMap', namespace: ns, name: 'sample-config' })]));
    expect(impact.toRestore.some((r) => r.namespace === lab1.kotsNamespace)).toBe(false);
    expect(impact.consequences.join(' ')).toMatch(/cannot be undone/);

    // Destroy the application.
    await kube.delete(`/api/v1/namespaces/${ns}`);
    await waitUntil('app namespace gone', async () => !(await kube.getOrUndefined(`/api/v1/namespaces/${ns}`)), 120_000);

    await expect(call(first, 'restore.start', { confirm: 'sample' })).rejects.toMatchObject({ code: 'CONFIRMATION_MISMATCH' });
    const started = await call(first, 'restore.start', { confirm: 'sample-app' });
    expect(started.run?.state).toBe('running');
    expect(started.run?.steps.map((s) => s.component)).toEqual(['app']);
    await expect(call(first, 'restore.start', { confirm: 'sample-app' })).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS' });

    // Close Lifeboat once the step is under way, then open it again on the same data directory.
    await waitUntil(
      'the step under way',
      async () => {
        const w = await call(first, 'restore.state', {});
        return w.run?.steps[0].state === 'running' && w.run.restores.length > 0;
      },
      90_000,
      250,
    );
    await close(first);
    const second = await openLifeboat(lab1, dataDir);
    const w = await finished(second);
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect(kotsRestoreRuns(second)).toHaveLength(1); // one kubectl kots restore, ever

    const r = w.run!.restores.find((x) => x.name === `${backup}.sample-app`)!;
    expect(r.phase).toBe('Completed');
    expect(r.itemsRestored).toBeGreaterThan(0);
    expect(w.run!.verification!.checks.find((c) => c.title === 'Application ready')?.ok).toBe(true);
    expect(w.run!.verification!.workloads.map((x) => x.name).sort()).toEqual(['sample-db', 'sample-web']);

    // Identical data and spec.
    expect((await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data).toEqual(before.config);
    expect((await kube.get(`/api/v1/namespaces/${ns}/secrets/sample-db-credentials`)).data).toEqual(before.secret);
    const web = (await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-web`)).spec;
    expect(web.replicas).toBe(before.web.replicas);
    expect(web.template.spec.containers).toEqual(before.web.template.spec.containers);
    expect(web.selector).toEqual(before.web.selector);
    expect((await kube.get(`/apis/apps/v1/namespaces/${ns}/statefulsets/sample-db`)).spec.template.spec.containers).toEqual(before.db.spec.containers);
    // The admin console was not touched.
    const kotsadmAfter = await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`);
    expect(kotsadmAfter.metadata.uid).toBe(kotsadm.metadata.uid);

    // The report.
    const report = await call(second, 'restore.report', {});
    expect(report.markdown).toContain(`# Restore report: ${backup}`);
    expect(report.markdown).toContain('Application only');
    expect(JSON.parse(report.json)).toMatchObject({ backup, type: 'app', outcome: 'succeeded' });
    expect(report.savedTo).toHaveLength(2);
    await close(second);
  });
});

describe('restore wizard: admin console only and full', () => {
  it('admin console only replaces the admin console and leaves the application untouched', async () => {
    const app = await openLifeboat(lab1, mkdtempSync(join(tmpdir(), 'lifeboat-restore-')));
    const ns = lab1.app.namespace;
    const cm = await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`);
    const web = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-web`);
    const kotsadm = await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`);
    await wizardTo(app, 'admin-console');
    const impact = await call(app, 'restore.preview', {});
    expect(impact.toDelete.some((d) => d.kind === 'StatefulSet' && d.name === 'kotsadm')).toBe(true);
    expect(impact.toDelete.some((d) => d.namespace === ns)).toBe(false);
    await call(app, 'restore.start', { confirm: 'sample-app' });
    const w = await finished(app);
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect(w.run!.restores.map((r) => r.name)).toEqual([`${backup}.kotsadm`]);
    const kotsadmAfter = await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`);
    expect(kotsadmAfter.metadata.uid).not.toBe(kotsadm.metadata.uid);
    const cmAfter = await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`);
    expect([cmAfter.metadata.uid, cmAfter.metadata.resourceVersion]).toEqual([cm.metadata.uid, cm.metadata.resourceVersion]);
    expect((await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-web`)).metadata.uid).toBe(web.metadata.uid);
    await close(app);
  });

  it('full restores the admin console, then the application, as two followed steps', async () => {
    const app = await openLifeboat(lab1, mkdtempSync(join(tmpdir(), 'lifeboat-restore-')));
    const ns = lab1.app.namespace;
    const cm = await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`);
    const kotsadm = await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`);
    await wizardTo(app, 'full');
    await call(app, 'restore.start', { confirm: 'sample-app' });
    const w = await finished(app, 240_000);
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect(w.run!.steps.map((s) => [s.component, s.state])).toEqual([
      ['admin-console', 'succeeded'],
      ['app', 'succeeded'],
    ]);
    expect(w.run!.restores.map((r) => r.name).sort()).toEqual([`${backup}.kotsadm`, `${backup}.sample-app`].sort());
    expect((await kube.get(`/apis/apps/v1/namespaces/${lab1.kotsNamespace}/statefulsets/kotsadm`)).metadata.uid).not.toBe(kotsadm.metadata.uid);
    const cmAfter = await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`);
    expect(cmAfter.metadata.uid).not.toBe(cm.metadata.uid);
    expect(cmAfter.data).toEqual(cm.data);
    await close(app);
  });
});

describe('restore wizard: rebuilt cluster', () => {
  it('a fresh cluster on the same bucket sees the backups after sync and restores the application', async () => {
    // Mark the application so the copy on the new cluster can only have come from the backup.
    const marker = `lifeboat-${Date.now()}`;
    await kube.mergePatch(`/api/v1/namespaces/${lab1.app.namespace}/configmaps/sample-config`, { data: { marker } });
    const fromOld = await instanceBackupOn(lab1);

    const lab2 = await startLab({
      dir: LAB2,
      portBase: 30000,
      flavour: 'existing-airgap',
      // The store and the private registry live outside the cluster and outlive it.
      sharedMinioFrom: LAB1,
      sharedRegistryFrom: LAB1,
    });
    const kube2 = new Kube(lab2.kubeconfig);
    await scaleVelero(lab1, 0); // the old cluster is gone; its storage stays
    await ensureVeleroOn(lab2);
    // Velero reads the store every minute by default; a shorter period keeps the test lean.
    await kube2.mergePatch('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default', { spec: { backupSyncPeriod: '5s' } });
    const app = await openLifeboat(lab2, mkdtempSync(join(tmpdir(), 'lifeboat-restore-')));
    await call(app, 'restore.reset', {});
    await call(app, 'restore.setSituation', { situation: 'new-cluster', readOnlyDuringRestore: true });
    const storage = await waitUntil(
      'backups synced on the new cluster',
      async () => {
        const s = await call(app, 'restore.storage', {});
        return s.ready && s.backupCount >= 2 ? s : undefined;
      },
      150_000,
      2000,
    );
    expect(storage.location?.phase).toBe('Available');
    expect(storage.location?.accessMode).toBe('ReadWrite');
    const list = await call(app, 'restore.backups', {});
    expect(list.find((b) => b.name === fromOld)?.restorable).toBe(true);

    await kube2.delete(`/api/v1/namespaces/${lab2.app.namespace}`);
    await waitUntil('new cluster app namespace gone', async () => !(await kube2.getOrUndefined(`/api/v1/namespaces/${lab2.app.namespace}`)), 120_000);
    await call(app, 'restore.selectBackup', { backup: fromOld });
    const atRegistry = await call(app, 'restore.selectType', { type: 'app' });
    // An air-gapped install's backup on a new cluster: the wizard asks for the registry before the
    // application (registry-step.ts). This cluster uses the old one's private registry, which still
    // holds the application's images, so the operator skips the step, accepting the stated consequence.
    expect(atRegistry.step).toBe('registry');
    expect(atRegistry.registry?.reason).toMatch(/comes from an air-gapped install/);
    const skipped = await call(app, 'restore.registrySkip', { acceptConsequence: true });
    expect(skipped.registry?.state).toBe('skipped');
    await call(app, 'restore.start', { confirm: 'sample-app' });
    await waitUntil(
      'storage read-only during the restore',
      async () => (await kube2.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default')).spec.accessMode === 'ReadOnly',
      30_000,
      250,
    );
    const w = await finished(app);
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect((await kube2.get(`/api/v1/namespaces/${lab2.app.namespace}/configmaps/sample-config`)).data.marker).toBe(marker);
    expect((await kube2.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default')).spec.accessMode).toBe('ReadWrite');
    expect(w.run!.readOnlyLocation).toEqual({ name: 'default', previous: 'ReadWrite', restored: true });
    await close(app);
  }, 480_000);
});
