/**
 * A small JSON client over the connected KubeConfig for the setup workflow: reads, creates, patches
 * (merge and strategic-merge) and deletes by REST path. Failures other than 404 become the cluster
 * layer's LifeboatErrors.
 */
import { request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { mapClusterError } from '../../cluster/connection.js';

export class KubeStatusError extends Error {
  constructor(readonly status: number, readonly body: any, method: string, path: string) {
    super(`${method} ${path} → HTTP ${status}${body?.message ? `: ${body.message}` : ''}`);
  }
}

export interface SetupKube {
  get<T = any>(path: string): Promise<T>;
  find<T = any>(path: string): Promise<T | undefined>;
  post<T = any>(path: string, body: unknown): Promise<T>;
  patch<T = any>(path: string, body: unknown, type?: 'merge' | 'strategic'): Promise<T>;
  delete(path: string): Promise<void>;
}

export function setupKube(kc: KubeConfig, timeoutMs = 30_000): SetupKube {
  const server = kc.getCurrentCluster()?.server ?? '';
  const user = kc.getCurrentUser()?.name;
  async function call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, server);
    const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) Object.assign(opts.headers!, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) });
    const send = url.protocol === 'http:' ? httpRequest : request;
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = send(url, opts, (res) => {
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
            if ((res.statusCode ?? 500) >= 300) reject(new KubeStatusError(res.statusCode ?? 500, parsed, method, path));
            else resolve(parsed as T);
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${method} ${path} timed out`), { code: 'ETIMEDOUT' })));
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    } catch (err) {
      if (err instanceof KubeStatusError && (err.status === 404 || err.status === 409)) throw err;
      throw mapClusterError(err, { server, user, action: `${method === 'GET' ? 'read' : 'change'} ${path}` });
    }
  }
  return {
    get: (p) => call('GET', p),
    async find(p) {
      try {
        return await call('GET', p);
      } catch (e) {
        if (e instanceof KubeStatusError && e.status === 404) return undefined;
        throw e;
      }
    },
    post: (p, b) => call('POST', p, b),
    patch: (p, b, type = 'merge') => call('PATCH', p, b, type === 'merge' ? 'application/merge-patch+json' : 'application/strategic-merge-patch+json'),
    async delete(p) {
      try {
        await call('DELETE', p);
      } catch (e) {
        if (!(e instanceof KubeStatusError && e.status === 404)) throw e;
      }
    },
  };
}

/** REST path of an object from its apiVersion/kind (the kinds `velero install` creates). */
export function objectPath(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, clusterScoped = CLUSTER_SCOPED.has(o.kind)): string {
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const plural = `${o.kind.toLowerCase()}s`;
  return clusterScoped || !o.metadata.namespace ? `${base}/${plural}/${o.metadata.name}` : `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;
}

const CLUSTER_SCOPED = new Set(['CustomResourceDefinition', 'Namespace', 'ClusterRoleBinding', 'ClusterRole']);
