/**
 * The setup workflow's view of the cluster REST client (electron/cluster/rest.ts). Setup handles 409
 * itself (an object `velero install` or a previous run already created is updated, not an error).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRest, type KubeRest, type KubeRestOptions } from '../../cluster/rest.js';

export { KubeRestError as KubeStatusError } from '../../cluster/rest.js';

export interface SetupKube extends Pick<KubeRest, 'get' | 'post' | 'patch' | 'delete'> {
  find: KubeRest['getOrUndefined'];
}

export function setupKube(kc: KubeConfig, timeoutMs = 30_000, onWrite?: KubeRestOptions['onWrite']): SetupKube {
  const rest = kubeRest(kc, { timeoutMs, passThrough: [404, 409], onWrite });
  return { ...rest, find: rest.getOrUndefined };
}

/** REST path of an object from its apiVersion/kind (the kinds `velero install` creates). */
export function objectPath(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, clusterScoped = CLUSTER_SCOPED.has(o.kind)): string {
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const plural = `${o.kind.toLowerCase()}s`;
  return clusterScoped || !o.metadata.namespace ? `${base}/${plural}/${o.metadata.name}` : `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;
}

const CLUSTER_SCOPED = new Set(['CustomResourceDefinition', 'Namespace', 'ClusterRoleBinding', 'ClusterRole']);
