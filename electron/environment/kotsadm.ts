/**
 * The admin console's workload, whichever kind KOTS made it. KOTS deploys kotsadm as a Deployment
 * only when it includes MinIO; otherwise as a StatefulSet named kotsadm, and it deletes the old
 * Deployment (kots pkg/kotsadm/kotsadm.go ensureKotsadmComponent, pkg/kotsadm/main.go
 * removeKotsadmMinio at v1.131.4). KOTS itself reads either (pkg/k8sutil/kotsadm.go
 * FindKotsadmImage), so Lifeboat must too: detection and restore verification both use this. Pure.
 */
import type { V1Container, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

export interface KotsadmWorkload {
  kind: 'Deployment' | 'StatefulSet';
  namespace?: string;
  /** The object itself, for markers (labels, annotations) on it or its pod template. */
  object: V1Deployment | V1StatefulSet;
  containers: V1Container[];
  /** The kotsadm container's image (KOTS looks for the container named kotsadm). */
  image?: string;
  ready: boolean;
  /** Readiness in words, e.g. "StatefulSet kotsadm in default: 0 of 1 replicas ready". */
  status: string;
}

type Workload = { kind: 'Deployment'; object: V1Deployment } | { kind: 'StatefulSet'; object: V1StatefulSet };

function summarize(w: Workload): KotsadmWorkload {
  const namespace = w.object.metadata?.namespace;
  const containers = w.object.spec?.template?.spec?.containers ?? [];
  const image = (containers.find((c) => c.name === 'kotsadm') ?? containers[0])?.image;
  const where = `${w.kind} kotsadm in ${namespace ?? '?'}`;
  if (w.kind === 'Deployment') {
    // A Deployment serves as soon as one replica is available (minReadySeconds honoured).
    const available = w.object.status?.availableReplicas ?? 0;
    return {
      kind: w.kind,
      namespace,
      object: w.object,
      containers,
      image,
      ready: available > 0,
      status: available > 0 ? `${where} is available.` : `${where} has no available replica.`,
    };
  }
  // A StatefulSet: readyReplicas against the desired replicas (spec.replicas defaults to 1 and
  // KOTS leaves it unset), as KOTS's own app-status does (kots pkg/appstate/statefulsets.go).
  // Scaled to 0 is not ready: nothing serves the admin console then.
  const desired = w.object.spec?.replicas ?? 1;
  const ready = w.object.status?.readyReplicas ?? 0;
  const ok = desired > 0 && ready >= desired;
  return { kind: w.kind, namespace, object: w.object, containers, image, ready: ok, status: `${where}: ${ready} of ${desired} replicas ready.` };
}

/**
 * kotsadm from the Deployments and StatefulSets seen (any namespace; only those named kotsadm count:
 * kotsadm-rqlite and kotsadm-minio are other StatefulSets). Both kinds exist only mid-migration; the
 * ready one wins, then the StatefulSet (what KOTS moves to).
 */
export function findKotsadm(deployments: readonly V1Deployment[], statefulsets: readonly V1StatefulSet[], namespace?: string): KotsadmWorkload | undefined {
  const named = <T extends { metadata?: { name?: string; namespace?: string } }>(list: readonly T[]) =>
    list.find((o) => o.metadata?.name === 'kotsadm' && (!namespace || o.metadata?.namespace === namespace));
  const d = named(deployments);
  const s = named(statefulsets);
  const candidates = [s && summarize({ kind: 'StatefulSet', object: s }), d && summarize({ kind: 'Deployment', object: d })].filter(
    (x): x is KotsadmWorkload => !!x,
  );
  return candidates.find((c) => c.ready) ?? candidates[0];
}
