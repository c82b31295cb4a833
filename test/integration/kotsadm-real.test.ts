/**
 * Lifeboat against the REAL admin console: on this file's own lab (.lab-kotsadm, port base 20000,
 * flavour existing-airgap) KOTS is installed by the real `kubectl kots install` (v1.131.4) from the
 * lab's signed license and the sample application's airgap bundle (test/lab/kotsinstall/); the
 * kubelet runs kotsadm, its rqlite and its migrations init containers, and kotsadm deploys the
 * application. Velero (images from the lab registry) runs with node-agent, which copies the
 * kotsadm pod's `backup` volume (the admin console's database dump by KOTS's own pre-backup hook).
 * Every operation below goes through Lifeboat's services to the real kotsadm:
 * - detection of the real admin console (its version, its air-gap mode);
 * - a full backup in one click (kubectl kots backup → kotsadm → Velero), followed to Completed,
 *   annotated by kotsadm itself;
 * - the schedule and retention set through the admin console API, read back from kotsadm;
 * - a partial (application) backup through the admin console API;
 * - application-only, admin-console-only and full restores of that full backup.
 * Each assumption the stand-in admin console made that kotsadm disproved is an assertion here
 * (see "kotsadm disproves" below and the README's "What the real KOTS taught us").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput, RestoreWizard } from '../../electron/api/contract.js';
import type { App } from '../../electron/app.js';
import { callerFor, closeAppAndLab, startAppOn, followedToEnd } from './app-calls.js';
import { Kube } from '../lab/kube.js';
import { startLab } from '../lab/lab.js';
import { adminApi as kotsAdminApi } from '../lab/kotsinstall/admin-api.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn } from './restore-lab.js';

const dir = join(repoRoot, '.lab-kotsadm');
const portBase = Number(process.env.LIFEBOAT_KOTSADM_LAB_PORT_BASE ?? 20000);
let lab: LabState;
let kube: Kube;
let app: App;
const home = mkdtempSync(join(tmpdir(), 'lb-kotsadm-real-'));

const call = callerFor(() => app);

const adminApi = (path: string) => kotsAdminApi(lab, path);

async function noBackupRunning(): Promise<MethodOutput<'backups.readiness'>> {
  return waitUntil(
    'no other backup running',
    async () => {
      const x = await call('backups.readiness', {});
      return x.ok && !x.checks.some((c) => c.title === 'Another backup is in progress') ? x : undefined;
    },
    180_000,
  );
}

async function restoreFinished(timeoutMs = 300_000): Promise<RestoreWizard> {
  return waitUntil(
    'the restore to finish',
    async () => {
      const w = await call('restore.state', {});
      return w.run && !['running', 'verifying'].includes(w.run.state) ? w : undefined;
    },
    timeoutMs,
    500,
  );
}

beforeAll(async () => {
  lab = await startLab({ dir, portBase, flavour: 'existing-airgap', log: (l) => console.log(`kotsadm lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  await ensureVeleroOn(lab);
  app = await startAppOn(lab, home, {
    LIFEBOAT_REGISTRY_CA: lab.registry.caFile,
    LIFEBOAT_RESTORE_POLL_MS: '500',
    LIFEBOAT_RESTORE_APPEAR_MS: '120000',
    LIFEBOAT_RESTORE_READY_MS: '180000',
  });
  await waitUntil('Velero and the real KOTS detected', async () => app.detector.get()?.velero.ready && app.detector.get()?.kots.found, 120_000);
}, 900_000);

afterAll(async () => {
  await closeAppAndLab(app, dir);
}, 300_000);

describe('the real kotsadm, installed by kubectl kots install', () => {
  let fullBackup = '';

  it('is detected: version, namespace, air-gap mode as kotsadm runs it', async () => {
    const env = app.detector.get()!;
    expect(env.kots.found).toBe(true);
    expect(env.kots.version).toMatch(/1\.131\.4/);
    expect(env.airgap.airgapped).toBe(true);
    // kots deploys kotsadm as a StatefulSet when it runs without its MinIO (kotsadm_objects.go).
    const sts = await kube.get(`/apis/apps/v1/namespaces/${lab.kotsNamespace}/statefulsets/kotsadm`);
    expect(sts.spec.template.spec.containers[0].env.some((e: any) => e.name === 'DISABLE_OUTBOUND_CONNECTIONS' && e.value === 'true')).toBe(true);
  });

  it('a full backup in one click goes through kotsadm and is followed to Completed', async () => {
    await noBackupRunning();
    const started = await call('backups.create', { kind: 'full' });
    expect(started.state).toBe('running');
    fullBackup = started.backupName!;
    const done = await followedToEnd(call);
    expect(done.state, done.message).toBe('succeeded');
    const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${fullBackup}`);
    expect(b.status.phase).toBe('Completed');
    // What kotsadm writes (kots pkg/kotsadmsnapshot/backup.go at v1.131.4), read by Lifeboat's list.
    const a = b.metadata.annotations;
    expect(a['kots.io/instance']).toBe('true');
    expect(a['kots.io/snapshot-trigger']).toBe('manual');
    expect(a['kots.io/is-airgap']).toBe('true');
    expect(JSON.parse(a['kots.io/apps-versions'])).toEqual({ 'sample-app': '1.0.0' });
    // kotsadm disproves: the first deployed version is sequence 0, not 1 (the stand-in's).
    expect(JSON.parse(a['kots.io/apps-sequences'])).toEqual({ 'sample-app': 0 });
    // The vendor's hooks from the release reached the backup through kotsadm.
    expect(b.spec.hooks.resources.map((r: any) => r.name)).toContain('sample-db-dump');
    // node-agent copied the kotsadm pod's backup volume (KOTS's opt-in), so the backup is whole.
    const pvbs = await kube.get(`/apis/velero.io/v1/namespaces/velero/podvolumebackups?labelSelector=velero.io%2Fbackup-name%3D${fullBackup}`);
    expect(pvbs.items.map((p: any) => [p.spec.pod.name, p.spec.volume, p.status?.phase])).toContainEqual(['kotsadm-0', 'backup', 'Completed']);
    const row = (await call('backups.list', {})).find((x) => x.name === fullBackup);
    expect(row).toMatchObject({ type: 'full', phase: 'Completed' });
    expect(row?.apps).toEqual([{ slug: 'sample-app', version: '1.0.0' }]);
  }, 300_000);

  it('the schedule and retention Lifeboat sets are what kotsadm reports', async () => {
    const set = await call('backups.setSchedule', { autoEnabled: true, schedule: '17 3 * * *' });
    expect(set.cron.words).toBe('every day at 03:17 UTC');
    const ret = await call('backups.setRetention', { value: 2, unit: 'weeks' });
    expect(ret.retention.converted).toBe('336h');
    const cfg = await adminApi('/api/v1/snapshot/config');
    expect(cfg).toMatchObject({
      autoEnabled: true,
      autoSchedule: { schedule: '17 3 * * *' },
      ttl: { inputValue: '2', inputTimeUnit: 'weeks', converted: '336h' },
    });
    const read = await call('backups.schedule', {});
    expect(read).toMatchObject({ autoEnabled: true, schedule: '17 3 * * *' });
    await call('backups.setSchedule', { autoEnabled: false, schedule: '17 3 * * *' });
    expect((await adminApi('/api/v1/snapshot/config')).autoEnabled).toBe(false);
  });

  it('a partial (application) backup goes through the admin console API and completes', async () => {
    const ready = await noBackupRunning();
    expect(ready.apps).toContain('sample-app');
    const started = await call('backups.create', { kind: 'partial', appSlug: 'sample-app' });
    expect(started).toMatchObject({ kind: 'partial', appSlug: 'sample-app', state: 'running' });
    const done = await followedToEnd(call);
    expect(done.state, done.message).toBe('succeeded');
    const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${started.backupName}`);
    expect(b.status.phase).toBe('Completed');
    expect(b.metadata.annotations['kots.io/instance']).toBeUndefined();
    // kotsadm names the application by its id and sequence (kots pkg/kotsadmsnapshot/backup.go
    // CreateApplicationBackup), not by its slug; Lifeboat's row finds the slug from the selector.
    expect(b.metadata.annotations['kots.io/app-id']).toBeTruthy();
    const row = (await call('backups.list', {})).find((x) => x.name === started.backupName);
    expect(row?.apps).toEqual([{ slug: 'sample-app', version: `sequence ${b.metadata.annotations['kots.io/app-sequence']}` }]);
  }, 300_000);

  async function wizardTo(type: 'full' | 'app' | 'admin-console'): Promise<void> {
    await call('restore.reset', {});
    await call('restore.setSituation', { situation: 'same-cluster' });
    const list = await call('restore.backups', {});
    const mine = list.find((x) => x.name === fullBackup);
    expect(mine?.restorable, JSON.stringify(mine?.checks)).toBe(true);
    await call('restore.selectBackup', { backup: fullBackup });
    await call('restore.selectType', { type });
  }

  it('application only: the application, destroyed, comes back through kotsadm', async () => {
    const ns = lab.app.namespace;
    const before = (await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data;
    await wizardTo('app');
    await kube.delete(`/api/v1/namespaces/${ns}`);
    await waitUntil('app namespace gone', async () => !(await kube.getOrUndefined(`/api/v1/namespaces/${ns}`)), 120_000);
    await call('restore.start', { confirm: 'sample-app' });
    const w = await restoreFinished();
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect((await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data).toEqual(before);
  }, 400_000);

  it('admin console only: kotsadm is replaced from the backup and comes back Ready', async () => {
    const old = await kube.get(`/apis/apps/v1/namespaces/${lab.kotsNamespace}/statefulsets/kotsadm`);
    await wizardTo('admin-console');
    await call('restore.start', { confirm: 'sample-app' });
    const w = await restoreFinished();
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    const now = await kube.get(`/apis/apps/v1/namespaces/${lab.kotsNamespace}/statefulsets/kotsadm`);
    expect(now.metadata.uid).not.toBe(old.metadata.uid);
    // The restored admin console still knows the application (its database came back from the backup volume).
    const apps = await waitUntil('kotsadm to answer', async () => adminApi('/api/v1/apps').catch(() => undefined), 120_000);
    expect(JSON.stringify(apps)).toContain('sample-app');
  }, 400_000);

  it('full: admin console and application restored together', async () => {
    await wizardTo('full');
    await call('restore.start', { confirm: 'sample-app' });
    const w = await restoreFinished(480_000);
    expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
    expect(w.run!.restores.map((r) => r.name).sort()).toEqual([`${fullBackup}.kotsadm`, `${fullBackup}.sample-app`].sort());
  }, 600_000);
});
