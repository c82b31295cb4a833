/**
 * A small raw Kubernetes client for the lab's own processes (seeding, the process kubelet): the
 * lab needs subresources (pods/status, pods/binding), merge patches and server-side apply, which
 * are simplest as plain requests authenticated by @kubernetes/client-node's KubeConfig.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { request, type RequestOptions } from 'node:https';

export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly body: any,
    method: string,
    path: string,
  ) {
    super(`${method} ${path} → ${status}: ${body?.message ?? JSON.stringify(body)}`);
  }
}

export class Kube {
  readonly kc = new KubeConfig();
  private readonly server: string;

  constructor(kubeconfigPath: string) {
    this.kc.loadFromFile(kubeconfigPath);
    this.server = this.kc.getCurrentCluster()!.server;
  }

  async request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, this.server);
    const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (payload !== undefined) {
      (opts.headers as Record<string, string>)['content-type'] = contentType;
      (opts.headers as Record<string, string>)['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<T>((resolve, reject) => {
      const req = request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          if ((res.statusCode ?? 500) >= 300) reject(new KubeError(res.statusCode ?? 500, parsed, method, path));
          else resolve(parsed as T);
        });
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  async getOrUndefined<T = any>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  post<T = any>(path: string, body: unknown) {
    return this.request<T>('POST', path, body);
  }

  mergePatch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body, 'application/merge-patch+json');
  }

  async delete(path: string, body?: unknown): Promise<void> {
    try {
      await this.request('DELETE', path, body);
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 404)) throw e;
    }
  }

  /** Server-side apply: create or update to exactly this object, as `kubectl apply --server-side`. */
  apply<T = any>(obj: any): Promise<T> {
    return this.request<T>('PATCH', `${objectPath(obj)}?fieldManager=lifeboat-lab&force=true`, obj, 'application/apply-patch+yaml');
  }
}

const coreKinds: Record<string, string> = {
  Namespace: 'namespaces',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  Pod: 'pods',
  ServiceAccount: 'serviceaccounts',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  Node: 'nodes',
  Event: 'events',
};
const clusterScoped = new Set(['Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition']);

/** The REST path of an object, from its apiVersion and kind (the kinds the lab creates). */
export function objectPath(obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  const plural = coreKinds[obj.kind] ?? `${obj.kind.toLowerCase()}s`.replace(/ys$/, 'ies').replace(/sss$/, 'sses');
  const base = obj.apiVersion === 'v1' ? '/api/v1' : `/apis/${obj.apiVersion}`;
  const ns = clusterScoped.has(obj.kind) ? '' : `/namespaces/${obj.metadata.namespace ?? 'default'}`;
  return `${base}${ns}/${plural}/${obj.metadata.name}`;
}
