/**
 * The restore workflow's view of the cluster REST client (electron/cluster/rest.ts): the reads it
 * makes and its few writes (DownloadRequests, the storage location's access mode).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRest, type KubeRest, type KubeRestOptions } from '../../cluster/rest.js';

export { isNotFound, KubeRestError as KubeHttpError } from '../../cluster/rest.js';

export type KubeJson = Pick<KubeRest, 'get' | 'getOrUndefined' | 'post' | 'mergePatch' | 'delete'>;

export function kubeJson(kc: KubeConfig, timeoutMs = 30_000, onWrite?: KubeRestOptions['onWrite']): KubeJson {
  return kubeRest(kc, { timeoutMs, onWrite });
}
