/**
 * A small JSON client over the connected KubeConfig for the restore workflow's reads and the few
 * writes it makes itself (DownloadRequests, the storage location's access mode). Plain REST paths
 * keep Velero's custom resources, merge patches and label-selected lists equally simple. Failures
 * become LifeboatErrors through the cluster layer's one mapping.
 *
 * Note: the backups area is building electron/velero/resources.ts and downloads.ts; until they
 * exist, the restore workflow keeps its own minimal Velero reads here and in velero.ts.
 */
import { request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { mapClusterError } from '../../cluster/connection.js';

export class KubeHttpError extends Error {
  constructor(readonly code: number, readonly body: unknown, method: string, path: string) {
    super(`${method} ${path} → HTTP ${code}`);
  }
}

export interface KubeJson {
  get<T = any>(path: string): Promise<T>;
  getOrUndefined<T = any>(path: string): Promise<T | undefined>;
  post<T = any>(path: string, body: unknown): Promise<T>;
  mergePatch<T = any>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

export function kubeJson(kc: KubeConfig, timeoutMs = 30_000): KubeJson {
  const server = kc.getCurrentCluster()?.server ?? '';
  const user = kc.getCurrentUser()?.name;
  async function call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, server);
    const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      (opts.headers as Record<string, string>)['content-type'] = contentType;
      (opts.headers as Record<string, string>)['content-length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'http:' ? httpRequest : request;
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = send(url, opts, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON */
            }
            if ((res.statusCode ?? 500) >= 300) reject(new KubeHttpError(res.statusCode ?? 500, parsed, method, path));
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
      if (err instanceof KubeHttpError && err.code === 404) throw err;
      throw mapClusterError(err, { server, user, action: `${method === 'GET' ? 'read' : 'change'} ${path}` });
    }
  }
  return {
    get: (path) => call('GET', path),
    async getOrUndefined(path) {
      try {
        return await call('GET', path);
      } catch (e) {
        if (e instanceof KubeHttpError && e.code === 404) return undefined;
        throw e;
      }
    },
    post: (path, body) => call('POST', path, body),
    mergePatch: (path, body) => call('PATCH', path, body, 'application/merge-patch+json'),
    async delete(path) {
      try {
        await call('DELETE', path);
      } catch (e) {
        if (!(e instanceof KubeHttpError && e.code === 404)) throw e;
      }
    },
  };
}

/** A 404 from `get` (everything else is already a LifeboatError). */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeHttpError && err.code === 404;
}
