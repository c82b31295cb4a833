/** Contract area "cluster": kubeconfigs, contexts, the connection and its permissions. */
import { z } from 'zod';
import { empty, ErrorData, LocalPath, method } from './shared.js';

export const KubeconfigSource = z.object({
  path: z.string(),
  /** Where it was found: the KUBECONFIG list, ~/.kube/config, a kURL or Embedded Cluster host. */
  origin: z.enum(['KUBECONFIG', 'home', 'kurl', 'embedded-cluster', 'chosen']),
  exists: z.boolean(),
});
export type KubeconfigSource = z.infer<typeof KubeconfigSource>;

export const KubeContext = z.object({
  name: z.string(),
  cluster: z.string(),
  user: z.string(),
  namespace: z.string().optional(),
  server: z.string().optional(),
});
export type KubeContext = z.infer<typeof KubeContext>;

export const PermissionCheck = z.object({
  verb: z.string(),
  group: z.string(),
  resource: z.string(),
  namespace: z.string().optional(),
  allowed: z.boolean(),
  /** Why Lifeboat needs it, in the operator's words. */
  purpose: z.string(),
});
export type PermissionCheck = z.infer<typeof PermissionCheck>;

export const ClusterStatus = z.object({
  state: z.enum(['disconnected', 'connecting', 'connected', 'error']),
  kubeconfigPath: z.string().optional(),
  context: z.string().optional(),
  contexts: z.array(KubeContext),
  server: z.string().optional(),
  user: z.string().optional(),
  kubernetesVersion: z.string().optional(),
  permissions: z.array(PermissionCheck),
  missingPermissions: z.array(PermissionCheck),
  error: ErrorData.optional(),
  checkedAt: z.string().optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

const ContextName = z.string().min(1).max(253);

export const clusterMethods = {
  'cluster.kubeconfigs': method(empty, z.array(KubeconfigSource)),
  'cluster.status': method(empty, ClusterStatus),
  /**
   * Connect with a kubeconfig (a discovered or chosen path) and optionally a context. Without a
   * path: the current one, else the first discovered kubeconfig that exists. Connection failures
   * (KUBECONFIG_MISSING/INVALID, CONTEXT_UNKNOWN, CLUSTER_UNREACHABLE, CLUSTER_AUTH_FAILED,
   * CERTIFICATE_EXPIRED) come back in the status (state "error", `error` with code, message, hint)
   * and in `cluster.changed`, not as a rejected call. `cluster.useContext` with a name the loaded
   * kubeconfig does not have rejects with CONTEXT_UNKNOWN and leaves the status as it was.
   */
  'cluster.connect': method(
    z
      .object({
        kubeconfigPath: LocalPath.optional(),
        context: ContextName.optional(),
      })
      .strict(),
    ClusterStatus,
  ),
  'cluster.useContext': method(z.object({ context: ContextName }).strict(), ClusterStatus),
  'cluster.disconnect': method(empty, ClusterStatus),
} as const;

export const clusterEvents = {
  'cluster.changed': ClusterStatus,
} as const;
