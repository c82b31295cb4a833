/**
 * The process kubelet's "containers": there is no container runtime here, so a container is the
 * pod's command run by bubblewrap (Debian's `bwrap`) in a mount namespace of its own, whose root
 * holds the host's /usr and /etc, the image's files (the lab's local builds of the programs the
 * image carries, bound where the image keeps them), the pod's volumes at their mount paths, the
 * service account token where Kubernetes projects it, and the lab's service names in /etc/hosts.
 * The network namespace is the host's, so a container port is a loopback port the kubelet chooses
 * and passes to the program with the flag the image's program takes (ImageProfile.listenArgs).
 *
 * Pure: builds argv and environments; kubelet.ts runs them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseImage } from './images.js';

export interface Bind {
  src: string;
  dest: string;
  readOnly?: boolean;
}

/** How the lab runs an image: which local files stand in for the image's, and its entrypoint. */
export interface ImageProfile {
  name: string;
  files: Bind[];
  /** The image's ENTRYPOINT (used when the container gives no command). */
  entrypoint: string[];
  /** The image's CMD (used when the container gives neither command nor args). */
  cmd?: string[];
  /** Flags appended so the program listens on loopback host ports; containerPort → hostPort. */
  listenArgs?: (ports: Map<number, number>, extraPort: () => number) => string[];
  workingDir?: string;
  /** Whether the lab runs this command of the image (default: yes). */
  executes?: (argv: string[]) => boolean;
  /** Velero's server: the runner gives each such container its own copy of velero with its own
   * controller-metrics port (pods.ts, velero-metrics-port.ts). */
  ownMetricsPort?: boolean;
}

export interface LabPrograms {
  /** The lab's copy of velero (metrics listener moved), for image velero/velero. */
  velero: string;
  /** The unpatched build (its bare ":8080" intact): what each Velero server pod's own copy is made from. */
  veleroBuild?: string;
  /** Directory of velero plugin builds, by the image's last path segment. */
  pluginsDir: string;
  /** Real kots programs and kots's deploy/assets scripts (the kotsadm image's /scripts). */
  kubectlKots?: string;
  kotsadm?: string;
  kotsAssets?: string;
  minio?: string;
}

/** The last path segment of an image's repository: "velero", "kotsadm", "minio", … */
export function imageName(image: string): string {
  return parseImage(image).repository.split('/').pop() ?? '';
}

/**
 * The images the lab can run. Anything else is reported Running without being executed (its files
 * are the host's, so exec into it still runs a shell with the pod's volumes and environment).
 */
export function imageProfile(image: string, p: LabPrograms): ImageProfile | undefined {
  const name = imageName(image);
  if (name === 'velero') {
    // velero/velero: /velero; `velero install` runs `/velero server …`.
    return {
      name, files: [{ src: p.velero, dest: '/velero', readOnly: true }], entrypoint: ['/velero'],
      // The server only: node-agent needs the node's pod volumes, which the lab has not got.
      executes: (argv) => argv[1] === 'server',
      ownMetricsPort: true,
      listenArgs: (ports, extra) => [`--metrics-address=127.0.0.1:${ports.get(8085) ?? extra()}`, `--profiler-address=127.0.0.1:${extra()}`],
    };
  }
  if (name.startsWith('velero-plugin-for-')) {
    // The plugin images' entrypoint copies their binary into the volume mounted at /target.
    const bin = join(p.pluginsDir, name);
    if (!existsSync(bin)) return undefined;
    return { name, files: [{ src: bin, dest: `/plugins/${name}`, readOnly: true }], entrypoint: ['/usr/bin/cp', `/plugins/${name}`, '/target/.'] };
  }
  if (name === 'kotsadm' && p.kotsAssets) {
    // kotsadm/kotsadm (kots securebuild/image/apko-kotsadm.yaml): /kotsadm, /kots and the scripts
    // of deploy/assets under /scripts; kots runs its bucket and file-system checks from them.
    const files: Bind[] = [{ src: p.kotsAssets, dest: '/scripts', readOnly: true }];
    if (p.kotsadm) files.push({ src: p.kotsadm, dest: '/kotsadm', readOnly: true });
    if (p.kubectlKots) files.push({ src: p.kubectlKots, dest: '/kots', readOnly: true });
    // kots's own check pods run their script; the admin console itself (`/kotsadm api`) is not run here.
    return { name, files, entrypoint: ['/kotsadm'], cmd: ['api'], executes: (argv) => argv[0]?.startsWith('/scripts/') === true };
  }
  if (name === 'minio' && p.minio) {
    // minio/minio: `minio server DIR`; its address flags keep it on loopback ports of the lab's.
    return {
      name, files: [{ src: p.minio, dest: '/minio', readOnly: true }], entrypoint: ['/minio'], workingDir: '/',
      listenArgs: (ports, extra) => ['--address', `127.0.0.1:${ports.get(9000) ?? extra()}`, '--console-address', `127.0.0.1:${extra()}`],
    };
  }
  return undefined;
}

export interface SandboxSpec {
  files: Bind[];
  volumes: Bind[];
  hostsFile?: string;
  /** Directory holding token, ca.crt and namespace (mounted at the service account path). */
  serviceAccountDir?: string;
  workingDir?: string;
}

const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** bwrap's argv up to (not including) the command: a fresh root with the pod's files. */
export function sandboxArgv(s: SandboxSpec): string[] {
  const a = [
    'bwrap', '--die-with-parent',
    '--tmpfs', '/',
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/sbin', '/sbin',
    '--ro-bind', '/etc', '/etc',
    '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
  ];
  if (s.hostsFile) a.push('--ro-bind', s.hostsFile, '/etc/hosts');
  // Image files first, volumes after: a volume mounted over an image path hides it, as in a container.
  for (const f of s.files) a.push(f.readOnly ? '--ro-bind' : '--bind', f.src, f.dest);
  for (const v of s.volumes) a.push(v.readOnly ? '--ro-bind' : '--bind', v.src, v.dest);
  if (s.serviceAccountDir) a.push('--ro-bind', s.serviceAccountDir, SERVICE_ACCOUNT_PATH);
  a.push('--chdir', s.workingDir ?? '/', '--');
  return a;
}

/** The container's argv as a runtime composes it from ENTRYPOINT/CMD and command/args. */
export function containerArgv(container: { command?: string[]; args?: string[] }, profile?: ImageProfile): string[] {
  if (container.command?.length) return [...container.command, ...(container.args ?? [])];
  const entry = profile?.entrypoint ?? [];
  return [...entry, ...(container.args?.length ? container.args : (profile?.cmd ?? []))];
}

/** Hosts file lines for a Service: name.ns, name.ns.svc, name.ns.svc.cluster.local. */
export function serviceHostnames(name: string, namespace: string): string[] {
  return [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}
