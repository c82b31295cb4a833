/**
 * Port-forwards through the Kubernetes API server, as `kubectl port-forward` does: a loopback
 * listener whose every connection is a pods/portforward stream to one port of one pod. Lifeboat uses
 * it for what a cluster publishes only inside itself: the admin console's API (kotsadm:3000) and
 * object stores whose address is a Service's ClusterIP (KOTS's file-system MinIO, whose publicUrl is
 * `http://<ClusterIP>:9000`: kots pkg/snapshot/store.go at v1.131.4).
 */
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { CoreV1Api, KubeConfig, PortForward, type V1Pod, type V1Service } from '@kubernetes/client-node';

export interface Forward {
  /** The loopback port that reaches the pod's port. */
  port: number;
  /** In words: "pod kotsadm-… port 3000 (namespace kotsadm)". */
  source: string;
  /** Stops listening and ends the forwarded connections (a keep-alive would hold them open). */
  close(): Promise<void>;
}

/** Ready, running and not going away: the pod a Service would send traffic to. */
export function isServing(p: V1Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export async function forwardToPod(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<Forward> {
  const pf = new PortForward(kc);
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    pf.portForward(namespace, pod, [port], sock, null, sock).catch(() => sock.destroy());
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return {
    port: (server.address() as AddressInfo).port,
    source: `pod ${pod} port ${port} (namespace ${namespace})`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const sock of sockets) sock.destroy();
      }),
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
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns, labelSelector });
  const pod = pods.items.find(isServing);
  if (!pod) return { problem: `no Running, Ready pod behind Service ${ns}/${name}` };
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return { pod: pod.metadata!.name!, port: target };
  if (/^\d+$/.test(String(target))) return { pod: pod.metadata!.name!, port: Number(target) };
  const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  return named ? { pod: pod.metadata!.name!, port: named.containerPort } : { problem: `pod ${pod.metadata?.name} has no port named ${target}` };
}
