/**
 * The impact preview: what a restore deletes first and what it brings back, from the backup's
 * resource list (DownloadRequest BackupResourceList: `{"apps/v1/Deployment": ["ns/name", …]}`) and
 * the live objects KOTS would delete (kots pkg/k8sutil/kotsadm.go DeleteKotsadm and
 * pkg/operator/operator.go UndeployApp at v1.131.4). Pure.
 */
import type { RestoreImpact, RestoreObjectRef, RestoreType } from '../../api/contract.js';

export type ResourceList = Record<string, string[]>;

/** Namespaced kinds KOTS's undeploy removes for an app (label kots.io/app-slug), PVCs included. */
export const APP_DELETE_KINDS = [
  { kind: 'Deployment', path: '/apis/apps/v1', plural: 'deployments' },
  { kind: 'StatefulSet', path: '/apis/apps/v1', plural: 'statefulsets' },
  { kind: 'DaemonSet', path: '/apis/apps/v1', plural: 'daemonsets' },
  { kind: 'Job', path: '/apis/batch/v1', plural: 'jobs' },
  { kind: 'CronJob', path: '/apis/batch/v1', plural: 'cronjobs' },
  { kind: 'Service', path: '/api/v1', plural: 'services' },
  { kind: 'ConfigMap', path: '/api/v1', plural: 'configmaps' },
  { kind: 'Secret', path: '/api/v1', plural: 'secrets' },
  { kind: 'PersistentVolumeClaim', path: '/api/v1', plural: 'persistentvolumeclaims' },
  { kind: 'ServiceAccount', path: '/api/v1', plural: 'serviceaccounts' },
  { kind: 'Ingress', path: '/apis/networking.k8s.io/v1', plural: 'ingresses' },
] as const;

/** What `DeleteKotsadm` removes (label kots.io/kotsadm=true): namespaced, then cluster-scoped. */
export const ADMIN_DELETE_KINDS = [
  { kind: 'Service', path: '/api/v1', plural: 'services' },
  { kind: 'Deployment', path: '/apis/apps/v1', plural: 'deployments' },
  { kind: 'StatefulSet', path: '/apis/apps/v1', plural: 'statefulsets' },
  { kind: 'PersistentVolumeClaim', path: '/api/v1', plural: 'persistentvolumeclaims' },
  { kind: 'Secret', path: '/api/v1', plural: 'secrets' },
  { kind: 'ConfigMap', path: '/api/v1', plural: 'configmaps' },
  { kind: 'RoleBinding', path: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
  { kind: 'Role', path: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles' },
  { kind: 'ServiceAccount', path: '/api/v1', plural: 'serviceaccounts' },
] as const;
export const ADMIN_DELETE_CLUSTER_KINDS = [
  { kind: 'ClusterRoleBinding', path: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings' },
  { kind: 'ClusterRole', path: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles' },
] as const;

/** Kinds Velero recreates from scratch or that follow from others: not worth listing as "restored". */
const NOISE = new Set(['Pod', 'ReplicaSet', 'ControllerRevision', 'Endpoints', 'EndpointSlice', 'Event', 'Lease']);

export const refKey = (r: RestoreObjectRef) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

export function parseResourceList(json: string): ResourceList {
  const v = JSON.parse(json) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the resource list is not an object');
  const out: ResourceList = {};
  for (const [k, items] of Object.entries(v as Record<string, unknown>)) {
    if (Array.isArray(items)) out[k] = items.filter((i): i is string => typeof i === 'string');
  }
  return out;
}

/** "apps/v1/Deployment" + "ns/name" → ref; cluster-scoped items have no namespace part. */
export function refsOf(list: ResourceList): RestoreObjectRef[] {
  const refs: RestoreObjectRef[] = [];
  for (const [gvk, items] of Object.entries(list)) {
    const kind = gvk.slice(gvk.lastIndexOf('/') + 1);
    for (const item of items) {
      const i = item.indexOf('/');
      refs.push(i >= 0 ? { kind, namespace: item.slice(0, i), name: item.slice(i + 1) } : { kind, name: item });
    }
  }
  return refs;
}

/** Which side of the restore an object in the backup belongs to: by namespace; cluster-wide objects by name. */
export function sideOf(ref: RestoreObjectRef, kotsadmNamespace: string): 'admin-console' | 'app' {
  if (ref.namespace) return ref.namespace === kotsadmNamespace ? 'admin-console' : 'app';
  if (ref.kind === 'Namespace') return ref.name === kotsadmNamespace ? 'admin-console' : 'app';
  return /kotsadm|kots/.test(ref.name) ? 'admin-console' : 'app';
}

export interface AppsInRestore {
  /** Slugs KOTS creates a `<backup>.<slug>` Velero Restore for (the ones to wait for). */
  restoreNames: string[];
  /** Apps that come back as they were in the backup. */
  comesBack: string[];
  /** Installed now, not in the backup: undeployed with their PVCs, and nothing restores them. */
  deletedForGood: string[];
  /** In the backup, not installed now: an application-only restore leaves them out. */
  notRestored: string[];
  /** Installed now, not in the backup, on a full restore: the restored admin console does not know them. */
  leftUnmanaged: string[];
}

/**
 * Which apps a restore touches, as KOTS decides it. kots pkg/handlers/restore.go RestoreApps at
 * v1.131.4 (restoreAll, as pkg/snapshot/restore.go calls it) walks the apps the admin console has
 * installed at that moment, not the backup's; pkg/operator/operator.go undeploys each (ClearPVCs)
 * and creates `<backup>.<slug>`, which restores nothing for an app the backup does not hold. On a
 * full restore the admin console answering is the restored one, so its apps are the backup's.
 * `installedNow` undefined (a rebuilt cluster, or not readable): the backup's apps.
 */
export function appsInRestore(type: RestoreType, backupApps: string[], installedNow: string[] | undefined): AppsInRestore {
  const none: AppsInRestore = { restoreNames: [], comesBack: [], deletedForGood: [], notRestored: [], leftUnmanaged: [] };
  if (type === 'admin-console') return none;
  const inBackup = new Set(backupApps);
  const now = installedNow ?? backupApps;
  const later = now.filter((s) => !inBackup.has(s));
  if (type === 'full') return { ...none, restoreNames: [...backupApps], comesBack: [...backupApps], leftUnmanaged: installedNow ? later : [] };
  const installed = new Set(now);
  return {
    ...none,
    restoreNames: [...now],
    comesBack: now.filter((s) => inBackup.has(s)),
    deletedForGood: later,
    notRestored: backupApps.filter((s) => !installed.has(s)),
  };
}

export interface ImpactInput {
  backup: string;
  type: RestoreType;
  kotsadmNamespace: string;
  appSlugs: string[];
  /** The apps installed on this cluster now (kots.io/app-slug of live workloads); undefined when unknown. */
  installedNow?: string[];
  /** The app namespaces KOTS clears (the backup's includedNamespaces minus the admin console's). */
  appNamespaces: string[];
  resourceList?: ResourceList;
  resourceListProblem?: string;
  /** Live objects KOTS deletes before restoring. */
  toDelete: RestoreObjectRef[];
  /** Keys (refKey) of objects that exist right now. */
  existing: Set<string>;
  limit?: number;
}

export function computeImpact(input: ImpactInput): RestoreImpact {
  const limit = input.limit ?? 500;
  const wantApp = input.type !== 'admin-console';
  const wantAdmin = input.type !== 'app';
  const refs = input.resourceList ? refsOf(input.resourceList).filter((r) => !NOISE.has(r.kind)) : [];
  const restored = refs.filter((r) => {
    const side = sideOf(r, input.kotsadmNamespace);
    return side === 'app' ? wantApp : wantAdmin;
  });
  restored.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const deleted = [...input.toDelete].sort(
    (a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
  );
  const pvcs = deleted.filter((d) => d.kind === 'PersistentVolumeClaim');
  const who = appsInRestore(input.type, input.appSlugs, input.installedNow);
  const list = (xs: string[]) => xs.join(', ') || 'the application';
  const apps = list(input.type === 'admin-console' ? input.appSlugs : who.restoreNames);
  const back = list(who.comesBack);

  const consequences: string[] = [];
  if (wantApp) {
    consequences.push(
      `KOTS first deletes ${apps} from this cluster${pvcs.length ? `, including ${pvcs.length} persistent volume claim${pvcs.length === 1 ? '' : 's'} and the data in them` : ', including its persistent volume claims and their data'}. This cannot be undone.`,
    );
    if (who.comesBack.length || !who.deletedForGood.length)
      consequences.push(`Then ${back} comes back exactly as it was when backup ${input.backup} was taken: anything changed since then is lost.`);
    for (const s of who.deletedForGood)
      consequences.push(
        `${s} was installed after backup ${input.backup}: KOTS restores every app installed now, so ${s} is deleted with its data, and the backup has nothing of it to bring back.`,
      );
    for (const s of who.notRestored)
      consequences.push(
        `${s} is in the backup but not installed now: an application-only restore restores the apps installed now, so ${s} does not come back. A full restore brings it back with the admin console.`,
      );
    for (const s of who.leftUnmanaged)
      consequences.push(
        `${s} was installed after backup ${input.backup}, so it is not known to the restored admin console: its objects stay on the cluster, no longer managed by KOTS.`,
      );
  }
  if (wantAdmin) {
    consequences.push(
      `KOTS deletes the admin console in namespace ${input.kotsadmNamespace} (its database and settings${wantApp ? '' : '; the application keeps running'}) and restores it from the backup. Config changes and uploaded releases since then are lost.`,
    );
  } else {
    consequences.push('The admin console is left as it is.');
  }
  if (!wantApp) consequences.push(`${apps} is left running as it is.`);
  const notes: string[] = [];
  if (!input.resourceList)
    notes.push(
      `The backup's resource list could not be read${input.resourceListProblem ? `: ${input.resourceListProblem}` : ''}. The restore still works; only this preview is shorter.`,
    );
  else
    notes.push(
      'Objects are assigned to the admin console or the application by namespace; cluster-wide objects by name. Pods and ReplicaSets are recreated by their owners and not listed.',
    );
  if (restored.some((r) => input.existing.has(refKey(r)) && !deleted.some((d) => refKey(d) === refKey(r)))) {
    notes.push('Objects marked "exists now" and not deleted first are left as they are: Velero does not overwrite existing objects (it records a warning).');
  }
  return {
    backup: input.backup,
    type: input.type,
    consequences,
    namespacesCleared: wantApp ? input.appNamespaces : [],
    toDelete: deleted.slice(0, limit),
    toDeleteTotal: deleted.length,
    toRestore: restored.slice(0, limit).map((r) => ({ ...r, existsNow: input.existing.has(refKey(r)) })),
    toRestoreTotal: restored.length,
    resourceListRead: !!input.resourceList,
    notes,
  };
}
