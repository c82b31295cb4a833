/**
 * Which applications a restore is about: the ones a backup holds, and the ones KOTS has installed
 * on this cluster now (KOTS decides from both which apps it undeploys and restores; impact.ts
 * appsInRestore).
 */
import type { KubeJson } from '../../cluster/rest.js';
import type { VeleroBackup } from '../../velero/types.js';

/** The backup's apps from kots.io/apps-versions; `fallback` (the wizard's slug) when it names none. */
export function appSlugsOf(b: VeleroBackup, fallback: string | undefined): string[] {
  try {
    const slugs = Object.keys(JSON.parse(b.metadata.annotations?.['kots.io/apps-versions'] ?? '{}') as object);
    if (slugs.length) return slugs;
  } catch {
    /* fall through */
  }
  return fallback ? [fallback] : [];
}

/**
 * The apps KOTS has installed on this cluster now, as far as the cluster shows them. KOTS's own list
 * is its database (store.ListInstalledApps, kots pkg/handlers/restore.go at v1.131.4), which the
 * cluster API does not expose; what it does show is the kots.io/app-slug label KOTS puts on
 * everything it deploys (pkg/operator/operator.go). An app of the backup whose workloads are gone
 * (the usual disaster) is still installed for KOTS, so the backup's apps always count as installed;
 * the label adds the apps installed since. Undefined when the workloads cannot be listed. Bounded:
 * one page of each kind.
 */
export async function installedApps(kube: Pick<KubeJson, 'getOrUndefined'>, backupApps: string[]): Promise<string[] | undefined> {
  const slugs = new Set<string>(backupApps);
  const sel = encodeURIComponent('kots.io/app-slug');
  try {
    for (const plural of ['deployments', 'statefulsets']) {
      const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { labels?: Record<string, string> } }> }>(
        `/apis/apps/v1/${plural}?labelSelector=${sel}&limit=500`,
      );
      if (!list) return undefined;
      for (const o of list.items ?? []) {
        const slug = o.metadata.labels?.['kots.io/app-slug'];
        if (slug) slugs.add(slug);
      }
    }
  } catch {
    return undefined;
  }
  return [...slugs].sort();
}
