/**
 * "Back up now" on Embedded Cluster, on this file's OWN lab (.lab-backups-ec, port base 23000,
 * flavour embedded-cluster, air gap: Velero's images pushed to the lab registry first):
 * - the full backup also exports the cluster registry (offered, ticked by default), with live
 *   progress in the followed backup, and is reported complete ("complete with registry") only once
 *   Velero's Backup is Completed AND the export is verified (every blob's digest, index.json read
 *   back) — checked here against the Velero object and the layout on disk;
 * - a registry export that cannot start (destination not writable) refuses the whole backup before
 *   anything starts: no Velero Backup is created;
 * - a partial (application) backup is refused with the reason (Embedded Cluster takes full only).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowedBackup } from '../../electron/api/contract.js';
import type { App } from '../../electron/app.js';
import { callerFor, closeAppAndLab, startAppOn } from './app-calls.js';
import { Kube } from '../lab/kube.js';
import { startLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureEmbeddedClusterNamespaces, ensureVeleroOn } from './restore-lab.js';

const dir = join(repoRoot, '.lab-backups-ec');
let lab: LabState;
let app: App;
let kube: Kube;
const home = mkdtempSync(join(tmpdir(), 'lb-backups-ec-'));

const call = callerFor(() => app);

beforeAll(async () => {
  lab = await startLab({ dir, portBase: 23000, flavour: 'embedded-cluster', log: (l) => console.log(`backups-ec lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  // Namespaces a real Embedded Cluster has and its full backups name (openebs, seaweedfs…).
  await ensureEmbeddedClusterNamespaces(lab);
  await ensureVeleroOn(lab);
  // Helpers that read the running lab (test/integration/lab.ts) read this file's own lab.
  process.env.LIFEBOAT_LAB_DIR = lab.dir;
  app = await startAppOn(lab, home, { LIFEBOAT_REGISTRY_CA: lab.registry.caFile });
  await waitUntil(
    'Embedded Cluster with Velero detected',
    async () => {
      const e = app.detector.get();
      return e?.flavour === 'embedded-cluster' && e.velero.ready && e.kots.found;
    },
    90_000,
  );
}, 900_000);

const envBefore = { LIFEBOAT_LAB_DIR: process.env.LIFEBOAT_LAB_DIR };
afterAll(async () => {
  for (const [k, v] of Object.entries(envBefore)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await closeAppAndLab(app, dir);
});

describe('full backup with the embedded registry', () => {
  it('offers the registry export and refuses a partial backup with the reason', async () => {
    const r = await call('backups.readiness', {});
    expect(r.ok, JSON.stringify(r.checks)).toBe(true);
    expect(r.registryExport?.offered).toBe(true);
    expect(r.partialAllowed).toBe(false);
    expect(r.partialReason).toMatch(/Embedded Cluster installs take full backups only/);
    await expect(call('backups.create', { kind: 'partial', appSlug: lab.app.slug })).rejects.toThrow(
      /partial backup is not possible here: Embedded Cluster installs take full backups only/,
    );
  });

  it('a registry export that cannot start refuses the backup before anything starts', async () => {
    // A folder under a regular file can never be created (whoever runs the test, root included).
    const file = join(home, 'a-file');
    writeFileSync(file, 'not a folder');
    const before = ((await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items ?? []).length;
    await expect(call('backups.create', { kind: 'full', registryDest: join(file, 'exports') })).rejects.toThrow(
      /registry export could not start, so the backup was not started either/,
    );
    expect(((await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items ?? []).length).toBe(before);
  });

  it('one click: Velero completes the backup and the registry export is verified → complete with registry', async () => {
    const seen: FollowedBackup[] = [];
    app.bus.on((e, p) => {
      if (e === 'backups.followed') seen.push(p as FollowedBackup);
    });
    const started = await call('backups.create', { kind: 'full' });
    expect(started.registry?.dest).toContain(join(home, 'data', 'registry-exports'));
    const done = await waitUntil(
      'the backup and its registry export to finish',
      async () => {
        const f = await call('backups.followed', {});
        return f && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
      },
      300_000,
    );
    expect(done.state, `${done.message} ${JSON.stringify(done.registry)}`).toBe('succeeded');
    expect(done.message).toMatch(/complete with registry/);
    // Verified here too: the Velero object, and the layout on disk.
    const b = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${done.backupName}`);
    expect(b.status.phase).toBe('Completed');
    expect(done.registry).toMatchObject({ state: 'succeeded', verified: true });
    expect(done.registry!.tags).toBeGreaterThan(0);
    const index = JSON.parse(readFileSync(join(done.registry!.dest, 'index.json'), 'utf8'));
    expect(index.manifests.length).toBeGreaterThanOrEqual(done.registry!.tags!);
    expect(existsSync(join(done.registry!.dest, 'oci-layout'))).toBe(true);
    // Progress was shown while it ran (bytes and blobs), through the followed backup's events.
    expect(seen.some((f) => f.registry?.state === 'running' && (f.registry.blobsTotal ?? 0) > 0)).toBe(true);
    // The job is the registry area's too (origin: backup).
    const jobs = await call('registry.jobs', {});
    expect(jobs.find((j) => j.id === done.registry!.jobId)?.origin).toBe('backup');
    writeFileSync(join(home, 'done.json'), JSON.stringify(done));
  }, 400_000);
});
