/**
 * Kubernetes access for the kubectl-kots and admin console stand-ins (@kubernetes/client-node 1.x,
 * object-parameter API). Also formats API errors the way client-go prints them.
 */
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GROUP, VERSION } from './snapshot.js';

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
}

/** --kubeconfig, else $KUBECONFIG (first entry), else ~/.kube/config. */
export function resolveKubeconfigPath(explicit?: string): string {
  if (explicit) return explicit;
  const env = process.env.KUBECONFIG;
  if (env) {
    const first = env.split(':').find((p) => p && existsSync(p));
    if (first) return first;
    return env.split(':')[0];
  }
  return join(homedir(), '.kube', 'config');
}

export class Kube {
  readonly kc: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly rbac: k8s.RbacAuthorizationV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly kubeconfigPath: string;

  constructor(opts: KubeOptions = {}) {
    this.kubeconfigPath = resolveKubeconfigPath(opts.kubeconfig);
    if (!existsSync(this.kubeconfigPath)) throw new Error(`stat ${this.kubeconfigPath}: no such file or directory`);
    this.kc = new k8s.KubeConfig();
    this.kc.loadFromFile(this.kubeconfigPath);
    if (opts.context) {
      if (!this.kc.getContextObject(opts.context)) throw new Error(`context "${opts.context}" does not exist`);
      this.kc.setCurrentContext(opts.context);
    }
    this.core = this.kc.makeApiClient(k8s.CoreV1Api);
    this.apps = this.kc.makeApiClient(k8s.AppsV1Api);
    this.rbac = this.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    this.batch = this.kc.makeApiClient(k8s.BatchV1Api);
    this.custom = this.kc.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Namespace of the current context (getNamespaceOrDefault's fallback before `default`). */
  contextNamespace(): string {
    const ctx = this.kc.getContextObject(this.kc.getCurrentContext());
    return ctx?.namespace ?? '';
  }

  // velero.io/v1 objects -------------------------------------------------------------------
  async listVelero<T = any>(plural: string, namespace: string, labelSelector?: string): Promise<T[]> {
    const res = await this.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, labelSelector });
    return (res as { items: T[] }).items ?? [];
  }
  async getVelero<T = any>(plural: string, namespace: string, name: string): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name })) as T;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async createVelero<T = any>(plural: string, namespace: string, body: object): Promise<T> {
    return (await this.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, body })) as T;
  }
  async replaceVelero<T = any>(plural: string, namespace: string, name: string, body: object): Promise<T> {
    return (await this.custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name, body })) as T;
  }
  async deleteVelero(plural: string, namespace: string, name: string): Promise<boolean> {
    try {
      await this.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async getSecret(namespace: string, name: string): Promise<k8s.V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async getConfigMap(namespace: string, name: string): Promise<k8s.V1ConfigMap | undefined> {
    try {
      return await this.core.readNamespacedConfigMap({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async getDeployment(namespace: string, name: string): Promise<k8s.V1Deployment | undefined> {
    try {
      return await this.apps.readNamespacedDeployment({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async getStatefulSet(namespace: string, name: string): Promise<k8s.V1StatefulSet | undefined> {
    try {
      return await this.apps.readNamespacedStatefulSet({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async getDaemonSet(namespace: string, name: string): Promise<k8s.V1DaemonSet | undefined> {
    try {
      return await this.apps.readNamespacedDaemonSet({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Create or update a Secret's data (ensureCloudCredentialsSecret / ensureImagePullSecret). */
  async upsertSecret(namespace: string, name: string, data: Record<string, string>, type?: string, labels?: Record<string, string>): Promise<void> {
    const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    const existing = await this.getSecret(namespace, name);
    if (!existing) {
      await this.core.createNamespacedSecret({ namespace, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels }, type, data: b64 } });
      return;
    }
    existing.data = { ...(existing.data ?? {}), ...b64 };
    await this.core.replaceNamespacedSecret({ namespace, name, body: existing });
  }

  /**
   * DetectVeleroNamespace: ConfigMap kotsadm-velero-namespace (key veleroNamespace) in the kotsadm
   * namespace if present, else the namespace of a Deployment named `velero` anywhere. Any list
   * error means "not found".
   */
  async detectVeleroNamespace(kotsadmNamespace: string): Promise<string> {
    let ns = '';
    if (kotsadmNamespace) {
      try {
        const cm = await this.core.readNamespacedConfigMap({ namespace: kotsadmNamespace, name: 'kotsadm-velero-namespace' });
        ns = cm.data?.veleroNamespace ?? '';
      } catch {
        ns = '';
      }
    }
    try {
      const list = ns ? await this.apps.listNamespacedDeployment({ namespace: ns }) : await this.apps.listDeploymentForAllNamespaces();
      const d = list.items.find((x) => x.metadata?.name === 'velero');
      return d?.metadata?.namespace ?? '';
    } catch {
      return '';
    }
  }

  /** FindBackupStoreLocation: the BSL named `default` in the detected velero namespace. */
  async findDefaultBsl(kotsadmNamespace: string): Promise<any | undefined> {
    const ns = await this.detectVeleroNamespace(kotsadmNamespace);
    if (!ns) return undefined;
    try {
      const items = await this.listVelero('backupstoragelocations', ns);
      return items.find((b: any) => b.metadata?.name === 'default');
    } catch (e) {
      throw new Error(`failed to list backupstoragelocations: ${kubeErrorMessage(e)}`);
    }
  }

  async isKurl(): Promise<boolean> {
    try {
      await this.core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kurl-config' });
      return true;
    } catch {
      return false;
    }
  }

  /** GetOrCreateAuthSlug: Secret kotsadm-authstring, key kotsadm-authstring ("Kots <32 chars>"). */
  async getOrCreateAuthSlug(namespace: string): Promise<string> {
    const s = await this.getSecret(namespace, 'kotsadm-authstring');
    if (s) return Buffer.from(s.data?.['kotsadm-authstring'] ?? '', 'base64').toString('utf8');
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const bytes = (await import('node:crypto')).randomBytes(32);
    const slug = 'Kots ' + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    await this.core.createNamespacedSecret({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kotsadm-authstring', namespace, labels: { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' } },
        stringData: { 'kotsadm-authstring': slug },
      },
    });
    return slug;
  }
}

export function errorCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'number' ? c : undefined;
}

export function isNotFound(e: unknown): boolean {
  return errorCode(e) === 404;
}

export function isConflict(e: unknown): boolean {
  return errorCode(e) === 409;
}

/** The Status.message of an API error (what client-go prints), else the error's message. */
export function kubeErrorMessage(e: unknown): string {
  const body = (e as { body?: unknown })?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const msg = (parsed as { message?: unknown })?.message;
  if (typeof msg === 'string' && msg) return msg;
  if (e instanceof Error) {
    const first = e.message.split('\n')[0];
    return first.replace(/^HTTP-Code: /, 'HTTP ');
  }
  return String(e);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Deletes objects matching `labelSelector` in `namespace` kind by kind and waits until they are gone
 * (k8sutil.DeleteKotsadm's order; also used to undeploy an app). PVCs included.
 */
export async function deleteLabelled(
  kube: Kube,
  namespace: string,
  labelSelector: string,
  opts: { clusterScoped?: boolean; kinds?: string[]; timeoutMs?: number } = {},
): Promise<void> {
  const all = [
    'services',
    'deployments',
    'statefulsets',
    'daemonsets',
    'replicasets',
    'jobs',
    'cronjobs',
    'pods',
    'pvcs',
    'secrets',
    'configmaps',
    'clusterrolebindings',
    'rolebindings',
    'clusterroles',
    'roles',
    'serviceaccounts',
  ];
  const kinds = opts.kinds ?? all;
  const ls = { namespace, labelSelector };
  const api: Record<
    string,
    { list: () => Promise<{ items: Array<{ metadata?: k8s.V1ObjectMeta }> }>; del: (name: string) => Promise<unknown>; cluster?: boolean }
  > = {
    services: { list: () => kube.core.listNamespacedService(ls), del: (name) => kube.core.deleteNamespacedService({ namespace, name }) },
    deployments: {
      list: () => kube.apps.listNamespacedDeployment(ls),
      del: (name) => kube.apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: 'Background' }),
    },
    statefulsets: {
      list: () => kube.apps.listNamespacedStatefulSet(ls),
      del: (name) => kube.apps.deleteNamespacedStatefulSet({ namespace, name, propagationPolicy: 'Background' }),
    },
    daemonsets: {
      list: () => kube.apps.listNamespacedDaemonSet(ls),
      del: (name) => kube.apps.deleteNamespacedDaemonSet({ namespace, name, propagationPolicy: 'Background' }),
    },
    replicasets: {
      list: () => kube.apps.listNamespacedReplicaSet(ls),
      del: (name) => kube.apps.deleteNamespacedReplicaSet({ namespace, name, propagationPolicy: 'Background' }),
    },
    jobs: { list: () => kube.batch.listNamespacedJob(ls), del: (name) => kube.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }) },
    cronjobs: { list: () => kube.batch.listNamespacedCronJob(ls), del: (name) => kube.batch.deleteNamespacedCronJob({ namespace, name }) },
    pods: { list: () => kube.core.listNamespacedPod(ls), del: (name) => kube.core.deleteNamespacedPod({ namespace, name }) },
    pvcs: {
      list: () => kube.core.listNamespacedPersistentVolumeClaim(ls),
      del: (name) => kube.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }),
    },
    secrets: { list: () => kube.core.listNamespacedSecret(ls), del: (name) => kube.core.deleteNamespacedSecret({ namespace, name }) },
    configmaps: { list: () => kube.core.listNamespacedConfigMap(ls), del: (name) => kube.core.deleteNamespacedConfigMap({ namespace, name }) },
    clusterrolebindings: {
      list: () => kube.rbac.listClusterRoleBinding({ labelSelector }),
      del: (name) => kube.rbac.deleteClusterRoleBinding({ name }),
      cluster: true,
    },
    rolebindings: { list: () => kube.rbac.listNamespacedRoleBinding(ls), del: (name) => kube.rbac.deleteNamespacedRoleBinding({ namespace, name }) },
    clusterroles: { list: () => kube.rbac.listClusterRole({ labelSelector }), del: (name) => kube.rbac.deleteClusterRole({ name }), cluster: true },
    roles: { list: () => kube.rbac.listNamespacedRole(ls), del: (name) => kube.rbac.deleteNamespacedRole({ namespace, name }) },
    serviceaccounts: { list: () => kube.core.listNamespacedServiceAccount(ls), del: (name) => kube.core.deleteNamespacedServiceAccount({ namespace, name }) },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  for (const kind of kinds) {
    const a = api[kind];
    if (!a || (a.cluster && !opts.clusterScoped)) continue;
    const items = (await a.list()).items;
    for (const it of items) {
      try {
        await a.del(it.metadata!.name!);
      } catch (e) {
        if (!isNotFound(e)) throw new Error(`failed to delete ${kind} ${it.metadata!.name} in namespace ${namespace}: ${kubeErrorMessage(e)}`);
      }
    }
    // wait for delete (objects with finalizers, e.g. PVCs with kubernetes.io/pvc-protection, linger)
    for (;;) {
      const left = (await a.list()).items.length;
      if (left === 0) break;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${kind} with ${labelSelector} in ${namespace} to be deleted`);
      await sleep(1000);
    }
  }
}
