/**
 * Lifeboat against the real kotsadm as Embedded Cluster runs it, improved disaster recovery on: on
 * this file's own lab (.lab-ec-dr, port base 19000, flavour embedded-cluster) kotsadm is installed by
 * `kubectl kots install` and restarted with Embedded Cluster's environment and ENABLE_IMPROVED_DR
 * (test/lab/kotsinstall/embedded-cluster.ts), and the release carries the vendor's Restore beside its
 * Backup (LabOptions.vendorRestore). What kotsadm then does is asserted on the objects it writes:
 * - a full backup in one click is two Velero Backups kotsadm makes (infra and app, sharing
 *   replicated.com/backup-name; kots pkg/kotsadmsnapshot/backup.go at v1.131.4): the infra one names
 *   Embedded Cluster's namespaces and annotations from the cluster's Installation, the app one is the
 *   vendor's Backup with the vendor's Restore recorded on it. Lifeboat follows both to Completed and
 *   lists them as one backup;
 * - kotsadm refuses an application (partial) backup in Embedded Cluster, as Lifeboat does first;
 * - such a backup is not restorable by the kots CLI ("only legacy type instance backups are
 *   restorable", kots pkg/snapshot/restore.go) and Lifeboat's restore wizard refuses it with that
 *   reason, naming the Embedded Cluster binary that restores it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../electron/app.js';
import { callerFor, closeAppAndLab, startAppOn, followedToEnd } from './app-calls.js';
import { Kube } from '../lab/kube.js';
import { startLab } from '../lab/lab.js';
import { EMBEDDED_CLUSTER } from '../lab/kotsinstall/embedded-cluster.js';
import { adminApiRequest } from '../lab/kotsinstall/admin-api.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';
import { ensureEmbeddedClusterNamespaces, ensureVeleroOn, runToolOn } from './restore-lab.js';

const dir = join(repoRoot, '.lab-ec-dr');
const portBase = Number(process.env.LIFEBOAT_EC_DR_LAB_PORT_BASE ?? 19000);
let lab: LabState;
let kube: Kube;
let app: App;
const home = mkdtempSync(join(tmpdir(), 'lb-ec-dr-'));

const call = callerFor(() => app);

beforeAll(async () => {
  lab = await startLab({ dir, portBase, flavour: 'embedded-cluster', vendorRestore: true, log: (l) => console.log(`ec-dr lab: ${l}`) });
  kube = new Kube(lab.kubeconfig);
  await ensureEmbeddedClusterNamespaces(lab);
  await ensureVeleroOn(lab);
  app = await startAppOn(lab, home, { LIFEBOAT_REGISTRY_CA: lab.registry.caFile });
  await waitUntil(
    'Embedded Cluster with Velero and the real KOTS detected',
    async () => {
      const e = app.detector.get();
      return e?.flavour === 'embedded-cluster' && e.velero.ready && e.kots.found;
    },
    120_000,
  );
}, 900_000);

afterAll(async () => {
  await closeAppAndLab(app, dir);
}, 300_000);

describe('the real kotsadm in Embedded Cluster mode, improved disaster recovery on', () => {
  let drName = '';
  let members: Array<{ name: string; type: string }> = [];

  it('a full backup is two Velero Backups kotsadm makes; Lifeboat follows both and lists them as one', async () => {
    const ready = await call('backups.readiness', {});
    expect(ready.ok, JSON.stringify(ready.checks)).toBe(true);
    expect(ready.partialAllowed).toBe(false);
    const started = await call('backups.create', { kind: 'full', exportRegistry: false });
    expect(started.state).toBe('running');
    const done = await followedToEnd(call, 300_000);
    expect(done.state, done.message).toBe('succeeded');

    const all = (await kube.get('/apis/velero.io/v1/namespaces/velero/backups')).items as any[];
    const pair = all.filter((b) => b.metadata.labels?.['replicated.com/backup-name']);
    expect(pair).toHaveLength(2);
    drName = pair[0].metadata.labels['replicated.com/backup-name'];
    expect(pair.every((b) => b.metadata.labels['replicated.com/backup-name'] === drName)).toBe(true);
    expect(drName).toMatch(/^sample-app-/);
    const byType = Object.fromEntries(pair.map((b) => [b.metadata.annotations['replicated.com/backup-type'], b]));
    expect(Object.keys(byType).sort()).toEqual(['app', 'infra']);
    for (const b of pair) {
      expect(b.status.phase, b.metadata.name).toBe('Completed');
      expect(b.metadata.annotations['replicated.com/backup-count']).toBe('2');
      // From the Installation and kotsadm's environment (appendECAnnotations).
      expect(b.metadata.annotations).toMatchObject({
        'kots.io/embedded-cluster': 'true',
        'kots.io/embedded-cluster-id': EMBEDDED_CLUSTER.id,
        'kots.io/embedded-cluster-version': EMBEDDED_CLUSTER.version,
        'kots.io/embedded-cluster-is-ha': 'false',
        'kots.io/embedded-cluster-data-dir': EMBEDDED_CLUSTER.dataDir,
      });
    }
    // The infra Backup: the admin console and Embedded Cluster's namespaces (ecIncludedNamespaces,
    // air gap adds the registry's), not the application's: that is the app Backup's.
    const infra = byType.infra;
    expect(infra.metadata.name).toMatch(/^instance-/);
    expect([...infra.spec.includedNamespaces].sort()).toEqual(expect.arrayContaining(['embedded-cluster', 'kotsadm', 'kube-system', 'openebs', 'registry']));
    // The app Backup: the vendor's own, hooks included, with the vendor's Restore recorded on it.
    const appBackup = byType.app;
    expect(appBackup.metadata.name).toMatch(/^application-/);
    expect(appBackup.spec.includedNamespaces).toEqual([lab.app.namespace]);
    expect(appBackup.spec.hooks.resources.map((r: any) => r.name)).toContain('sample-db-dump');
    const restoreSpec = appBackup.metadata.annotations['replicated.com/restore-spec'];
    expect(JSON.parse(restoreSpec)).toMatchObject({ apiVersion: 'velero.io/v1', kind: 'Restore', spec: { includedNamespaces: [lab.app.namespace] } });

    members = [
      { name: infra.metadata.name, type: 'infra' },
      { name: appBackup.metadata.name, type: 'app' },
    ];
    const row = (await call('backups.list', {})).find((x) => x.name === drName);
    expect(row, `row ${drName} in ${JSON.stringify((await call('backups.list', {})).map((x) => x.name))}`).toBeDefined();
    expect(row).toMatchObject({ type: 'full', phase: 'Completed' });
    expect(row!.veleroBackups?.map((m) => ({ name: m.name, type: m.type }))).toEqual(members);
  }, 420_000);

  it('kotsadm refuses an application backup in Embedded Cluster, as Lifeboat does before asking', async () => {
    await expect(call('backups.create', { kind: 'partial', appSlug: lab.app.slug })).rejects.toThrow(/Embedded Cluster/);
    const r = await adminApiRequest(lab, `/api/v1/app/${lab.app.slug}/snapshot/backup`, { method: 'POST' });
    expect(r.status).toBe(403);
    expect((await r.json()).error).toBe('application backups are not supported in embedded clusters');
  });

  it('the kots CLI will not restore it, and the restore wizard refuses it with that reason and the fix', async () => {
    expect(members).toHaveLength(2);
    const cli = await runToolOn(lab, 'kubectl-kots', ['restore', '--from-backup', members[0]!.name], 120_000);
    expect(cli.code).not.toBe(0);
    expect(`${cli.stdout}${cli.stderr}`).toMatch(/only legacy type instance backups are restorable/);

    await call('restore.setSituation', { situation: 'same-cluster' });
    const rows = await call('restore.backups', {});
    const row = rows.find((b) => b.name === drName);
    expect(row).toMatchObject({ restorable: false, embeddedCluster: true });
    expect(row!.veleroBackups?.map((m) => m.name)).toEqual(members.map((m) => m.name));
    for (const name of [drName, ...members.map((m) => m.name)]) {
      const e = await call('restore.selectBackup', { backup: name }).then(
        () => undefined,
        (err: any) => err,
      );
      expect(e?.code, name).toBe('BACKUP_NOT_RESTORABLE');
      expect(e.message).toMatch(/only legacy type instance backups are restorable/);
      expect(e.hint).toMatch(/Embedded Cluster binary/);
    }
    // Nothing was restored: no Velero Restore exists.
    expect((await kube.get('/apis/velero.io/v1/namespaces/velero/restores')).items).toEqual([]);
  }, 180_000);
});
