/**
 * Port-forwards through the Kubernetes API server, as `kubectl port-forward` does, but with no
 * listening socket: every HTTP request gets its own pods/portforward stream to one port of one pod,
 * handed to node:http in-process as its connection, so no other program on this computer can
 * connect to it. Lifeboat uses it for what a cluster publishes only inside itself: the admin
 * console's API (kotsadm:3000) and object stores whose address is a Service's ClusterIP (KOTS's
 * file-system MinIO, whose publicUrl is `http://<ClusterIP>:9000`: kots pkg/snapshot/store.go at v1.131.4).
 */
import { request } from 'node:http';
import { isIP } from 'node:net';
import { Duplex, Readable } from 'node:stream';
import { CoreV1Api, type KubeConfig, PortForward, type V1Pod, type V1Service } from '@kubernetes/client-node';

export interface Forward {
  /** In words: "pod kotsadm-… port 3000 (namespace kotsadm)". */
  source: string;
  /** A fetch (http:// URLs; the URL's host is sent as Host) whose connections are port-forward streams. */
  fetch: typeof fetch;
  /** Ends the streams still open. */
  close(): Promise<void>;
}

type PortForwarder = Pick<PortForward, 'portForward'>;

/** One end of an in-process connection; what is written to one end is read from the other. */
class PairEnd extends Duplex {
  peer?: PairEnd;
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.peer?.push(chunk);
    cb();
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.peer?.push(null);
    cb();
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (this.peer && !this.peer.destroyed) this.peer.destroy();
    cb(err);
  }
}

export function duplexPair(): [Duplex, Duplex] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Ready, running and not going away: the pod a Service would send traffic to. */
export function isServing(p: V1Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** One connection to <pod>:<port> through the API server, as a stream (no socket anywhere). */
export function connectToPod(pf: PortForwarder, namespace: string, pod: string, port: number): Duplex {
  const [client, server] = duplexPair();
  pf.portForward(namespace, pod, [port], server, null, server).then(
    (ws) => {
      const w = ws as { close?: () => void; on?: (e: string, f: () => void) => void };
      if (server.destroyed) return void w.close?.();
      server.once('close', () => w.close?.());
      w.on?.('close', () => server.end()); // the pod's side is done: EOF after what it sent
    },
    (err: unknown) => client.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return client;
}

export async function forwardToPod(kc: KubeConfig, namespace: string, pod: string, port: number, deps: { portForward?: PortForwarder } = {}): Promise<Forward> {
  const pf = deps.portForward ?? new PortForward(kc);
  const open = new Set<Duplex>();
  const connect = () => {
    const c = connectToPod(pf, namespace, pod, port);
    open.add(c);
    c.once('close', () => open.delete(c));
    return c;
  };
  return {
    source: `pod ${pod} port ${port} (namespace ${namespace})`,
    fetch: fetchOver(connect),
    close: async () => {
      for (const c of open) c.destroy();
    },
  };
}

/** fetch (http only, string bodies) whose every request runs over a connection from `connect`. */
export function fetchOver(connect: () => Duplex): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = init?.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : String(init.body);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        {
          method: init?.method ?? 'GET',
          host: url.hostname,
          port: url.port || 80,
          path: url.pathname + url.search,
          headers: { host: url.host, connection: 'close', ...headers },
          createConnection: () => connect(),
          signal: init?.signal ?? undefined,
        },
        (res) => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 502;
          // A Response with a body may not carry 204/304.
          resolve(new Response(status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream), { status, headers: h }));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  };
}

/** The Service a host:port names inside the cluster: a ClusterIP, or `<svc>.<ns>[.svc[.cluster.local]]`. */
export async function serviceFor(kc: KubeConfig, host: string): Promise<V1Service | undefined> {
  const core = kc.makeApiClient(CoreV1Api);
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    // One bounded page: a cluster with more Services than this is not worth a second round trip here.
    const list = await core.listServiceForAllNamespaces({ limit: 1000 });
    return list.items.find((s) => s.spec?.clusterIP === bare || (s.spec?.clusterIPs ?? []).includes(bare));
  }
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.svc(\.cluster\.local)?)?\.?$/.exec(bare);
  if (!m) return undefined;
  return core.readNamespacedService({ name: m[1], namespace: m[3] }).catch(() => undefined);
}

/** A serving pod behind the Service and the pod port its `port` targets (named target ports resolved). */
export async function podBehind(kc: KubeConfig, svc: V1Service, port: number): Promise<{ pod: string; port: number } | { problem: string }> {
  const ns = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '?';
  const sp = (svc.spec?.ports ?? []).find((p) => p.port === port) ?? (svc.spec?.ports?.length === 1 ? svc.spec.ports[0] : undefined);
  if (!sp) return { problem: `Service ${ns}/${name} has no port ${port}` };
  const selector = svc.spec?.selector;
  if (!selector || !Object.keys(selector).length) return { problem: `Service ${ns}/${name} has no pod selector` };
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns, labelSelector });
  const pod = pods.items.find(isServing);
  if (!pod) return { problem: `no Running, Ready pod behind Service ${ns}/${name}` };
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return { pod: pod.metadata!.name!, port: target };
  if (/^\d+$/.test(String(target))) return { pod: pod.metadata!.name!, port: Number(target) };
  const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  return named ? { pod: pod.metadata!.name!, port: named.containerPort } : { problem: `pod ${pod.metadata?.name} has no port named ${target}` };
}
