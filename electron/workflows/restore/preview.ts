/**
 * The confirm step's preview: the live objects KOTS would delete before restoring and which of the
 * backup's objects exist now, read from the cluster and the backup's resource list, then judged by
 * impact.ts. Reads only; a resource list that cannot be read is a note in the preview, not a failure.
 */
import type { RestoreImpact, RestoreObjectRef, RestoreType, RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { appSlugsOf, installedApps } from './apps.js';
import {
  ADMIN_DELETE_CLUSTER_KINDS,
  ADMIN_DELETE_KINDS,
  APP_DELETE_KINDS,
  appsInRestore,
  computeImpact,
  parseResourceList,
  refKey,
  type ResourceList,
} from './impact.js';
import type { KubeJson } from '../../cluster/rest.js';
import type { VeleroReader } from './velero.js';

type Lister = Pick<KubeJson, 'getOrUndefined'>;
type Named = { items?: Array<{ metadata: { name: string } }> };

export interface PreviewDeps {
  kube(): Lister;
  velero(): Pick<VeleroReader, 'backup' | 'download'>;
  /** The admin console's namespace on this cluster, for a backup that does not record its own. */
  kotsNamespace(): string | undefined;
  /** The wizard as it is now (the slug it holds stands in for a backup that names no app). */
  wizard(): RestoreWizard;
}

export async function previewRestore(d: PreviewDeps): Promise<RestoreImpact> {
  const { backup: name, type } = d.wizard();
  const velero = d.velero();
  const b = await velero.backup(name!);
  if (!b) throw new LifeboatError('BACKUP_NOT_RESTORABLE', `Backup ${name} is gone from this cluster.`, 'Pick another backup.');
  const kube = d.kube();
  const kotsadmNs = b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] ?? d.kotsNamespace() ?? 'default';
  const appNamespaces = (b.spec?.includedNamespaces ?? []).filter((n) => n !== kotsadmNs && n !== '*');
  const backupSlugs = appSlugsOf(b, d.wizard().appSlug);
  const installedNow = type === 'app' || type === 'full' ? await installedApps(kube, backupSlugs) : undefined;
  // Application-only: KOTS undeploys the apps installed now, not the backup's (impact.ts appsInRestore).
  const slugs = type === 'admin-console' ? backupSlugs : appsInRestore(type!, backupSlugs, installedNow).restoreNames;
  const toDelete = await liveToDelete(kube, type!, { appNamespaces, slugs, kotsadmNs });
  const { resourceList, problem } = await readResourceList(velero, name!);
  const existing = await existingNow(kube, resourceList, toDelete);
  return computeImpact({
    backup: name!,
    type: type!,
    kotsadmNamespace: kotsadmNs,
    appSlugs: backupSlugs,
    installedNow,
    appNamespaces,
    resourceList,
    resourceListProblem: problem,
    toDelete,
    existing,
  });
}

/** What KOTS deletes first: the apps' labelled objects in their namespaces, then the admin console's. */
export async function liveToDelete(
  kube: Lister,
  type: RestoreType,
  at: { appNamespaces: string[]; slugs: string[]; kotsadmNs: string },
): Promise<RestoreObjectRef[]> {
  const toDelete: RestoreObjectRef[] = [];
  if (type !== 'admin-console') {
    for (const ns of at.appNamespaces) {
      for (const k of APP_DELETE_KINDS) {
        for (const slug of at.slugs) {
          const list = await kube.getOrUndefined<Named>(
            `${k.path}/namespaces/${ns}/${k.plural}?labelSelector=${encodeURIComponent(`kots.io/app-slug=${slug}`)}`,
          );
          for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, namespace: ns, name: o.metadata.name });
        }
      }
    }
  }
  if (type !== 'app') {
    const sel = encodeURIComponent('kots.io/kotsadm=true');
    for (const k of ADMIN_DELETE_KINDS) {
      const list = await kube.getOrUndefined<Named>(`${k.path}/namespaces/${at.kotsadmNs}/${k.plural}?labelSelector=${sel}`);
      for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, namespace: at.kotsadmNs, name: o.metadata.name });
    }
    for (const k of ADMIN_DELETE_CLUSTER_KINDS) {
      const list = await kube.getOrUndefined<Named>(`${k.path}/${k.plural}?labelSelector=${sel}`);
      for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, name: o.metadata.name });
    }
  }
  return toDelete;
}

export async function readResourceList(velero: Pick<VeleroReader, 'download'>, name: string): Promise<{ resourceList?: ResourceList; problem?: string }> {
  try {
    const buf = await velero.download('BackupResourceList', name);
    if (buf) return { resourceList: parseResourceList(buf.toString('utf8')) };
    return { problem: 'the backup storage has no resource list for this backup' };
  } catch (e) {
    return { problem: e instanceof LifeboatError ? e.message : (e as Error).message };
  }
}

/** Which of the objects to restore exist now (only namespaces and the kinds we can list cheaply). */
export async function existingNow(kube: Lister, resourceList: ResourceList | undefined, toDelete: RestoreObjectRef[]): Promise<Set<string>> {
  const existing = new Set<string>(toDelete.map(refKey));
  if (!resourceList) return existing;
  for (const [gvk, items] of Object.entries(resourceList)) {
    const kind = gvk.slice(gvk.lastIndexOf('/') + 1);
    if (kind !== 'Namespace') continue;
    for (const n of items) if (await kube.getOrUndefined(`/api/v1/namespaces/${n}`)) existing.add(refKey({ kind, name: n }));
  }
  for (const ns of new Set(
    Object.values(resourceList)
      .flat()
      .filter((i) => i.includes('/'))
      .map((i) => i.split('/')[0]),
  )) {
    for (const k of APP_DELETE_KINDS) {
      const list = await kube.getOrUndefined<Named>(`${k.path}/namespaces/${ns}/${k.plural}`).catch(() => undefined);
      for (const o of list?.items ?? []) existing.add(refKey({ kind: k.kind, namespace: ns, name: o.metadata.name }));
    }
  }
  return existing;
}
