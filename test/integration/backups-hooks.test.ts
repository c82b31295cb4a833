/**
 * Backup hooks, on this file's OWN lab (.lab-backups-hooks, port base 24000, flavour existing)
 * seeded with LIFEBOAT_LAB_FAILING_HOOKS=1: the sample app's pods carry pre-hook annotations, the admin
 * console's pod KOTS's /scripts/backup.sh pre hook, and the vendor Backup spec (apps.json) the
 * sample-db-dump hooks plus a check that exits 3. Velero runs every hook by exec for real: some
 * succeed, the check and KOTS's script (no rqlite to reach) fail.
 * - Before the backup, Lifeboat lists the hooks that will run: pod annotations and the vendor spec.
 * - After it, the detail shows each hook's outcome parsed from the backup log: failed, with reason.
 * - The API server restarted during a backup: Lifeboat re-attaches (its watches come back) and
 *   follows the backup to the phase Velero records.
 * Velero is installed without node-agent (the lab has none to copy volume data; a node-agent pod
 * that never runs would hold the backup), so the kotsadm volume opt-in fails fast as well.
 */
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../electron/app.js';
import { callerFor, closeAppAndLab, startAppOn } from './app-calls.js';
import { Kube } from '../lab/kube.js';
import { startLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureVeleroOn } from './restore-lab.js';

const dir = join(repoRoot, '.lab-backups-hooks');
let lab: LabState;
let app: App;
let kube: Kube;
const home = mkdtempSync(join(tmpdir(), 'lb-backups-hooks-'));
const hooksBefore = process.env.LIFEBOAT_LAB_FAILING_HOOKS;

const call = callerFor(() => app);

beforeAll(async () => {
  process.env.LIFEBOAT_LAB_FAILING_HOOKS = '1';
  lab = await startLab({ dir, portBase: 24000, flavour: 'existing-airgap', log: (l) => console.log(`backups-hooks lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  await ensureVeleroOn(lab);
  await waitUntil(
    'velero running and BSL default Available',
    async () => {
      const d = await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero');
      const bsl = await kube.getOrUndefined('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
      return (d?.status?.availableReplicas ?? 0) >= 1 && bsl?.status?.phase === 'Available';
    },
    180_000,
  );
  // Helpers that read the running lab (test/integration/lab.ts) read this file's own lab.
  process.env.LIFEBOAT_LAB_DIR = lab.dir;
  app = await startAppOn(lab, home);
  await waitUntil('Velero and KOTS detected', async () => app.detector.get()?.velero.ready && app.detector.get()?.kots.found, 90_000);
}, 900_000);

const envBefore = { LIFEBOAT_LAB_DIR: process.env.LIFEBOAT_LAB_DIR };
afterAll(async () => {
  for (const [k, v] of Object.entries(envBefore)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (hooksBefore === undefined) delete process.env.LIFEBOAT_LAB_FAILING_HOOKS;
  else process.env.LIFEBOAT_LAB_FAILING_HOOKS = hooksBefore;
  await closeAppAndLab(app, dir);
});

describe('backup hooks', () => {
  let backupName = '';

  it('before the first backup: the pod annotation hooks; vendor hooks are not readable yet, and it says so', async () => {
    const plan = await call('backups.hooks', {});
    const annotated = plan.hooks.filter((h) => h.source === 'pod-annotation');
    expect(
      annotated.some((h) => h.namespace === lab.app.namespace && h.phase === 'pre' && h.command.join(' ').includes('echo flushing caches')),
      JSON.stringify(plan),
    ).toBe(true);
    expect(
      annotated.some((h) => h.namespace === lab.kotsNamespace && h.command.join(' ') === '/scripts/backup.sh' && h.onError === 'Fail' && h.timeout === '10m'),
    ).toBe(true);
    // The vendor Backup lives in the release inside kotsadm; KOTS copies its hooks into each full
    // backup (kots pkg/kotsadmsnapshot/backup.go at v1.131.4), which is where Lifeboat reads them.
    expect(plan.hooks.filter((h) => h.source === 'vendor-spec')).toEqual([]);
    expect(plan.notes.join(' ')).toMatch(/Vendor hooks show once KOTS has made a full backup/);
  });

  it('after it: each hook outcome from the backup log, the failures with their reason', async () => {
    const started = await call('backups.create', { kind: 'full' });
    backupName = started.backupName!;
    const done = await waitUntil(
      'the backup to finish',
      async () => {
        const f = await call('backups.followed', {});
        return f && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
      },
      300_000,
    );
    // Some hooks really failed: Velero counts errors, Lifeboat does not call it a success.
    expect(done.state, done.message).not.toBe('succeeded');
    // Now the plan has the vendor's hooks, as KOTS put them into this backup.
    const plan = await call('backups.hooks', {});
    const dump = plan.hooks.find((h) => h.source === 'vendor-spec' && h.name === 'sample-db-dump');
    expect(dump, JSON.stringify(plan)).toMatchObject({ phase: 'pre', container: 'db', onError: 'Continue', timeout: '30s' });
    expect(dump!.origin).toContain(`as in backup ${backupName}`);
    expect(done.summary?.hooksAttempted ?? 0).toBeGreaterThan(0);
    expect(done.summary?.hooksFailed ?? 0).toBeGreaterThan(0);
    const detail = await call('backups.detail', { name: backupName });
    expect(detail.hooks.length, JSON.stringify(detail.notes)).toBeGreaterThan(0);
    const failed = detail.hooks.filter((h) => !h.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const h of failed) expect(h.error, JSON.stringify(h)).toBeTruthy();
    // The reasons are the commands' own exits, as Velero logs them: the vendor's check exits 3, and
    // KOTS's /scripts/backup.sh cannot reach an rqlite (curl's exit).
    expect(failed.map((h) => h.error).join('\n')).toMatch(/exit code 3/);
    // …and the hooks that succeeded are there as such.
    expect(detail.hooks.filter((h) => h.ok).length, JSON.stringify(detail.hooks)).toBeGreaterThan(0);
    // Each names where it ran (the pod, from the log's fields).
    expect(
      failed.some((h) => `${h.namespace ?? ''}/${h.pod ?? ''}`.match(/sample|kotsadm/)),
      JSON.stringify(failed),
    ).toBe(true);
  }, 400_000);

  it("the API server restarted during a backup: Lifeboat re-attaches and follows it to Velero's end", async () => {
    // Readiness only warns about a backup in progress (KOTS starts another anyway): wait until there is none.
    await waitUntil(
      'no backup running',
      async () => {
        const r = await call('backups.readiness', {});
        return r.ok && !r.checks.some((c) => c.title === 'Another backup is in progress');
      },
      120_000,
    );
    const started = await call('backups.create', { kind: 'full' });
    const name = started.backupName!;
    // Restart kube-apiserver: kill it, start it again with the same command line.
    const pidFile = join(dir, 'pids.json');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as Record<string, number>;
    const old = pids['kube-apiserver']!;
    const argv = readFileSync(`/proc/${old}/cmdline`, 'utf8').split('\0').filter(Boolean);
    process.kill(old, 'SIGKILL');
    await waitUntil(
      'the API server to be gone',
      async () => {
        try {
          process.kill(old, 0);
          return false;
        } catch {
          return true;
        }
      },
      20_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const out = openSync(join(dir, 'logs', 'kube-apiserver.restarted.log'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    pids['kube-apiserver'] = child.pid!;
    writeFileSync(pidFile, JSON.stringify(pids));
    await waitUntil(
      'the API server back',
      async () => (await kube.getOrUndefined('/api/v1/namespaces/default').catch(() => undefined)) !== undefined,
      90_000,
      1000,
    );
    // Velero 1.18.3's backup controller can panic when the API server refuses a list in the middle
    // of a backup ("Observed a panic … nil pointer dereference" in its log): controller-runtime
    // recovers, and the Backup stays InProgress until the Velero server restarts, which marks it
    // Failed. When that happens, do what an operator does — restart the Velero pod — and Lifeboat
    // must follow the backup to the phase Velero then records.
    const finished = (b: any) => ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].includes(b?.status?.phase);
    const settled = await waitUntil(
      'the backup to finish or Velero to give up on it',
      async () => {
        const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
        if (finished(b)) return 'finished';
        const pods = await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero');
        for (const p of pods.items) {
          const log = String(await kube.request('GET', `/api/v1/namespaces/velero/pods/${p.metadata.name}/log`).catch(() => ''));
          if (log.includes('Observed a panic') && log.includes(name)) return p.metadata.name as string;
        }
        return undefined;
      },
      120_000,
      2000,
    );
    if (settled !== 'finished') {
      console.log(`[hooks] Velero panicked on ${name} after the API server restart; restarting pod ${settled}`);
      await kube.delete(`/api/v1/namespaces/velero/pods/${settled}`);
    }
    const done = await waitUntil(
      'the followed backup to finish after the restart',
      async () => {
        const f = await call('backups.followed', {});
        return f && f.backupName === name && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
      },
      240_000,
      1000,
    );
    // What Lifeboat reports is what Velero recorded, never "lost" for a backup that is there.
    const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
    expect(done.state).not.toBe('lost');
    expect(done.summary?.phase).toBe(b.status.phase);
    expect(done.timeline.map((t) => t.phase)).toContain(b.status.phase);
  }, 420_000);
});
