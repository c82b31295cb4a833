/**
 * The watches environment detection keeps (detect.ts): one ListWatch informer per kind of object
 * compute.ts reads, none started yet, and the problem a failing watch becomes on the Overview.
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  ListWatch,
  Watch,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Check } from '../api/contract.js';
import type { Snapshot } from './compute.js';

export type Source = keyof Omit<Snapshot, 'watchProblems' | 'blind'>;

/** One watch: what it feeds into the snapshot, and how it is named to the user. */
export interface FeedDef {
  key: string;
  source: Source;
  what: string;
  informer: ListWatch<KubernetesObject>;
}

type ListFn = () => Promise<KubernetesListObject<KubernetesObject>>;
const list = <T>(fn: () => Promise<T>) => fn as unknown as ListFn;

/** A watch of every object at `path` (optionally label-selected), not started. */
function feed(watch: Watch, key: string, source: Source, what: string, path: string, listFn: ListFn, labelSelector?: string): FeedDef {
  return { key, source, what, informer: new ListWatch(path, watch, listFn, false, labelSelector) };
}

/** A watch of the objects called `name` only (field-selected), not started. */
function namedFeed(watch: Watch, prefix: string, source: Source, kind: string, path: string, name: string, listFn: ListFn): FeedDef {
  return {
    key: `${prefix}:${name}`,
    source,
    what: `${kind} ${name}`,
    informer: new ListWatch(path, watch, listFn, false, undefined, `metadata.name=${name}`),
  };
}

/** Every watch detection keeps on `kc`'s cluster, in the order they are started. */
export function watchFeeds(kc: KubeConfig): FeedDef[] {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const watch = new Watch(kc);
  const byName = (name: string) => ({ fieldSelector: `metadata.name=${name}` });
  const cmFeed = (name: string) =>
    namedFeed(
      watch,
      'cm',
      'configmaps',
      'ConfigMap',
      '/api/v1/configmaps',
      name,
      list(() => core.listConfigMapForAllNamespaces(byName(name))),
    );
  // StatefulSets by name only (kotsadm without MinIO, kURL's ha-minio): bounded like the ConfigMaps.
  const stsFeed = (name: string) =>
    namedFeed(
      watch,
      'sts',
      'statefulsets',
      'StatefulSet',
      '/apis/apps/v1/statefulsets',
      name,
      list(() => apps.listStatefulSetForAllNamespaces(byName(name))),
    );
  return [
    feed(
      watch,
      'deployments',
      'deployments',
      'Deployments',
      '/apis/apps/v1/deployments',
      list(() => apps.listDeploymentForAllNamespaces()),
    ),
    stsFeed('kotsadm'),
    stsFeed('ha-minio'),
    feed(
      watch,
      'daemonsets',
      'daemonsets',
      'DaemonSets',
      '/apis/apps/v1/daemonsets',
      list(() => apps.listDaemonSetForAllNamespaces()),
    ),
    feed(
      watch,
      'namespaces',
      'namespaces',
      'Namespaces',
      '/api/v1/namespaces',
      list(() => core.listNamespace()),
    ),
    feed(
      watch,
      'kotsadmPods',
      'kotsadmPods',
      'kotsadm pods',
      '/api/v1/pods',
      list(() => core.listPodForAllNamespaces({ labelSelector: 'app=kotsadm' })),
      'app=kotsadm',
    ),
    cmFeed('kotsadm-confg'),
    cmFeed('kotsadm-velero-namespace'),
    cmFeed('kurl-config'),
    feed(
      watch,
      'bsls',
      'bsls',
      'BackupStorageLocations',
      '/apis/velero.io/v1/backupstoragelocations',
      list(() => custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'backupstoragelocations' })),
    ),
  ];
}

/** What a failed watch shows on the Overview: none for missing Velero CRDs, a permission warning for 403, else "interrupted". */
export function watchProblem(source: Source, what: string, err: unknown, status: number | undefined): Check | undefined {
  if (source === 'bsls' && status === 404) return undefined; // Velero's CRDs are not installed: no BSLs, not a problem of its own
  if (status === 403) {
    return {
      ok: false,
      severity: 'warning',
      title: `Lifeboat may not watch ${what}`,
      reason: `The cluster refused to list ${what} for this user, so detection may be incomplete.`,
      fix: 'Use a kubeconfig with cluster-wide read access, or see Cluster → Permissions.',
    };
  }
  return {
    ok: false,
    severity: 'warning',
    title: `Watching ${what} was interrupted`,
    reason: (err as Error)?.message?.split('\n')[0] ?? String(err),
    fix: 'Lifeboat retries on its own; check the connection if this stays.',
  };
}
