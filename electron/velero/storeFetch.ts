/**
 * Fetching a presigned URL of the backup storage from this machine, also when the storage is only
 * reachable inside the cluster. KOTS's file-system MinIO and its internal stores set the storage
 * location's publicUrl to a Service's ClusterIP (kots pkg/snapshot/store.go at v1.131.4:
 * `http://<ObjectStoreClusterIP>:9000`), so Velero signs download URLs for an address a workstation
 * cannot route to. For such a URL Lifeboat port-forwards to a pod behind that Service and sends the
 * request with the URL's own Host header, so the signature (which covers the host) stays valid.
 * Every other URL is fetched directly.
 */
import { isIP } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { forwardToPod, podBehind, serviceFor } from '../cluster/forward.js';

/** Addresses a Service's ClusterIP can have: private IPv4 ranges (RFC 1918, RFC 6598) and IPv6 ULA. */
export function couldBeClusterIP(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(h) === 6) return /^f[cd]/i.test(h);
  return /^[a-z0-9-]+\.[a-z0-9-]+(\.svc(\.cluster\.local)?)?\.?$/i.test(h) && !h.includes('..');
}

/** An error shaped like fetch's own ("fetch failed" with a cause), so callers report it the same way. */
function fetchFailed(message: string): Error {
  return new Error('fetch failed', { cause: { message } });
}

/**
 * A fetch for presigned store URLs: through a port-forward when the URL's host is a Service of the
 * cluster, directly otherwise. GET only (that is all a presigned download is).
 */
export function storeFetch(kc: KubeConfig, direct: typeof fetch = fetch): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.protocol !== 'http:' || !couldBeClusterIP(url.hostname)) return direct(input, init);
    const svc = await serviceFor(kc, url.hostname).catch(() => undefined);
    if (!svc) return direct(input, init);
    const where = `Service ${svc.metadata?.namespace}/${svc.metadata?.name}`;
    const port = Number(url.port || 80);
    let target: Awaited<ReturnType<typeof podBehind>>;
    try {
      target = await podBehind(kc, svc, port);
    } catch (err) {
      throw fetchFailed(`${url.host} is ${where} inside the cluster, and its pods could not be listed: ${(err as Error).message?.split('\n')[0]}`);
    }
    if ('problem' in target) throw fetchFailed(`${url.host} is ${where} inside the cluster, and Lifeboat cannot port-forward to it: ${target.problem}`);
    // No listening socket: the request runs over its own port-forward stream, sent with the URL's Host.
    const fwd = await forwardToPod(kc, svc.metadata!.namespace!, target.pod, target.port);
    try {
      return await fwd.fetch(url, { method: 'GET', signal: init?.signal ?? undefined });
    } catch (err) {
      void fwd.close();
      throw fetchFailed(`${url.host} is ${where} inside the cluster; the port-forward to ${fwd.source} failed: ${(err as Error).message}`);
    }
  };
}
