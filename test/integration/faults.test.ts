/**
 * The fault suite (issue 14), on this file's OWN lab (.lab-faults, port base 21000 or
 * LIFEBOAT_FAULTS_PORT_BASE, flavour existing). Lifeboat runs as web mode in a child process, as an
 * operator runs it (`electron/web.ts --port 0 --no-open --kubeconfig … --data-dir …`), and is spoken
 * to over HTTP (POST /api/<method> with the session cookie). Each scenario breaks one thing for real
 * and checks what really happened — in the cluster, in the store, in Lifeboat's journal — and that
 * nothing was started twice:
 *  1. Lifeboat killed (SIGKILL) while its backup runs → restarted on the same data dir, it follows
 *     the same Velero Backup to Completed; one Velero Backup, one `kubectl kots backup`.
 *  2. Lifeboat killed (SIGKILL) while an application-only restore runs → restarted, it re-attaches
 *     and finishes 'succeeded'; one `kubectl kots restore`, one Velero Restore.
 *  3. MinIO stopped while a backup runs → Velero fails it, Lifeboat says so (never "succeeded"); a log
 *     download meanwhile ends in a clear error; MinIO started again → a new backup completes.
 *  4. Velero's pod deleted while a backup runs → the new Velero server marks it Failed, and Lifeboat
 *     reports that phase, never "lost".
 *
 * "While it runs" is made certain, not guessed: a pod in the application's namespace carries a Velero
 * pre-backup hook that waits for a gate file (its hostPath volume is a directory of this lab). The test
 * closes the gate before a backup, waits until the hook says it is waiting (the Backup is then
 * InProgress, held by Velero's own hook), breaks something, and opens the gate.
 *
 * Lifeboat is killed alone (its node process, SIGKILL), as a crash leaves it: a kubectl-kots it ran
 * lives on as an orphan, like on an operator's machine; its process group is cleaned up afterwards.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowedBackup, RestoreWizard } from '../../electron/api/contract.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab, ports } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn } from './restore-lab.js';
import { LabDaemon } from './lab-daemon.js';
import { call, cleanUp, cleanUpAll, crash, runsOf, startWeb as startWebChild, type Web } from './web-child.js';

const dir = join(repoRoot, '.lab-faults');
const portBase = Number(process.env.LIFEBOAT_FAULTS_PORT_BASE ?? 21000);
const gateDir = join(dir, 'fault-gate');
const FINAL = ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'];

let lab: LabState;
let kube: Kube;
const envBefore = { LIFEBOAT_LAB_DIR: process.env.LIFEBOAT_LAB_DIR, LIFEBOAT_LAB_FAILING_HOOKS: process.env.LIFEBOAT_LAB_FAILING_HOOKS };
/** What each scenario measured, printed at the end (README "Reliability"). */
const figures: string[] = [];
/** The backup scenario 1 completed (restored in scenario 2). */
let completedBackup = '';

// ------------------------------------------------------------------------------------------------
// Lifeboat in web mode, as a child process (web-child.ts)

const startWeb = (dataDir: string, home: string): Promise<Web> =>
  startWebChild({
    lab,
    dataDir,
    home,
    readyWhat: 'Lifeboat connected, Velero and KOTS detected',
    ready: (e) => !!e.velero.ready && e.kots.found,
    env: { LIFEBOAT_RESTORE_POLL_MS: '500', LIFEBOAT_RESTORE_APPEAR_MS: '90000', LIFEBOAT_RESTORE_READY_MS: '90000' },
  });

async function followedToEnd(w: Web, name: string, timeoutMs: number): Promise<FollowedBackup> {
  return waitUntil(
    `the followed backup ${name} to finish`,
    async () => {
      const f = await call(w, 'backups.followed', {});
      return f && f.backupName === name && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
    },
    timeoutMs,
    1000,
  );
}

// ------------------------------------------------------------------------------------------------
// The cluster

const backupPath = (name: string) => `/apis/velero.io/v1/namespaces/velero/backups/${name}`;

async function veleroBackups(): Promise<any[]> {
  return (await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items;
}

async function veleroReady(): Promise<boolean> {
  const d = await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero');
  const bsl = await kube.getOrUndefined('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
  return (d?.status?.availableReplicas ?? 0) >= 1 && bsl?.status?.phase === 'Available';
}

/** Velero idle, its storage Available (the state each scenario starts from). */
async function quiet(): Promise<void> {
  await waitUntil(
    'Velero ready, storage Available, no backup running',
    async () => {
      if (!(await veleroReady())) return false;
      return !(await veleroBackups()).some((b) => !FINAL.includes(b.status?.phase) && !b.metadata.deletionTimestamp);
    },
    180_000,
    1000,
  );
}

const closeGate = () => {
  mkdirSync(gateDir, { recursive: true });
  rmSync(join(gateDir, 'open'), { force: true });
  rmSync(join(gateDir, 'waiting'), { force: true });
};
const openGate = () => {
  mkdirSync(gateDir, { recursive: true });
  writeFileSync(join(gateDir, 'open'), '');
};

/** Waits until Velero runs the gate hook of `name`: the Backup is InProgress and held there. */
async function heldByGate(name: string): Promise<void> {
  await waitUntil(`backup ${name} held by the gate hook`, async () => existsSync(join(gateDir, 'waiting')), 120_000, 200);
  const b = await kube.get(backupPath(name));
  expect(b.status?.phase).toBe('InProgress');
}

/** A pod in the app's namespace, in every instance backup, whose pre hook waits for the gate. */
async function createGatePod(): Promise<void> {
  const ns = lab.app.namespace;
  if (await kube.getOrUndefined(`/api/v1/namespaces/${ns}/pods/fault-gate`)) return;
  const web = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-web`);
  const image = web.spec.template.spec.containers[0].image;
  openGate();
  await kube.post(`/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'fault-gate',
      namespace: ns,
      // In the instance backup (kots.io/backup), not part of the application (no kots.io/app-slug):
      // an application restore neither deletes nor restores it.
      labels: { 'kots.io/backup': 'velero', app: 'fault-gate' },
      annotations: {
        'pre.hook.backup.velero.io/container': 'gate',
        'pre.hook.backup.velero.io/command': JSON.stringify(['/bin/sh', '-c', 'touch /gate/waiting; while [ ! -e /gate/open ]; do sleep 0.2; done']),
        'pre.hook.backup.velero.io/on-error': 'Continue',
        'pre.hook.backup.velero.io/timeout': '10m',
      },
    },
    spec: {
      // The app's image from the lab registry, with the pull Secret KOTS gave the app's pods.
      imagePullSecrets: web.spec.template.spec.imagePullSecrets,
      containers: [{ name: 'gate', image, volumeMounts: [{ name: 'gate', mountPath: '/gate' }] }],
      volumes: [{ name: 'gate', hostPath: { path: gateDir, type: 'DirectoryOrCreate' } }],
    },
  });
  await waitUntil('the gate pod running', async () => (await kube.get(`/api/v1/namespaces/${ns}/pods/fault-gate`)).status?.phase === 'Running', 60_000);
}

// MinIO: stopped and started again as the lab runs it (same binary, arguments, data and keys).
let minio: LabDaemon;
const stopMinio = () => minio.stop();
const startMinio = () =>
  minio.start({
    ...process.env,
    MINIO_ROOT_USER: lab.minio.accessKey,
    MINIO_ROOT_PASSWORD: lab.minio.secretKey,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
    MINIO_CI_CD: '1',
  });

// ------------------------------------------------------------------------------------------------

beforeAll(async () => {
  delete process.env.LIFEBOAT_LAB_FAILING_HOOKS;
  lab = await startLab({ dir, portBase, flavour: 'existing-airgap', log: (l) => console.log(`faults lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  minio = new LabDaemon(
    dir,
    'minio',
    ports(portBase).minio,
    async () => (await fetch(`${lab.minio.endpoint}/minio/health/ready`).catch(() => undefined))?.ok === true,
  );
  await ensureVeleroOn(lab);
  await waitUntil('velero running and BSL default Available', veleroReady, 180_000);
  // Velero checks the storage every minute by default; every 5 s makes "MinIO is back" visible soon.
  await kube.mergePatch('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default', { spec: { validationFrequency: '5s' } });
  await createGatePod();
  process.env.LIFEBOAT_LAB_DIR = lab.dir;
}, 900_000);

afterAll(async () => {
  openGate();
  await cleanUpAll();
  if (minio?.stopped) await startMinio().catch(() => {});
  for (const [k, v] of Object.entries(envBefore)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (figures.length) console.log(`[faults] figures:\n${figures.map((f) => `  ${f}`).join('\n')}`);
  if (!process.env.LIFEBOAT_LAB_KEEP) await stopLab(dir).catch(() => {});
}, 300_000);

describe('fault suite', () => {
  it('1. Lifeboat killed (SIGKILL) mid backup: restarted, it follows the same Velero Backup to Completed; nothing started twice', async () => {
    const t0 = Date.now();
    await quiet();
    const home = mkdtempSync(join(tmpdir(), 'lb-faults-1-'));
    const dataDir = join(home, 'data');
    const before = new Set((await veleroBackups()).map((b) => b.metadata.name));
    closeGate();
    let first: Web | undefined;
    let second: Web | undefined;
    try {
      first = await startWeb(dataDir, home);
      const started = await call(first, 'backups.create', { kind: 'full' });
      expect(started.state).toBe('running');
      const name = started.backupName!;
      await heldByGate(name);
      expect(await call(first, 'backups.followed', {})).toMatchObject({ backupName: name, state: 'running' });

      await crash(first);
      // What the killed Lifeboat left on disk names the backup it was following.
      const persisted = JSON.parse(readFileSync(join(dataDir, 'backups', 'followed.json'), 'utf8')) as FollowedBackup;
      expect(persisted).toMatchObject({ backupName: name, state: 'running' });
      expect((await kube.get(backupPath(name))).status.phase).toBe('InProgress');

      second = await startWeb(dataDir, home);
      const again = await call(second, 'backups.followed', {});
      expect(again).toMatchObject({ backupName: name, state: 'running' });
      openGate();
      const done = await followedToEnd(second, name, 240_000);
      const b = await kube.get(backupPath(name));
      expect(b.status.phase).toBe('Completed');
      expect(done.state, done.message).toBe('succeeded');
      expect(done.summary?.phase).toBe('Completed');
      expect(done.timeline.map((t) => t.phase)).toContain('Completed');

      // Nothing started twice: one new Velero Backup, one `kubectl kots backup` in the journal.
      const fresh = (await veleroBackups()).filter((x) => !before.has(x.metadata.name)).map((x) => x.metadata.name);
      expect(fresh).toEqual([name]);
      const runs = await runsOf(second, 'kubectl-kots', 'backup');
      expect(runs).toHaveLength(1);
      expect(runs[0]!.exitCode).toBe(0);
      completedBackup = name;
      figures.push(
        `1 SIGKILL mid backup: re-attached to ${name}, followed to Completed → succeeded; Velero Backups created 1, kots backup runs 1; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      openGate();
      await cleanUp(first);
      await cleanUp(second);
    }
  }, 420_000);

  it('2. Lifeboat killed (SIGKILL) mid application restore: restarted, it re-attaches and finishes succeeded; one kots restore, one Velero Restore', async () => {
    const t0 = Date.now();
    expect(completedBackup, 'scenario 1 gives the backup to restore').toBeTruthy();
    await quiet();
    const backup = completedBackup;
    const ns = lab.app.namespace;
    const config = (await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data;
    const home = mkdtempSync(join(tmpdir(), 'lb-faults-2-'));
    const dataDir = join(home, 'data');
    let first: Web | undefined;
    let second: Web | undefined;
    try {
      first = await startWeb(dataDir, home);
      await call(first, 'restore.reset', {});
      await call(first, 'restore.setSituation', { situation: 'same-cluster' });
      await call(first, 'restore.selectBackup', { backup });
      await call(first, 'restore.selectType', { type: 'app' });
      // Something of the application is lost: the restore must bring it back.
      await kube.delete(`/api/v1/namespaces/${ns}/configmaps/sample-config`);
      const started = await call(first, 'restore.start', { confirm: 'sample-app' });
      expect(started.run?.steps.map((s) => s.component)).toEqual(['app']);
      const mid = await waitUntil(
        'the application step under way, its Velero Restore there',
        async () => {
          const w = await call(first!, 'restore.state', {});
          return w.run?.steps[0]!.state === 'running' && w.run.restores.length > 0 ? w : undefined;
        },
        180_000,
        250,
      );
      const restoreName = `${backup}.sample-app`;
      const restoreUid = (await kube.get(`/apis/velero.io/v1/namespaces/velero/restores/${restoreName}`)).metadata.uid;
      const phaseAtKill = mid.run!.restores[0]!.phase;

      await crash(first);
      const persisted = JSON.parse(readFileSync(join(dataDir, 'restore', 'wizard.json'), 'utf8')) as RestoreWizard;
      expect(persisted.run?.state).toBe('running');
      expect(persisted.run?.steps[0]!.state).toBe('running');

      second = await startWeb(dataDir, home);
      const w = await waitUntil(
        'the restore to finish after the restart',
        async () => {
          const s = await call(second!, 'restore.state', {});
          return s.run && !['running', 'verifying'].includes(s.run.state) ? s : undefined;
        },
        240_000,
        500,
      );
      expect(w.run?.state, JSON.stringify(w.run, null, 1)).toBe('succeeded');
      expect(w.run!.restores.map((r) => [r.name, r.phase])).toEqual([[restoreName, 'Completed']]);
      expect(w.run!.verification!.checks.find((c) => c.title === 'Application ready')?.ok).toBe(true);
      expect((await kube.get(`/api/v1/namespaces/${ns}/configmaps/sample-config`)).data).toEqual(config);

      // Nothing started twice: one `kubectl kots restore` (cut off by the crash in the journal), one
      // Velero Restore of this backup — the very one seen before the crash.
      const runs = await runsOf(second, 'kubectl-kots', 'restore');
      expect(runs, JSON.stringify(runs)).toHaveLength(1);
      const restores = ((await kube.get('/apis/velero.io/v1/namespaces/velero/restores')).items as any[]).filter((r) => r.spec?.backupName === backup);
      expect(restores.map((r) => [r.metadata.name, r.metadata.uid])).toEqual([[restoreName, restoreUid]]);
      figures.push(
        `2 SIGKILL mid app restore (Velero Restore ${phaseAtKill || 'New'} at the kill): re-attached, succeeded, ConfigMap back; kots restore runs 1, Velero Restores 1; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      await cleanUp(first);
      await cleanUp(second);
    }
  }, 420_000);

  it('3. MinIO stopped mid backup: Velero fails it and Lifeboat says so; a log download meanwhile fails clearly; MinIO back, a new backup completes', async () => {
    const t0 = Date.now();
    await quiet();
    const home = mkdtempSync(join(tmpdir(), 'lb-faults-3-'));
    let web: Web | undefined;
    const before = new Set((await veleroBackups()).map((b) => b.metadata.name));
    closeGate();
    try {
      web = await startWeb(join(home, 'data'), home);
      const started = await call(web, 'backups.create', { kind: 'full' });
      const name = started.backupName!;
      await heldByGate(name);

      await stopMinio();
      // A log download while the store is down: a clear error, in bounded time, not a hang.
      if (completedBackup) {
        const t = Date.now();
        const err = await call(web, 'backups.log', { name: completedBackup, offset: 0, limit: 10 }).then(
          () => undefined,
          (e) => e,
        );
        expect(err, 'the log cannot be read while MinIO is down').toBeDefined();
        expect(err.code, err.message).toBe('STORAGE_UNREACHABLE');
        expect(err.message).toMatch(/could not reach the backup storage/);
        figures.push(`3 log download with MinIO down: ${err.code} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      }
      openGate();
      const done = await followedToEnd(web, name, 300_000);
      const b = await kube.get(backupPath(name));
      expect(['Failed', 'PartiallyFailed']).toContain(b.status.phase);
      expect(done.state, done.message).not.toBe('succeeded');
      expect(done.state).toBe(b.status.phase === 'Failed' ? 'failed' : 'attention');
      expect(done.summary?.phase).toBe(b.status.phase);
      if (b.status.phase === 'Failed') {
        expect(done.message).toContain(b.status.failureReason);
        // Its log never reached the store: the message does not send the operator there.
        expect(done.message).toMatch(/could not write the backup to its storage/);
      }
      const reported = `Velero ${b.status.phase}${b.status.failureReason ? ` ("${String(b.status.failureReason).slice(0, 160)}")` : ''} → Lifeboat ${done.state}`;

      // With the store down, Lifeboat refuses a new backup and says why (Velero validates it every 5 s here).
      const refusal = await waitUntil(
        'Lifeboat to see the storage location unavailable',
        async () => {
          const r = await call(web!, 'backups.readiness', {});
          return !r.ok ? r : undefined;
        },
        90_000,
        1000,
      );
      expect(
        refusal.checks
          .filter((c) => !c.ok && c.severity === 'error')
          .map((c) => c.title)
          .join(' '),
      ).toMatch(/Storage location "default" is Unavailable/);
      const err = await call(web, 'backups.create', { kind: 'full' }).then(
        () => undefined,
        (e) => e,
      );
      expect(err?.code).toBe('VELERO_NOT_READY');

      await startMinio();
      await waitUntil('storage Available again', veleroReady, 120_000, 1000);
      await waitUntil('Lifeboat ready to back up again', async () => (await call(web!, 'backups.readiness', {})).ok, 60_000, 1000);
      const again = await call(web, 'backups.create', { kind: 'full' });
      const done2 = await followedToEnd(web, again.backupName!, 240_000);
      expect(done2.state, done2.message).toBe('succeeded');
      expect((await kube.get(backupPath(again.backupName!))).status.phase).toBe('Completed');
      const log = await call(web, 'backups.log', { name: again.backupName!, offset: 0, limit: 100 });
      expect(log.total).toBeGreaterThan(0);

      // One Velero Backup per backup asked for (the refused one created none).
      const fresh = (await veleroBackups())
        .filter((x) => !before.has(x.metadata.name))
        .map((x) => x.metadata.name)
        .sort();
      expect(fresh).toEqual([name, again.backupName!].sort());
      expect(await runsOf(web, 'kubectl-kots', 'backup')).toHaveLength(2);
      figures.push(
        `3 MinIO stopped mid backup: ${reported}; refused while down (VELERO_NOT_READY); after MinIO restart a new backup Completed → succeeded; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      openGate();
      await startMinio().catch(() => {});
      await cleanUp(web);
    }
  }, 600_000);

  it('4. Velero\'s pod deleted mid backup: the new server marks it Failed, and Lifeboat reports that, never "lost"', async () => {
    const t0 = Date.now();
    await quiet();
    const home = mkdtempSync(join(tmpdir(), 'lb-faults-4-'));
    let web: Web | undefined;
    const before = new Set((await veleroBackups()).map((b) => b.metadata.name));
    closeGate();
    try {
      web = await startWeb(join(home, 'data'), home);
      const started = await call(web, 'backups.create', { kind: 'full' });
      const name = started.backupName!;
      await heldByGate(name);

      const pods = (await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero')).items as any[];
      expect(pods.length).toBe(1);
      const old = pods[0].metadata.name as string;
      await kube.delete(`/api/v1/namespaces/velero/pods/${old}`);
      const b = await waitUntil(
        'Velero to record an end for the backup',
        async () => {
          const x = await kube.get(backupPath(name));
          return FINAL.includes(x.status?.phase) ? x : undefined;
        },
        240_000,
        1000,
      );
      expect(b.status.phase).toBe('Failed');
      expect(b.status.failureReason).toMatch(/during the server starting/);
      const newPod = ((await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero')).items as any[]).map((p) => p.metadata.name);
      expect(newPod).not.toContain(old);

      const done = await followedToEnd(web, name, 120_000);
      expect(done.state).not.toBe('lost');
      expect(done.state).toBe('failed');
      expect(done.summary?.phase).toBe('Failed');
      expect(done.message).toContain(b.status.failureReason);
      expect(done.message).toMatch(/The Velero server restarted while this backup ran/);
      const listed = (await call(web, 'backups.list', {})).find((x) => x.name === name);
      expect(listed?.phase).toBe('Failed');
      const fresh = (await veleroBackups()).filter((x) => !before.has(x.metadata.name)).map((x) => x.metadata.name);
      expect(fresh).toEqual([name]);
      expect(await runsOf(web, 'kubectl-kots', 'backup')).toHaveLength(1);
      figures.push(
        `4 Velero pod deleted mid backup: Velero Failed ("${b.status.failureReason}") → Lifeboat failed, not lost; Velero Backups created 1; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      openGate();
      await cleanUp(web);
    }
  }, 480_000);
});
