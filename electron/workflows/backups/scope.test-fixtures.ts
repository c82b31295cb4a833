/**
 * Test fixtures (never imported by shipped code): a Velero watch as a plain object over arrays the
 * test changes, an environment as the detector reports it, and a BackupScope over both.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Environment } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { BackupStorageLocation, PodVolumeBackup, VeleroBackup } from '../../velero/types.js';
import { BackupScope, type WatchView } from './scope.js';

export interface FakeCluster {
  backups: VeleroBackup[];
  locations: BackupStorageLocation[];
  pvbs: PodVolumeBackup[];
  deleteRequests: KubernetesObject[];
  synced: boolean;
}

export function fakeWatch(c: FakeCluster): WatchView {
  const inNs = <T extends { metadata?: { namespace?: string } }>(xs: T[], ns?: string) => xs.filter((x) => !ns || x.metadata?.namespace === ns);
  return {
    start: async () => {},
    backups: (ns?: string) => inNs(c.backups, ns),
    locations: (ns?: string) => inNs(c.locations, ns),
    get: ((kind: string, ns: string, name: string) =>
      kind === 'backups' ? c.backups.find((b) => b.metadata.namespace === ns && b.metadata.name === name) : undefined) as WatchView['get'],
    list: ((kind: string, ns?: string) => (kind === 'deletebackuprequests' ? inNs(c.deleteRequests, ns) : [])) as WatchView['list'],
    count: (kind: string) => (kind === 'podvolumebackups' ? c.pvbs.length : 0),
    podVolumeBackupsFor: (ns: string, name: string) =>
      c.pvbs.filter((p) => p.metadata.namespace === ns && p.metadata.labels?.['velero.io/backup-name'] === name),
    get synced() {
      return c.synced;
    },
  };
}

export function env(extra: Partial<Environment> = {}): Environment {
  return {
    detectedAt: '2026-11-23T10:00:00Z',
    flavour: 'existing',
    kots: { found: true, namespace: 'kotsadm', version: 'v1.131.4', apps: [{ slug: 'my-app', namespace: 'my-app' }] },
    velero: {
      installed: true,
      ready: true,
      namespace: 'velero',
      version: 'v1.18.3',
      storageLocations: [{ name: 'default', provider: 'aws', isDefault: true, phase: 'Available' }],
    },
    ...extra,
  } as unknown as Environment;
}

export function backup(name: string, status: NonNullable<VeleroBackup['status']> = {}, meta: Partial<VeleroBackup['metadata']> = {}): VeleroBackup {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: 'velero', uid: `uid-${name}`, resourceVersion: JSON.stringify(status), creationTimestamp: '2026-11-23T10:00:01Z', ...meta },
    spec: { storageLocation: 'default' },
    status,
  } as VeleroBackup;
}

export const location = (phase = 'Available'): BackupStorageLocation =>
  ({
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: 'velero' },
    spec: { provider: 'aws', default: true, objectStorage: { bucket: 'b' } },
    status: { phase },
  }) as BackupStorageLocation;

/** A cluster with nothing in it yet, a scope over it, and switches for "connected" and the environment. */
export function harness(init: Partial<FakeCluster> = {}) {
  const cluster: FakeCluster = { backups: [], locations: [location()], pvbs: [], deleteRequests: [], synced: true, ...init };
  const state = { connected: true, watching: true, env: env() as Environment | null, kc: {} as KubeConfig };
  const watch = fakeWatch(cluster);
  const scope = new BackupScope({
    watch: () => (state.watching ? watch : undefined),
    env: () => state.env,
    kubeConfig: () => {
      if (!state.connected) throw new LifeboatError('NOT_CONNECTED', 'Not connected to a cluster.', 'Connect on the Overview screen.');
      return state.kc;
    },
  });
  return { cluster, state, scope };
}
