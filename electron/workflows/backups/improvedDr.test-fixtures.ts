/**
 * Test fixtures (never imported by shipped code): the two Velero Backups KOTS writes for ONE
 * backup with improved disaster recovery (ENABLE_IMPROVED_DR=true, Embedded Cluster, an app that
 * ships both a velero.io Backup and Restore), shaped as kots pkg/kotsadmsnapshot/backup.go at
 * v1.131.4 makes them:
 *
 * - getInfrastructureInstanceBackupSpec: generateName "instance-", the common annotations
 *   (appendCommonAnnotations + appendECAnnotations), replicated.com/disaster-recovery-version "1",
 *   replicated.com/backup-type "infra", replicated.com/backup-count "2", label
 *   replicated.com/backup-name — and NO kots.io/instance annotation (only the legacy path sets it).
 * - getAppInstanceBackupSpec: the vendor's Backup with generateName "application-", the same
 *   common annotations and label, backup-type "app", backup-count "2", and replicated.com/restore-spec.
 *
 * Both carry the same replicated.com/backup-name (getBackupNameFromPrefix: the app slug when one app
 * is installed, plus 8 hex characters). CreateInstanceBackup returns the INFRA Velero Backup's own
 * name (`return veleroBackup.Name // TODO(improveddr): return metadata.BackupName`), which the
 * handler (kots pkg/handlers/backup.go at v1.131.4) answers as backupName.
 */
import type { VeleroBackup } from '../../velero/types.js';

export const DR_NAME = 'my-app-1a2b3c4d';
export const INFRA = 'instance-7xk2p';
export const APP = 'application-9fq4z';
export const REQUESTED = '2026-11-23T10:00:00Z';

type Status = NonNullable<VeleroBackup['status']>;

const common = (): Record<string, string> => ({
  'kots.io/snapshot-trigger': 'manual',
  'kots.io/snapshot-requested': REQUESTED,
  'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
  'kots.io/kotsadm-deploy-namespace': 'kotsadm',
  'kots.io/apps-sequences': '{"my-app":3}',
  'kots.io/apps-versions': '{"my-app":"1.2.0"}',
  'kots.io/is-airgap': 'false',
  'kots.io/embedded-registry': '10.96.0.11:5000',
  'kots.io/embedded-cluster': 'true',
  'kots.io/embedded-cluster-id': '4b2a1e53-93c0-4c7e-9a6b-0a8f2d1c2b3a',
  'kots.io/embedded-cluster-version': '2.4.0+k8s-1.31',
  'kots.io/embedded-cluster-is-ha': 'false',
  'kots.io/embedded-cluster-pod-cidr': '10.244.0.0/16',
  'kots.io/embedded-cluster-service-cidr': '10.96.0.0/12',
  'kots.io/embedded-cluster-seaweedfs-s3-ip': '10.96.0.12',
  'kots.io/embedded-cluster-admin-console-port': '30000',
  'kots.io/embedded-cluster-local-artifact-mirror-port': '50000',
  'kots.io/embedded-cluster-data-dir': '/var/lib/embedded-cluster',
  'replicated.com/disaster-recovery-version': '1',
  'replicated.com/backup-count': '2',
});

export function infraBackup(status: Status = {}, name = INFRA, drName = DR_NAME): VeleroBackup {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: {
      name,
      generateName: 'instance-',
      namespace: 'velero',
      uid: `uid-${name}`,
      resourceVersion: JSON.stringify(status),
      creationTimestamp: '2026-11-23T10:00:01Z',
      labels: { 'replicated.com/backup-name': drName },
      annotations: { ...common(), 'replicated.com/backup-type': 'infra' },
    },
    spec: {
      storageLocation: 'default',
      includedNamespaces: ['kotsadm', 'embedded-cluster', 'kube-system', 'openebs', 'seaweedfs', 'registry'],
      excludedNamespaces: [],
      includeClusterResources: true,
      orLabelSelectors: [
        { matchLabels: { 'replicated.com/disaster-recovery': 'infra' } },
        { matchLabels: { 'replicated.com/disaster-recovery': 'ec-install' } },
      ],
      ttl: '720h0m0s',
    },
    status,
  };
}

export function appBackup(status: Status = {}, name = APP, drName = DR_NAME): VeleroBackup {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: {
      name,
      generateName: 'application-',
      namespace: 'velero',
      uid: `uid-${name}`,
      resourceVersion: JSON.stringify(status),
      creationTimestamp: '2026-11-23T10:00:01Z',
      labels: { 'replicated.com/backup-name': drName },
      annotations: {
        ...common(),
        'replicated.com/backup-type': 'app',
        'replicated.com/restore-spec':
          'apiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  name: my-app\n  namespace: velero\nspec:\n  backupName: my-app\n  includedNamespaces:\n  - my-app\n',
      },
    },
    spec: { storageLocation: 'default', includedNamespaces: ['my-app'], ttl: '720h0m0s' },
    status,
  };
}

export const running = (items = 10, total = 100): Status => ({
  phase: 'InProgress',
  startTimestamp: '2026-11-23T10:00:02Z',
  expiration: '2026-12-23T10:00:02Z',
  progress: { itemsBackedUp: items, totalItems: total },
});
export const completed = (items: number, end = '2026-11-23T10:01:00Z', extra: Partial<Status> = {}): Status => ({
  phase: 'Completed',
  startTimestamp: '2026-11-23T10:00:02Z',
  completionTimestamp: end,
  expiration: '2026-12-23T10:00:02Z',
  progress: { itemsBackedUp: items, totalItems: items },
  errors: 0,
  warnings: 0,
  ...extra,
});
