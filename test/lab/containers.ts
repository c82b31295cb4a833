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
  /** The same for one command of the image, when it takes other flags (undefined: listenArgs). */
  listenArgsFor?: (argv: string[], ports: Map<number, number>, extraPort: () => number) => string[] | undefined;
  /**
   * Environment that moves the program to loopback host ports, for a command the kubelet cannot add
   * flags to (a shell running the program: flags after `sh -c …` would not reach it).
   */
  listenEnv?: (argv: string[], ports: Map<number, number>, extraPort: () => number) => Record<string, string> | undefined;
  workingDir?: string;
  /** Whether the lab runs this command of the image (default: yes). */
  executes?: (argv: string[]) => boolean;
  /** Velero's server: the runner gives each such container its own copy of velero with its own
   * controller-metrics port (pods.ts, velero-metrics-port.ts). */
  ownMetricsPort?: boolean;
  /** The image's ENV (a container's own env overrides it, as with a runtime). */
  env?: Record<string, string>;
  /**
   * A port the program binds with no flag to move it (kotsadm's ":3000"): the runner gives the pod a
   * 4-digit host port for it and its own copy of `binary` with the literal replaced (port-patch.ts).
   */
  fixedPort?: { containerPort: number; binary: string; dest: string; literal: string };
  /** Drops the container's arguments the lab cannot honour (rqlite's DNS discovery). */
  filterArgs?: (argv: string[]) => string[];
}

export interface LabPrograms {
  /** The lab's copy of velero (metrics listener moved), for image velero/velero. */
  velero: string;
  /** The unpatched build (its bare ":8080" intact): what each Velero server pod's own copy is made from. */
  veleroBuild?: string;
  /** velero's restore helper (the velero image's /velero-restore-helper). */
  veleroRestoreHelper?: string;
  /** Directory of velero plugin builds, by the image's last path segment. */
  pluginsDir: string;
  /** Real kots programs and kots's deploy/assets scripts (the kotsadm image's /scripts). */
  kubectlKots?: string;
  kotsadm?: string;
  kotsAssets?: string;
  minio?: string;
  /** What the kotsadm image adds for the admin console: kubectl and kustomize on its PATH. */
  kubectl?: string;
  kustomize?: string;
  /** The migrations image: kubectl-schemahero, its rqlite driver and kots's migrations/tables. */
  schemahero?: string;
  schemaheroRqlite?: string;
  kotsTables?: string;
  /** The rqlite image's rqlited. */
  rqlited?: string;
}

/** Where the lab's kotsadm image keeps kubectl and kustomize (the real image: /usr/local/bin). */
const KOTSADM_TOOLS_DIR = '/opt/kotsadm/bin';
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Where the lab's minio image keeps `minio` on its PATH (the host's /usr is bound read-only). */
const MINIO_IMAGE_BIN_DIR = '/opt/minio/bin';

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
    // velero/velero: /velero; `velero install` runs `/velero server …` and, with --use-node-agent,
    // `/velero node-agent server` on every node: it reads pods' volumes under /host_pods (the
    // kubelet's pods directory, kubelet.ts maps it) and copies them to the store with kopia.
    // node-agent then starts one pod per volume to copy (`/velero pod-volume backup|restore`, Velero
    // 1.18's micro-service data path) with the volume's host path mounted.
    const nodeAgent = (argv: string[]) => argv[1] === 'node-agent' && argv[2] === 'server';
    const podVolume = (argv: string[]) => argv[1] === 'pod-volume' && (argv[2] === 'backup' || argv[2] === 'restore');
    // A pod restored with file-system data gets Velero's restore-helper init container
    // (/velero-restore-helper <restore uid>, velero pkg/restore/actions/pod_volume_restore_action.go):
    // it waits until node-agent has written the volume's data back.
    const files: Bind[] = [{ src: p.velero, dest: '/velero', readOnly: true }];
    if (p.veleroRestoreHelper) files.push({ src: p.veleroRestoreHelper, dest: '/velero-restore-helper', readOnly: true });
    return {
      name,
      files,
      entrypoint: ['/velero'],
      executes: (argv) =>
        argv[1] === 'server' || nodeAgent(argv) || podVolume(argv) || (argv[0] === '/velero-restore-helper' && p.veleroRestoreHelper !== undefined),
      ownMetricsPort: true,
      listenArgs: (ports, extra) => [`--metrics-address=127.0.0.1:${ports.get(8085) ?? extra()}`, `--profiler-address=127.0.0.1:${extra()}`],
      listenArgsFor: (argv, ports, extra) =>
        nodeAgent(argv)
          ? [`--metrics-address=127.0.0.1:${ports.get(8085) ?? extra()}`]
          : podVolume(argv) || argv[0] === '/velero-restore-helper'
            ? []
            : undefined,
    };
  }
  if (name.startsWith('velero-plugin-for-')) {
    // The plugin images' entrypoint copies their binary into the volume mounted at /target.
    const bin = join(p.pluginsDir, name);
    if (!existsSync(bin)) return undefined;
    return { name, files: [{ src: bin, dest: `/plugins/${name}`, readOnly: true }], entrypoint: ['/usr/bin/cp', `/plugins/${name}`, '/target/.'] };
  }
  if (name === 'kotsadm' && p.kotsAssets) {
    // kotsadm/kotsadm (kots securebuild/image/apko-kotsadm.yaml): /kotsadm, /kots, kubectl and
    // kustomize, and the scripts of deploy/assets under /scripts; kots runs its bucket and file-system
    // checks from them.
    const files: Bind[] = [{ src: p.kotsAssets, dest: '/scripts', readOnly: true }];
    if (p.kotsadm) files.push({ src: p.kotsadm, dest: '/kotsadm', readOnly: true });
    if (p.kubectlKots) files.push({ src: p.kubectlKots, dest: '/kots', readOnly: true });
    const real = p.kotsadm !== undefined;
    if (real && p.kubectl) files.push({ src: p.kubectl, dest: `${KOTSADM_TOOLS_DIR}/kubectl`, readOnly: true });
    if (real && p.kustomize) files.push({ src: p.kustomize, dest: `${KOTSADM_TOOLS_DIR}/kustomize`, readOnly: true });
    return {
      name,
      files,
      entrypoint: ['/kotsadm'],
      cmd: ['api'],
      env: { PATH: `${KOTSADM_TOOLS_DIR}:${DEFAULT_PATH}` },
      // `kotsadm api` listens on ":3000" with no flag to move it (kots pkg/apiserver/server.go).
      fixedPort: real ? { containerPort: 3000, binary: p.kotsadm!, dest: '/kotsadm', literal: ':3000' } : undefined,
      // Without a kotsadm build only kots's own check pods (their /scripts) run.
      executes: (argv) => argv[0]?.startsWith('/scripts/') === true || (real && argv[0] === '/kotsadm'),
    };
  }
  if (name === 'kotsadm-migrations' && p.schemahero && p.schemaheroRqlite && p.kotsTables) {
    // kotsadm/kotsadm-migrations (kots securebuild/image/apko-kotsadm-migrations.yaml): /schemahero,
    // kots's migrations/tables at /tables and schemahero's rqlite driver where schemahero looks for it.
    return {
      name,
      entrypoint: ['/schemahero'],
      cmd: ['apply'],
      files: [
        { src: p.schemahero, dest: '/schemahero', readOnly: true },
        { src: p.kotsTables, dest: '/tables', readOnly: true },
        { src: p.schemaheroRqlite, dest: '/var/lib/schemahero/plugins/schemahero-rqlite', readOnly: true },
      ],
      env: { SCHEMAHERO_PLUGIN_PATH: '/var/lib/schemahero/plugins' },
    };
  }
  if (name === 'rqlite' && p.rqlited) {
    // kotsadm/rqlite: rqlited behind rqlite's docker-entrypoint.sh, which adds the node id, the
    // addresses and the data directory (/rqlite/file/data) to the container's arguments.
    return {
      name,
      files: [{ src: p.rqlited, dest: '/rqlited', readOnly: true }],
      entrypoint: ['/rqlited'],
      // A single node that bootstraps itself: DNS discovery through the headless Service needs
      // cluster DNS, which the lab has not got (its one-node StatefulSet asks -bootstrap-expect=1).
      filterArgs: (argv) => argv.filter((a) => !/^-(disco-mode|disco-config|bootstrap-expect)(=|$)/.test(a)),
      listenArgs: (ports, extra) => {
        const http = ports.get(4001) ?? extra();
        const raft = ports.get(4002) ?? extra();
        return ['-node-id', 'kotsadm-rqlite-0', '-http-addr', `127.0.0.1:${http}`, '-raft-addr', `127.0.0.1:${raft}`, '/rqlite/file/data'];
      },
    };
  }
  if (name === 'minio' && p.minio) {
    // minio/minio: `minio server DIR`; its address flags keep it on loopback ports of the lab's.
    // kots's own MinIO (`--with-minio`, the kotsadm-minio StatefulSet) runs it through a shell instead,
    // `/bin/sh -ce "minio -C /home/minio/.minio/ server /export"` with minio on the image's PATH and
    // no address, i.e. ":9000" on every address (kots pkg/kotsadm/objects/minio_objects.go at
    // v1.131.4). Flags cannot reach it there, so it gets MinIO's own environment for the same two
    // addresses (MINIO_ADDRESS, MINIO_CONSOLE_ADDRESS: minio cmd/server-main.go): it binds a loopback
    // port of the lab's block, never :9000, which every lab's Services listen on at their 127.x addresses.
    const viaShell = (argv: string[]) => /^(\/usr)?\/bin\/(ba|da)?sh$|^sh$/.test(argv[0] ?? '');
    return {
      name,
      files: [
        { src: p.minio, dest: '/minio', readOnly: true },
        { src: p.minio, dest: `${MINIO_IMAGE_BIN_DIR}/minio`, readOnly: true },
      ],
      entrypoint: ['/minio'],
      workingDir: '/',
      env: { PATH: `${MINIO_IMAGE_BIN_DIR}:${DEFAULT_PATH}` },
      listenArgs: (ports, extra) => ['--address', `127.0.0.1:${ports.get(9000) ?? extra()}`, '--console-address', `127.0.0.1:${extra()}`],
      listenArgsFor: (argv) => (viaShell(argv) ? [] : undefined),
      listenEnv: (argv, ports, extra) =>
        viaShell(argv) ? { MINIO_ADDRESS: `127.0.0.1:${ports.get(9000) ?? extra()}`, MINIO_CONSOLE_ADDRESS: `127.0.0.1:${extra()}` } : undefined,
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
    'bwrap',
    '--die-with-parent',
    '--tmpfs',
    '/',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--symlink',
    'usr/sbin',
    '/sbin',
    '--ro-bind',
    '/etc',
    '/etc',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
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
