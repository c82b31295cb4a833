/**
 * The lab's service network, standing in for kube-proxy and cluster DNS (neither can run without a
 * container runtime's network namespaces): every Service of type ClusterIP gets a loopback address
 * of this lab (127.X.Y.Z, X from the lab's port base so labs side by side do not collide), a
 * listener on each of its ports there, and its cluster names in the hosts file that every process
 * the kubelet runs sees as /etc/hosts. A connection goes to a ready pod the Service selects, at the
 * loopback port the kubelet gave that pod's container port.
 */
import { createServer, connect, type Server } from 'node:net';
import { writeFileSync, readFileSync } from 'node:fs';
import { serviceHostnames } from './containers.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** Finds where a pod that the selector picks serves targetPort (number or port name). */
export type EndpointResolver = (namespace: string, selector: Record<string, string>, targetPort: number | string) => Endpoint | undefined;

interface Entry {
  key: string;
  address: string;
  names: string[];
  listeners: Server[];
  spec: string;
}

export class ServiceNetwork {
  private readonly entries = new Map<string, Entry>();
  private readonly addresses = new Map<string, string>();
  private readonly namespaces = new Set<string>();
  private next = 1;
  private readonly hostsBase: string;

  constructor(
    private readonly secondOctet: number,
    private readonly hostsFile: string,
    private readonly resolve: EndpointResolver,
    private readonly log: (m: string) => void,
  ) {
    this.hostsBase = readFileSync('/etc/hosts', 'utf8').trimEnd();
    this.writeHosts();
  }

  /** 127.X.0.0/16 for a lab whose ports start at `base`. */
  static secondOctetFor(base: number): number {
    return 100 + (Math.floor(base / 250) % 150);
  }

  private addressFor(key: string): string {
    let a = this.addresses.get(key);
    if (!a) {
      const n = this.next++;
      a = `127.${this.secondOctet}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      this.addresses.set(key, a);
    }
    return a;
  }

  /** Adds, changes or (with deleted) removes a Service. */
  upsert(svc: any, deleted = false): void {
    const ns = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    const key = `${ns}/${name}`;
    const old = this.entries.get(key);
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    const ports = (svc.spec?.ports ?? []) as Array<{ port: number; targetPort?: number | string; protocol?: string }>;
    const spec = JSON.stringify({ selector, ports });
    if (!deleted && old?.spec === spec) return;
    if (old) {
      for (const l of old.listeners) l.close();
      this.entries.delete(key);
    }
    if (deleted || !selector || svc.spec?.type === 'ExternalName') {
      this.writeHosts();
      return;
    }
    const address = this.addressFor(key);
    const listeners: Server[] = [];
    for (const p of ports) {
      if (p.protocol && p.protocol !== 'TCP') continue;
      const target = p.targetPort ?? p.port;
      const server = createServer((client) => {
        const ep = this.resolve(ns, selector, target);
        if (!ep) {
          this.log(`service ${key}:${p.port}: no ready endpoint`);
          client.destroy();
          return;
        }
        const upstream = connect(ep.port, ep.host);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end);
        upstream.on('error', end);
      });
      server.on('error', (e) => this.log(`service ${key}:${p.port} on ${address}: ${e.message}`));
      server.listen(p.port, address);
      listeners.push(server);
    }
    this.entries.set(key, { key, address, names: serviceHostnames(name, ns), listeners, spec });
    this.writeHosts();
  }

  /**
   * The hosts file a pod of `namespace` sees: every Service's cluster names, plus the bare names of
   * its own namespace's Services — what cluster DNS answers through the pod's search domains
   * (`<ns>.svc.cluster.local`), so `http://kotsadm-rqlite:4001` works from the kotsadm pod.
   */
  hostsFileFor(namespace: string): string {
    this.namespaces.add(namespace);
    this.writeHosts();
    return `${this.hostsFile}.${namespace}`;
  }

  /** Written in place (not renamed): the files are bind-mounted into running sandboxes. */
  private writeHosts(): void {
    const lines = [...this.entries.values()].map((e) => `${e.address}\t${e.names.join(' ')}`);
    writeFileSync(this.hostsFile, `${this.hostsBase}\n# the lab's Services\n${lines.join('\n')}\n`);
    for (const ns of this.namespaces) {
      const own = [...this.entries.values()].filter((e) => e.key.startsWith(`${ns}/`)).map((e) => `${e.address}\t${e.key.slice(ns.length + 1)}`);
      writeFileSync(`${this.hostsFile}.${ns}`, `${this.hostsBase}\n# the lab's Services\n${lines.join('\n')}\n# namespace ${ns}\n${own.join('\n')}\n`);
    }
  }

  close(): void {
    for (const e of this.entries.values()) for (const l of e.listeners) l.close();
  }
}
