/**
 * Backups against the shared lab (Velero installed by ensureVelero(); only backups and our own
 * settings are touched, and the schedule is put back as it was):
 * - one click → a full backup the real Velero completes, followed through the Velero object with
 *   progress events, re-attached by a NEW app instance on the same data dir (Lifeboat restarted);
 * - its log through a DownloadRequest; a log whose presigned URL answers 404 → a clear message;
 * - the kots CLI exiting 0 with an error in its JSON → failure surfaced;
 * - delete: refused while InProgress, done (and gone from the list) once Completed;
 * - schedule: malformed cron refused; a schedule set here is what the admin console API reports.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, FollowedBackup, MethodInput, MethodName, MethodOutput } from '../../electron/api/contract.js';
import { createApp, type App } from '../../electron/app.js';
import { BackupsService } from '../../electron/workflows/backups/service.js';
import { adminKube, ensureVelero, lab, waitUntil } from './lab.js';
import { adminApi } from '../lab/kotsinstall/admin-api.js';
import { servicesOf } from './app-calls.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lb-backups-'));
const apps: App[] = [];

async function startApp(opts: { toolsDir?: string; dir?: string } = {}): Promise<App> {
  const l = lab();
  const app = createApp({
    dataDir: opts.dir ?? dataDir,
    mode: 'web',
    version: 'test',
    toolsDir: opts.toolsDir ?? l.toolsDir,
    kubeconfig: l.kubeconfig,
    env: { ...process.env, HOME: join(l.dir, 'home') },
  });
  apps.push(app);
  await app.start();
  await waitUntil('environment with Velero', async () => app.detector.get()?.velero.ready && app.detector.get()?.kots.found, 60_000);
  return app;
}

async function stopApp(app: App): Promise<void> {
  app.cluster.disconnect(); // stops the backups watch
  await app.dispose();
}

function call<M extends MethodName>(app: App, m: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return (app.handlers[m] as (i: unknown) => Promise<MethodOutput<M>>)(input);
}

function collect(app: App, event: EventName): unknown[] {
  const seen: unknown[] = [];
  app.bus.on((e, p) => {
    if (e === event) seen.push(p);
  });
  return seen;
}

beforeAll(async () => {
  await ensureVelero();
}, 600_000);

afterAll(async () => {
  for (const a of apps) await stopApp(a).catch(() => {});
});

describe('backups', () => {
  let backupName = '';
  let app2: App;

  it('one click: a full backup Velero completes, followed through the Velero object, re-attached after a restart', async () => {
    const app1 = await startApp();
    const readiness = await call(app1, 'backups.readiness', {});
    expect(readiness.ok, JSON.stringify(readiness.checks)).toBe(true);
    const progress1 = collect(app1, 'backups.followed') as FollowedBackup[];
    const started = await call(app1, 'backups.create', { kind: 'full' });
    expect(started.state).toBe('running');
    backupName = started.backupName!;
    expect(backupName).toMatch(/^instance-/);
    // Found through the Velero object's annotations, whatever name the CLI printed.
    expect(started.kotsName).toBeTruthy();
    const b = await adminKube().get(`/apis/velero.io/v1/namespaces/velero/backups/${backupName}`);
    expect(b.metadata.annotations['kots.io/instance']).toBe('true');

    // Lifeboat "restarts": a new app instance on the same data dir picks the backup up again.
    await stopApp(app1);
    // Progress came as events carrying the Velero object's phase, not by asking.
    expect(progress1.some((f) => f.summary?.phase)).toBe(true);
    const persisted = JSON.parse(readFileSync(join(dataDir, 'backups', 'followed.json'), 'utf8')) as FollowedBackup;
    expect(persisted.backupName).toBe(backupName);
    app2 = await startApp();
    const again = await call(app2, 'backups.followed', {});
    expect(again?.backupName).toBe(backupName);
    const done = await waitUntil(
      'the followed backup to finish',
      async () => {
        const f = await call(app2, 'backups.followed', {});
        return f && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
      },
      180_000,
    );
    expect(done.state, done.message).toBe('succeeded');
    expect(done.summary?.phase).toBe('Completed');
    expect(done.timeline.map((t) => t.phase)).toContain('Completed');
    const verified = await adminKube().get(`/apis/velero.io/v1/namespaces/velero/backups/${backupName}`);
    expect(verified.status.phase).toBe('Completed');
    const listed = (await call(app2, 'backups.list', {})).find((x) => x.name === backupName);
    expect(listed).toMatchObject({ type: 'full', trigger: 'manual', phase: 'Completed' });
    expect(listed!.apps).toEqual([{ slug: 'sample-app', version: expect.any(String) }]);
  });

  it('reads the backup log through a DownloadRequest, and the detail', async () => {
    const page = await call(app2, 'backups.log', { name: backupName, offset: 0, limit: 100_000 });
    expect(page.total).toBeGreaterThan(5);
    expect(page.lines.join('\n')).toMatch(/level=info/);
    const detail = await call(app2, 'backups.detail', { name: backupName });
    expect(Object.keys(detail.resources).length).toBeGreaterThan(0);
    expect(detail.spec.includedNamespaces).toEqual(expect.arrayContaining(['kotsadm', 'sample-app']));
  });

  it('a log whose presigned URL answers 404 says so and names the fix', async () => {
    const l = lab();
    const s3 = new S3Client({
      endpoint: l.minio.endpoint,
      region: l.minio.region,
      forcePathStyle: true,
      credentials: { accessKeyId: l.minio.accessKey, secretAccessKey: l.minio.secretKey },
    });
    await s3.send(new DeleteObjectCommand({ Bucket: l.minio.bucket, Key: `backups/${backupName}/${backupName}-logs.gz` }));
    const fresh = await startApp({ dir: mkdtempSync(join(tmpdir(), 'lb-backups-404-')) }); // no cached log
    const err = await call(fresh, 'backups.log', { name: backupName, offset: 0, limit: 10 }).catch((e) => e);
    expect(err.code).toBe('BACKUP_NOT_FOUND');
    expect(err.message).toMatch(/HTTP 404/);
    expect(err.hint).toMatch(/publicUrl/);
    await stopApp(fresh);
  });

  it('surfaces an error inside the kots JSON although the tool exits 0', async () => {
    const l = lab();
    const kube = adminKube();
    // The admin console is down: the real kots CLI cannot port-forward to a kotsadm pod, prints its
    // error inside the JSON and exits 0 (kots cmd/kots/cli/backup.go).
    // kots deploys kotsadm as a StatefulSet when it runs without its MinIO (pkg/kotsadm/objects/kotsadm_objects.go).
    const scale = (replicas: number) => kube.mergePatch(`/apis/apps/v1/namespaces/${l.kotsNamespace}/statefulsets/kotsadm/scale`, { spec: { replicas } });
    await scale(0);
    try {
      await waitUntil(
        'no kotsadm pod',
        async () => (await kube.get(`/api/v1/namespaces/${l.kotsNamespace}/pods?labelSelector=app%3Dkotsadm`)).items.length === 0,
        60_000,
      );
      const app = await startApp({ dir: mkdtempSync(join(tmpdir(), 'lb-backups-json-')) });
      const before = (await call(app, 'backups.list', {})).length;
      const err = await call(app, 'backups.create', { kind: 'full' }).catch((e) => e);
      expect(err.code).toBe('BACKUP_FAILED');
      expect(err.message).toMatch(/KOTS did not start the backup/);
      const entry = app.journal.list(20).find((e) => e.tool === 'kubectl-kots');
      expect(entry?.exitCode).toBe(0); // the tool said "fine"; Lifeboat did not believe it
      expect((await call(app, 'backups.followed', {}))?.state).toBe('failed');
      expect((await call(app, 'backups.list', {})).length).toBe(before);
      await stopApp(app);
    } finally {
      await scale(1);
      await waitUntil(
        'kotsadm back',
        async () => (await kube.get(`/apis/apps/v1/namespaces/${l.kotsNamespace}/statefulsets/kotsadm`)).status?.availableReplicas === 1,
        60_000,
      );
    }
  });

  it("a workstation clock five minutes ahead of the cluster's: the backup KOTS names is followed, nothing is cancelled", async () => {
    const app = await startApp({ dir: mkdtempSync(join(tmpdir(), 'lb-backups-clock-')) });
    const services = servicesOf(app, mkdtempSync(join(tmpdir(), 'lb-backups-clock-svc-')), process.env);
    const ahead = new BackupsService(services, { now: () => Date.now() + 5 * 60_000, appearMs: 20_000 });
    await ahead.attach(app.cluster.kubeConfig());
    // Readiness only warns about a backup in progress (KOTS starts another anyway): wait until there is none.
    await waitUntil(
      'no backup running',
      async () => {
        const r = await call(app, 'backups.readiness', {});
        return r.ok && !r.checks.some((c) => c.title === 'Another backup is in progress');
      },
      120_000,
    );
    const f = await ahead.create({ kind: 'full' });
    expect(f.state).toBe('running');
    // Followed by the name kubectl kots printed, which is the Velero Backup's own.
    expect(f.backupName).toBe(f.kotsName);
    const b = await adminKube().get(`/apis/velero.io/v1/namespaces/velero/backups/${f.backupName}`);
    expect(Date.parse(b.metadata.annotations['kots.io/snapshot-requested'])).toBeLessThan(Date.parse(f.requestedAt) - 60_000);
    await waitUntil(
      'the skewed backup to finish',
      async () =>
        ['Completed', 'PartiallyFailed', 'Failed'].includes(
          (await adminKube().get(`/apis/velero.io/v1/namespaces/velero/backups/${f.backupName}`)).status?.phase,
        ),
      240_000,
    );
    await ahead.stop();
    await stopApp(app);
  });

  it('refuses to delete a backup still in progress; deletes a completed one until it is gone', async () => {
    const kube = adminKube();
    const running = `lb-running-${Date.now()}`;
    // A Backup Velero already holds as InProgress (status set at creation: Backup has no status subresource).
    await kube.post('/apis/velero.io/v1/namespaces/velero/backups', {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: running },
      spec: { includedNamespaces: ['lb-none'], storageLocation: 'default' },
      status: { phase: 'InProgress' },
    });
    try {
      await waitUntil('the watch to see it', async () => (await call(app2, 'backups.list', {})).some((b) => b.name === running), 20_000);
      const err = await call(app2, 'backups.delete', { name: running, confirm: running }).catch((e) => e);
      expect(err.code).toBe('BACKUP_IN_PROGRESS');
      expect(err.message).toMatch(/still InProgress/);
    } finally {
      await kube.delete(`/apis/velero.io/v1/namespaces/velero/backups/${running}`).catch(() => {});
    }
    const mismatch = await call(app2, 'backups.delete', { name: backupName, confirm: 'nope' }).catch((e) => e);
    expect(mismatch.code).toBe('CONFIRMATION_MISMATCH');
    const r = await call(app2, 'backups.delete', { name: backupName, confirm: backupName });
    expect(r.requested).toBe(true);
    await waitUntil('the backup to be gone', async () => !(await call(app2, 'backups.list', {})).some((b) => b.name === backupName), 120_000);
  });

  it('schedule: malformed cron refused; what Lifeboat sets is what the admin console reports', async () => {
    const before = await call(app2, 'backups.schedule', {});
    const bad = await call(app2, 'backups.setSchedule', { autoEnabled: true, schedule: '0 0 * *' }).catch((e) => e);
    expect(bad.code).toBe('INVALID_SCHEDULE');
    expect(bad.message).toMatch(/5 fields/);
    try {
      const set = await call(app2, 'backups.setSchedule', { autoEnabled: true, schedule: '17 3 * * *' });
      expect(set.cron.words).toBe('every day at 03:17 UTC');
      const cfg = await adminApi(lab(), '/api/v1/snapshot/config');
      expect(cfg).toMatchObject({ autoEnabled: true, autoSchedule: { schedule: '17 3 * * *' } });
      const ret = await call(app2, 'backups.setRetention', { value: 2, unit: 'weeks' });
      expect(ret.retention.converted).toBe('336h');
    } finally {
      await call(app2, 'backups.setSchedule', { autoEnabled: before.autoEnabled, schedule: before.schedule }).catch(() => {});
      const v = Number(before.retention.value);
      const unit = (before.retention.unit.endsWith('s') ? before.retention.unit : `${before.retention.unit}s`) as 'months';
      await call(app2, 'backups.setRetention', { value: v, unit }).catch(() => {});
    }
  });
});
