/**
 * "Back up now" while another backup runs: KOTS does not refuse it, so neither does Lifeboat.
 * kots pkg/handlers/backup.go CreateInstanceBackup at v1.131.4 checks minimal RBAC and the cluster,
 * then creates the backup — it never looks for one in progress (only the admin console's own
 * scheduler skips a run then: pkg/snapshotscheduler/snapshotscheduler.go, HasUnfinishedInstanceBackup).
 * Lifeboat warns and lets the operator go ahead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../../api/contract.js';
import type { BackupStorageLocation, VeleroBackup } from '../../velero/types.js';
import type { Services } from '../services.js';
import { BackupsService } from './service.js';

/**
 * A scheduled instance backup still running, as KOTS creates it (kots pkg/kotsadmsnapshot/backup.go
 * at v1.131.4: generateName "instance-", getInstanceBackupMetadata / appendCommonAnnotations) and
 * Velero reports it while it runs.
 */
const scheduled: VeleroBackup = {
  apiVersion: 'velero.io/v1',
  kind: 'Backup',
  metadata: {
    name: 'instance-x7k2q',
    namespace: 'velero',
    uid: 'uid-scheduled',
    resourceVersion: '101',
    creationTimestamp: '2026-09-10T02:00:01Z',
    annotations: {
      'kots.io/instance': 'true',
      'kots.io/snapshot-trigger': 'schedule',
      'kots.io/snapshot-requested': '2026-09-10T02:00:00Z',
      'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
      'kots.io/kotsadm-deploy-namespace': 'kotsadm',
      'kots.io/apps-sequences': '{"my-app":3}',
      'kots.io/apps-versions': '{"my-app":"1.2.0"}',
      'kots.io/is-airgap': 'false',
    },
  },
  spec: { storageLocation: 'default', includedNamespaces: ['*'], ttl: '720h0m0s' },
  status: { phase: 'InProgress', startTimestamp: '2026-09-10T02:00:02Z', progress: { totalItems: 420, itemsBackedUp: 96 } },
} as VeleroBackup;

const location = {
  apiVersion: 'velero.io/v1',
  kind: 'BackupStorageLocation',
  metadata: { name: 'default', namespace: 'velero' },
  spec: { provider: 'aws', default: true, objectStorage: { bucket: 'backups' } },
  status: { phase: 'Available' },
} as BackupStorageLocation;

const env = {
  detectedAt: '2026-09-10T02:01:00Z',
  flavour: 'existing',
  kots: { found: true, namespace: 'kotsadm', version: 'v1.131.4', apps: [{ slug: 'my-app' }] },
  velero: {
    installed: true,
    ready: true,
    namespace: 'velero',
    version: 'v1.18.3',
    storageLocations: [{ name: 'default', provider: 'aws', isDefault: true, phase: 'Available' }],
  },
} as unknown as Environment;

function harness() {
  const backups: VeleroBackup[] = [scheduled];
  const watch = {
    start: async () => {},
    stop: async () => {},
    backups: () => backups,
    locations: () => [location],
    get: (_kind: string, _ns: string, name: string) => backups.find((b) => b.metadata.name === name),
    count: () => 0,
    podVolumeBackupsFor: () => [],
  };
  const started: string[][] = [];
  const s = {
    dataDir: mkdtempSync(join(tmpdir(), 'lb-backups-concurrent-')),
    bus: { emit: () => {} },
    cluster: { isConnected: () => true, kubeConfig: () => ({}), onConnectionChange: () => {} },
    detector: { get: () => env },
    tools: {
      start: async (_tool: string, args: string[]) => {
        started.push(args);
        // What KOTS creates for this request (generateName "instance-"), and what
        // `kubectl kots backup -o json` prints (kots cmd/kots/cli/backup.go, CreateInstanceBackupResponse).
        backups.push({
          ...scheduled,
          metadata: {
            ...scheduled.metadata,
            name: 'instance-m4n8p',
            uid: 'uid-new',
            resourceVersion: '102',
            annotations: { ...scheduled.metadata.annotations, 'kots.io/snapshot-trigger': 'manual' },
          },
          status: { phase: 'New' },
        } as VeleroBackup);
        return {
          runId: 'run-1',
          done: Promise.resolve({ runId: 'run-1', exitCode: 0, stdout: '{"success":true,"backupName":"instance-m4n8p"}', stderr: '', durationMs: 5 }),
        };
      },
    },
  } as unknown as Services;
  const svc = new BackupsService(s, { appearMs: 1000 });
  (svc as unknown as { watch: typeof watch }).watch = watch;
  return { svc, started };
}

describe('a backup while another is in progress', () => {
  it('readiness warns (naming the running backup) but does not block', () => {
    const { svc } = harness();
    const r = svc.readiness();
    expect(r.ok).toBe(true);
    const c = r.checks.find((x) => x.title === 'Another backup is in progress');
    expect(c).toMatchObject({ ok: true, severity: 'warning' });
    expect(c?.reason).toContain('instance-x7k2q');
  });

  it('"Back up now" goes ahead and follows the new backup', async () => {
    const { svc, started } = harness();
    const f = await svc.create({ kind: 'full' });
    expect(started).toEqual([['backup', '-n', 'kotsadm', '--wait=false', '-o', 'json']]);
    expect(f).toMatchObject({ state: 'running', backupName: 'instance-m4n8p', kotsName: 'instance-m4n8p' });
  });
});
