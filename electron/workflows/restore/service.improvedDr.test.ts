/**
 * The restore wizard's backup step over an improved-disaster-recovery backup: the two Velero
 * Backups KOTS makes for it (kots pkg/kotsadmsnapshot/backup.go at v1.131.4) are listed as one
 * backup, and choosing it — by its name or a Velero Backup's — is refused with the pair's reason
 * (the kots CLI answers "only legacy type instance backups are restorable", kots
 * pkg/snapshot/restore.go at v1.131.4; the Embedded Cluster binary restores it).
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKubeconfig } from '../../cluster/kubeconfig';
import { kubeconfigYaml } from '../../cluster/test-fixtures';
import { EventBus } from '../../events';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup } from '../backups/improvedDr.test-fixtures';
import type { Services } from '../services';
import { RestoreService } from './service';
import type { VeleroBackup } from '../../velero/types';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const legacy: VeleroBackup = {
  metadata: {
    name: 'instance-legacy',
    namespace: 'velero',
    annotations: {
      'kots.io/instance': 'true',
      'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
      'kots.io/kotsadm-deploy-namespace': 'kotsadm',
      'kots.io/apps-versions': '{"my-app":"1.1.0"}',
    },
  },
  spec: { storageLocation: 'default' },
  status: { phase: 'Completed', startTimestamp: '2026-11-20T00:00:00Z', expiration: '2099-12-20T00:00:00Z' },
};

/** A RestoreService at the backup step over an API server that lists `backups` in namespace velero. */
async function serviceWith(backups: unknown[]) {
  const objects: Record<string, unknown> = {
    '/apis/velero.io/v1/namespaces/velero/backups': { items: backups },
    '/apis/velero.io/v1/namespaces/velero/backupstoragelocations': {
      items: [{ metadata: { name: 'default', namespace: 'velero' }, spec: { provider: 'aws', default: true } }],
    },
  };
  const srv = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && path in objects) return res.end(JSON.stringify(objects[path]));
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: `${path} not found` }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => srv.close(r)));
  const server = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeboat-restore-dr-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { kc } = parseKubeconfig(kubeconfigYaml({ server }));
  const services = {
    bus: new EventBus(),
    dataDir,
    env: {},
    journal: { record: () => {} },
    detector: { get: () => null },
    cluster: { kubeConfig: () => kc, isConnected: () => false, onConnectionChange: () => () => {} },
  } as unknown as Services;
  const svc = new RestoreService(services);
  cleanup.push(() => svc.dispose());
  svc.setSituation('new-cluster', false);
  return svc;
}

// Far-future expiry, so the pair is judged on its shape and phases, not on today's date.
const done = (items: number) => completed(items, '2026-11-23T10:01:00Z', { expiration: '2099-12-23T10:00:02Z' });

describe('restore wizard: an improved-DR backup in the backup list', () => {
  it('lists the two Velero Backups as one backup, not restorable, with one Embedded Cluster error', async () => {
    const svc = await serviceWith([infraBackup(done(40)), appBackup(done(12)), legacy]);
    const list = await svc.backups();
    expect(list.map((b) => b.name)).toEqual([DR_NAME, 'instance-legacy']);
    const dr = list[0]!;
    expect(dr).toMatchObject({
      restorable: false,
      embeddedCluster: true,
      veleroBackups: [
        { name: INFRA, type: 'infra' },
        { name: APP, type: 'app' },
      ],
    });
    expect(dr.checks.filter((c) => c.severity === 'error').map((c) => c.title)).toEqual(['Embedded Cluster backup']);
    expect(list[1]).toMatchObject({ name: 'instance-legacy', restorable: true });
  });

  it('refuses to select the pair by its name or by either Velero Backup, with the reason and the fix', async () => {
    const svc = await serviceWith([infraBackup(done(40)), appBackup(done(12)), legacy]);
    for (const name of [DR_NAME, INFRA, APP]) {
      const e = await svc.selectBackup(name).then(
        () => undefined,
        (err: unknown) => err as { code: string; message: string; hint?: string },
      );
      expect(e, name).toMatchObject({ code: 'BACKUP_NOT_RESTORABLE' });
      expect(e!.message).toContain(`Backup ${DR_NAME} cannot be restored here`);
      expect(e!.message).toMatch(/only legacy type instance backups are restorable/);
      expect(e!.message.match(/Embedded Cluster/g)?.length ?? 0).toBeLessThanOrEqual(2);
      expect(e!.hint).toMatch(/Embedded Cluster binary/);
    }
    // A legacy backup is still chosen as before.
    expect((await svc.selectBackup('instance-legacy')).backup).toBe('instance-legacy');
  });
});
