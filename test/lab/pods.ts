/**
 * The process kubelet's pod runner: runs a pod's init containers in order, then its containers, each
 * as a sandboxed local process (containers.ts), with the restart policy, container states and pod
 * phase a kubelet reports; keeps each container's log; answers where a container port is served and
 * how to exec into a container. Pods whose images the lab cannot run are reported Running without
 * being executed (condition lab.lifeboat.dev/NotExecuted); exec into them still works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { writeBinaryWithPort } from './velero-metrics-port.js';
import { containerArgv, imageProfile, sandboxArgv, type Bind, type ImageProfile, type LabPrograms } from './containers.js';
import { type Kube, KubeError } from './kube.js';
import { LAB_NODE } from './seed.js';
import { writeVeleroWithMetricsPort } from './velero-metrics-port.js';

export interface PodRunnerOptions {
  kube: Kube;
  podsDir: string;
  labDir: string;
  caCertFile: string;
  apiServer: URL;
  hostsFile: string;
  /** The hosts file for a namespace's pods (its Services' bare names added); default: hostsFile. */
  hostsFileFor?: (namespace: string) => string;
  programs: LabPrograms;
  /** The first loopback port for container ports; the runner counts up from it. */
  firstPort: number;
  /** 4-digit ports for Velero servers' controller metrics (velero-metrics-port.ts), one per pod. */
  metricsPorts: number[];
  log: (m: string) => void;
}

type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; exitCode: number; reason: string; startedAt: string; finishedAt: string; message?: string };

interface ContainerRun {
  spec: any;
  init: boolean;
  profile?: ImageProfile;
  logFile: string;
  child?: ChildProcess;
  restarts: number;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  /** The program's listen flags, worked out at its first start and kept across restarts. */
  listenArgs?: string[];
  /** The same as environment (ImageProfile.listenEnv), for a program started through a shell. */
  listenEnv?: Record<string, string>;
  /** Ports taken for those flags beyond the pod's declared ones. */
  extraPorts: number[];
}

export interface PodEntry {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  executed: boolean;
  ports: Map<number, number>;
  portNames: Map<string, number>;
  containers: Map<string, ContainerRun>;
  stopping: boolean;
  startedAt: string;
}

const now = () => new Date().toISOString();
const KUBELET_PODS_DIR = '/var/lib/kubelet/pods';

/**
 * What a kubelet reports as a terminated container's message: the file's first 4096 bytes, or with
 * policy FallbackToLogsOnError and an empty file after a failure, the log's last 80 lines (≤ 2048 bytes).
 */
export function terminationMessage(file: string, logFile: string, exitCode: number, policy?: string): string | undefined {
  const read = (f: string) => {
    try {
      return readFileSync(f);
    } catch {
      return Buffer.alloc(0);
    }
  };
  const own = read(file).subarray(0, 4096).toString('utf8');
  if (own || exitCode === 0 || policy !== 'FallbackToLogsOnError') return own || undefined;
  const tail = read(logFile).toString('utf8').split('\n').slice(-80).join('\n');
  return Buffer.from(tail).subarray(-2048).toString('utf8') || undefined;
}

/** The directory a kubelet keeps a volume of this kind under (pods/<uid>/volumes/<this>/<name>). */
export function volumePluginDir(v: any): string {
  if (v.secret) return 'kubernetes.io~secret';
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.projected) return 'kubernetes.io~projected';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  return 'kubernetes.io~empty-dir';
}
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The processes bwrap started (its children), from /proc. */
function innerPids(pid: number | undefined): number[] {
  if (!pid) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function condition(type: string, status: 'True' | 'False', extra: Record<string, string> = {}) {
  return { type, status, lastProbeTime: null, lastTransitionTime: now(), ...extra };
}

export class PodRunner {
  readonly pods = new Map<string, PodEntry>(); // by uid
  /** Loopback ports in use by this kubelet's containers: the lab's block is base+750…base+999. */
  private readonly used = new Set<number>();

  constructor(private readonly o: PodRunnerOptions) {}

  private port(): number {
    for (let p = this.o.firstPort; p < this.o.firstPort + 250; p++) {
      if (!this.used.has(p)) {
        this.used.add(p);
        return p;
      }
    }
    throw new Error('the lab kubelet has no free port left in its block (250 container ports in use)');
  }

  /** A free 4-digit port for a Velero server's own copy (the binary's ":8080" has room for 4 digits only). */
  private metricsPort(): number {
    const p = this.o.metricsPorts.find((x) => !this.used.has(x));
    if (p === undefined) throw new Error(`the lab kubelet has no free Velero metrics port left (${this.o.metricsPorts.length} Velero servers running)`);
    this.used.add(p);
    return p;
  }

  byName(namespace: string, name: string): PodEntry | undefined {
    for (const p of this.pods.values()) if (p.namespace === namespace && p.name === name && !p.stopping) return p;
    return undefined;
  }

  /** Whether the lab can run this pod (its containers' images have profiles that execute). */
  runnable(pod: any): boolean {
    return (pod.spec.containers as any[]).every((c) => {
      const profile = imageProfile(c.image, this.o.programs);
      return profile !== undefined && (profile.executes?.(containerArgv(c, profile)) ?? true);
    });
  }

  async event(pod: any, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.o.kube
      .post(`/api/v1/namespaces/${pod.metadata.namespace}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${pod.metadata.name}.`, namespace: pod.metadata.namespace },
        involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1' },
        reason,
        message,
        type,
        source: { component: 'kubelet', host: LAB_NODE },
        firstTimestamp: now(),
        lastTimestamp: now(),
        count: 1,
      })
      .catch(() => {});
  }

  async setStatus(pod: { metadata: { namespace: string; name: string } }, status: any): Promise<void> {
    try {
      await this.o.kube.mergePatch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { status });
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 404)) this.o.log(`status of ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`);
    }
  }

  private newEntry(pod: any, executed: boolean): PodEntry {
    const entry: PodEntry = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      executed,
      ports: new Map(),
      portNames: new Map(),
      containers: new Map(),
      stopping: false,
      startedAt: now(),
    };
    const dir = join(this.o.podsDir, entry.uid);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [init, list] of [
      [true, pod.spec.initContainers ?? []],
      [false, pod.spec.containers],
    ] as const) {
      for (const c of list) {
        entry.containers.set(c.name, {
          spec: c,
          init,
          profile: imageProfile(c.image, this.o.programs),
          logFile: join(dir, `${c.name}.log`),
          restarts: 0,
          state: { kind: 'waiting', reason: init ? 'PodInitializing' : 'ContainerCreating' },
          ready: false,
          extraPorts: [],
        });
        const fixed = imageProfile(c.image, this.o.programs)?.fixedPort;
        for (const p of c.ports ?? []) {
          // Only processes the kubelet runs listen: a pod it does not execute gets no ports. A port
          // patched into the binary (ImageProfile.fixedPort) must have as many digits as the original.
          if (executed && !entry.ports.has(p.containerPort))
            entry.ports.set(p.containerPort, fixed?.containerPort === p.containerPort ? this.metricsPort() : this.port());
          if (p.name) entry.portNames.set(p.name, p.containerPort);
        }
      }
    }
    this.pods.set(entry.uid, entry);
    return entry;
  }

  /** A pod the lab does not run: Running and Ready, its containers not executed. */
  async reportNotExecuted(pod: any): Promise<void> {
    const entry = this.newEntry(pod, false);
    for (const c of entry.containers.values()) {
      c.state = c.init
        ? { kind: 'terminated', exitCode: 0, reason: 'Completed', startedAt: entry.startedAt, finishedAt: entry.startedAt }
        : { kind: 'running', startedAt: entry.startedAt };
      c.ready = !c.init;
    }
    await this.setStatus(pod, this.status(pod, entry));
  }

  status(pod: any, e: PodEntry): any {
    const toK8s = (s: ContainerState) =>
      s.kind === 'waiting'
        ? { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } }
        : s.kind === 'running'
          ? { running: { startedAt: s.startedAt } }
          : {
              terminated: {
                exitCode: s.exitCode,
                reason: s.reason,
                startedAt: s.startedAt,
                finishedAt: s.finishedAt,
                ...(s.message ? { message: s.message } : {}),
              },
            };
    const cs = (c: ContainerRun) => ({
      name: c.spec.name,
      image: c.spec.image,
      imageID: '',
      containerID: `lab-process://${e.uid}/${c.spec.name}`,
      ready: c.ready,
      started: c.state.kind === 'running',
      restartCount: c.restarts,
      state: toK8s(c.state),
      ...(c.lastState ? { lastState: toK8s(c.lastState) } : {}),
    });
    const inits = [...e.containers.values()].filter((c) => c.init);
    const mains = [...e.containers.values()].filter((c) => !c.init);
    const initialized = inits.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0);
    const allReady = mains.every((c) => c.ready);
    const done = mains.every((c) => c.state.kind === 'terminated');
    const failed = [...e.containers.values()].some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0);
    const phase = !initialized && !failed ? 'Pending' : done ? (failed ? 'Failed' : 'Succeeded') : initialized ? 'Running' : 'Pending';
    return {
      phase,
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: pod.status?.startTime ?? e.startedAt,
      conditions: [
        condition('PodScheduled', 'True'),
        condition('Initialized', initialized ? 'True' : 'False'),
        condition('ContainersReady', allReady ? 'True' : 'False'),
        condition('Ready', allReady ? 'True' : 'False'),
        e.executed
          ? condition('lab.lifeboat.dev/Executed', 'True', {
              reason: 'RunAsLocalProcess',
              message: "The lab kubelet runs this pod's containers as local sandboxed processes.",
            })
          : condition('lab.lifeboat.dev/NotExecuted', 'True', {
              reason: 'NoContainerRuntime',
              message:
                'The lab kubelet has no container runtime and no local build of this image: the pod is reported Running but its containers are not executed.',
            }),
      ],
      initContainerStatuses: inits.map(cs),
      containerStatuses: mains.map(cs),
    };
  }

  // ----------------------------------------------------------------------------------------------
  // Volumes and environment
  // ----------------------------------------------------------------------------------------------

  private async secretData(ns: string, name: string): Promise<Record<string, Buffer> | undefined> {
    const s = await this.o.kube.getOrUndefined(`/api/v1/namespaces/${ns}/secrets/${name}`);
    return s ? Object.fromEntries(Object.entries<string>(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])) : undefined;
  }

  private async configMapData(ns: string, name: string): Promise<Record<string, Buffer> | undefined> {
    const c = await this.o.kube.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/${name}`);
    if (!c) return undefined;
    return {
      ...Object.fromEntries(Object.entries<string>(c.data ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
      ...Object.fromEntries(Object.entries<string>(c.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    };
  }

  private writeKeys(dir: string, data: Record<string, Buffer>, items?: Array<{ key: string; path: string }>): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pick = items?.length ? items.map((i) => [i.path, data[i.key]] as const) : Object.entries(data);
    for (const [k, v] of pick) {
      if (v === undefined) continue;
      mkdirSync(join(dir, k, '..'), { recursive: true });
      writeFileSync(join(dir, k), v, { mode: 0o600 });
    }
  }

  private async token(pod: any, expirationSeconds = 86400): Promise<string> {
    const sa = pod.spec.serviceAccountName ?? 'default';
    const tr = await this.o.kube.post(`/api/v1/namespaces/${pod.metadata.namespace}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        expirationSeconds: Math.max(expirationSeconds, 86400),
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid: pod.metadata.uid },
      },
    });
    return tr.status.token as string;
  }

  /** Makes each of the pod's volumes a host directory; returns volume name → host path. */
  async prepareVolumes(pod: any): Promise<Map<string, string>> {
    const ns = pod.metadata.namespace;
    const root = join(this.o.podsDir, pod.metadata.uid, 'volumes');
    const out = new Map<string, string>();
    for (const v of pod.spec.volumes ?? []) {
      // The kubelet's layout, volumes/<plugin>/<name>: Velero's node-agent finds a pod's volume by
      // globbing /host_pods/<uid>/volumes/*/<name> (velero pkg/exposer/host_path.go).
      const dir = join(root, volumePluginDir(v), v.name);
      const hostPath: string | undefined = v.hostPath?.path?.replace(/\/+$/, '');
      if (hostPath === KUBELET_PODS_DIR || hostPath?.startsWith(`${KUBELET_PODS_DIR}/`)) {
        // The node's pods directory or a volume in it (node-agent's host-pods, its copy pods' source
        // volume): the lab kubelet's own.
        const rest = hostPath.slice(KUBELET_PODS_DIR.length + 1);
        if (rest.split('/').includes('..')) throw new Error(`volume ${v.name}: host path ${hostPath} leaves the pods directory`);
        out.set(v.name, rest ? join(this.o.podsDir, rest) : this.o.podsDir);
      } else if (v.hostPath) {
        mkdirSync(v.hostPath.path, { recursive: true });
        out.set(v.name, v.hostPath.path);
      } else if (v.nfs) {
        // No NFS client here: an export is a directory of the lab's, one per server and path.
        const path = join(this.o.labDir, 'nfs-exports', v.nfs.server, v.nfs.path);
        mkdirSync(path, { recursive: true });
        out.set(v.name, path);
      } else if (v.persistentVolumeClaim) {
        const pvc = await this.o.kube.getOrUndefined(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${v.persistentVolumeClaim.claimName}`);
        const pv = pvc?.spec?.volumeName ? await this.o.kube.getOrUndefined(`/api/v1/persistentvolumes/${pvc.spec.volumeName}`) : undefined;
        const path = pv?.spec?.hostPath?.path;
        if (!path) throw new Error(`volume ${v.name}: claim ${v.persistentVolumeClaim.claimName} is not bound to a host-path volume yet`);
        mkdirSync(path, { recursive: true });
        out.set(v.name, path);
      } else if (v.secret) {
        this.writeKeys(dir, (await this.secretData(ns, v.secret.secretName)) ?? {}, v.secret.items);
        out.set(v.name, dir);
      } else if (v.configMap) {
        this.writeKeys(dir, (await this.configMapData(ns, v.configMap.name)) ?? {}, v.configMap.items);
        out.set(v.name, dir);
      } else if (v.projected) {
        for (const src of v.projected.sources ?? []) {
          if (src.serviceAccountToken)
            this.writeKeys(dir, { [src.serviceAccountToken.path]: Buffer.from(await this.token(pod, src.serviceAccountToken.expirationSeconds)) });
          else if (src.configMap) {
            const data =
              (await this.configMapData(ns, src.configMap.name)) ??
              (src.configMap.name === 'kube-root-ca.crt' ? { 'ca.crt': readFileSync(this.o.caCertFile) } : {});
            this.writeKeys(dir, data, src.configMap.items);
          } else if (src.secret) this.writeKeys(dir, (await this.secretData(ns, src.secret.name)) ?? {}, src.secret.items);
          else if (src.downwardAPI) {
            for (const item of src.downwardAPI.items ?? []) {
              const f = item.fieldRef?.fieldPath as string | undefined;
              const value = f === 'metadata.namespace' ? ns : f === 'metadata.name' ? pod.metadata.name : '';
              this.writeKeys(dir, { [item.path]: Buffer.from(value) });
            }
          }
        }
        mkdirSync(dir, { recursive: true });
        out.set(v.name, dir);
      } else {
        mkdirSync(dir, { recursive: true, mode: 0o755 }); // emptyDir and anything else
        out.set(v.name, dir);
      }
    }
    return out;
  }

  async env(pod: any, c: any): Promise<Record<string, string>> {
    const ns = pod.metadata.namespace;
    const env: Record<string, string> = {
      PATH: DEFAULT_PATH,
      HOSTNAME: pod.metadata.name,
      HOME: '/root',
      // The image's ENV, then what a kubelet injects for the `kubernetes` Service (here: the API
      // server's loopback port); the container's own env comes last and wins.
      ...imageProfile(c.image, this.o.programs)?.env,
      KUBERNETES_SERVICE_HOST: this.o.apiServer.hostname,
      KUBERNETES_SERVICE_PORT: this.o.apiServer.port || '443',
      KUBERNETES_PORT: `tcp://${this.o.apiServer.hostname}:${this.o.apiServer.port}`,
    };
    for (const from of c.envFrom ?? []) {
      const data = from.configMapRef
        ? await this.configMapData(ns, from.configMapRef.name)
        : from.secretRef
          ? await this.secretData(ns, from.secretRef.name)
          : undefined;
      for (const [k, v] of Object.entries(data ?? {})) env[`${from.prefix ?? ''}${k}`] = v.toString('utf8');
    }
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m: string, n: string) => env[n] ?? m);
      else if (e.valueFrom?.fieldRef) {
        const path = e.valueFrom.fieldRef.fieldPath as string;
        env[e.name] =
          path === 'metadata.namespace'
            ? ns
            : path === 'metadata.name'
              ? pod.metadata.name
              : path === 'spec.nodeName'
                ? LAB_NODE
                : path === 'metadata.uid'
                  ? pod.metadata.uid
                  : path === 'spec.serviceAccountName'
                    ? (pod.spec.serviceAccountName ?? 'default')
                    : '127.0.0.1';
      } else if (e.valueFrom?.secretKeyRef) {
        const v = (await this.secretData(ns, e.valueFrom.secretKeyRef.name))?.[e.valueFrom.secretKeyRef.key];
        if (v !== undefined) env[e.name] = v.toString('utf8');
      } else if (e.valueFrom?.configMapKeyRef) {
        const v = (await this.configMapData(ns, e.valueFrom.configMapKeyRef.name))?.[e.valueFrom.configMapKeyRef.key];
        if (v !== undefined) env[e.name] = v.toString('utf8');
      }
    }
    return env;
  }

  /** The bwrap argv prefix, environment and working directory for a container of the pod. */
  async sandbox(pod: any, c: any, volumes?: Map<string, string>): Promise<{ argv: string[]; env: Record<string, string> }> {
    const vols = volumes ?? (await this.prepareVolumes(pod));
    const profile = imageProfile(c.image, this.o.programs);
    const mounts: Bind[] = [];
    for (const m of c.volumeMounts ?? []) {
      const src = vols.get(m.name);
      if (!src) continue;
      mounts.push({ src: m.subPath ? join(src, m.subPath) : src, dest: m.mountPath, readOnly: m.readOnly });
    }
    const argv = sandboxArgv({
      files: profile?.files ?? [],
      volumes: mounts,
      hostsFile: this.o.hostsFileFor?.(pod.metadata.namespace) ?? this.o.hostsFile,
      workingDir: c.workingDir ?? profile?.workingDir,
    });
    return { argv, env: await this.env(pod, c) };
  }

  // ----------------------------------------------------------------------------------------------
  // Running
  // ----------------------------------------------------------------------------------------------

  async run(pod: any): Promise<void> {
    const e = this.newEntry(pod, true);
    let volumes: Map<string, string>;
    try {
      volumes = await this.prepareVolumes(pod);
    } catch (err) {
      this.o.log(`${e.namespace}/${e.name}: ${(err as Error).message}`);
      await this.event(pod, 'Warning', 'FailedMount', (err as Error).message);
      this.pods.delete(e.uid); // tried again on the next resync
      this.release(e);
      throw err;
    }
    await this.setStatus(pod, this.status(pod, e));
    const policy = pod.spec.restartPolicy ?? 'Always';
    for (const c of [...e.containers.values()].filter((x) => x.init)) {
      for (;;) {
        if (e.stopping) return;
        const code = await this.runOnce(pod, e, c, volumes);
        if (code === 0) break;
        if (policy === 'Never') {
          await this.setStatus(pod, this.status(pod, e));
          return;
        }
        await this.backoff(pod, e, c);
      }
    }
    await this.setStatus(pod, this.status(pod, e));
    await Promise.all(
      [...e.containers.values()]
        .filter((x) => !x.init)
        .map(async (c) => {
          for (;;) {
            if (e.stopping) return;
            const code = await this.runOnce(pod, e, c, volumes);
            if (e.stopping) return;
            if (policy === 'Never' || (policy === 'OnFailure' && code === 0)) {
              await this.setStatus(pod, this.status(pod, e));
              return;
            }
            await this.backoff(pod, e, c);
          }
        }),
    );
  }

  private async backoff(pod: any, e: PodEntry, c: ContainerRun): Promise<void> {
    c.restarts += 1;
    c.lastState = c.state;
    c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${c.spec.name}` };
    c.ready = false;
    await this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.spec.name}`);
    await this.setStatus(pod, this.status(pod, e));
    await new Promise((r) => setTimeout(r, Math.min(2000 * 2 ** Math.min(c.restarts - 1, 5), 30_000)));
  }

  /** Runs one container to its exit; resolves with the exit code. */
  private async runOnce(pod: any, e: PodEntry, c: ContainerRun, volumes: Map<string, string>): Promise<number> {
    const { argv: prefix, env } = await this.sandbox(pod, c.spec, volumes);
    // The termination message: the program writes it to terminationMessagePath (default
    // /dev/termination-log) and the kubelet reports it in the container's terminated state — Velero's
    // node-agent reads its copy pods' results from there (velero pkg/datapath/micro_service_watcher.go).
    const terminationLog = `${c.logFile.replace(/\.log$/, '')}.termination-log`;
    writeFileSync(terminationLog, '');
    const messagePath: string = c.spec.terminationMessagePath ?? '/dev/termination-log';
    prefix.splice(prefix.indexOf('--chdir'), 0, '--bind', terminationLog, messagePath);
    const command = containerArgv(c.spec, c.profile);
    const extraPort = () => {
      const p = this.port();
      c.extraPorts.push(p);
      return p;
    };
    c.listenArgs ??= c.profile?.listenArgsFor?.(command, e.ports, extraPort) ?? c.profile?.listenArgs?.(e.ports, extraPort) ?? [];
    c.listenEnv ??= c.profile?.listenEnv?.(command, e.ports, extraPort) ?? {};
    Object.assign(env, c.listenEnv);
    const argv = [...prefix, ...(c.profile?.filterArgs?.(command) ?? command), ...c.listenArgs];
    if (!c.profile && !c.spec.command?.length) {
      // An image the lab has no build of, with nothing to run: done, as far as the lab can tell.
      await this.event(pod, 'Warning', 'LabImageNotRunnable', `The lab has no local build of ${c.spec.image}; container ${c.spec.name} is skipped.`);
      const t = now();
      c.state = { kind: 'terminated', exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t };
      return 0;
    }
    if (c.profile?.ownMetricsPort) {
      // Each Velero server gets its own copy of the binary with its own controller-metrics port
      // (velero-metrics-port.ts): on a node each pod has its own network namespace, so a rollout's
      // new pod never finds the old one's listener; here they share the host's.
      const own = join(this.o.podsDir, e.uid, `velero-${c.spec.name}`);
      if (!existsSync(own)) {
        try {
          const port = this.metricsPort();
          c.extraPorts.push(port);
          // From the unpatched build: the lab's own copy (programs.velero) has its ":8080" replaced already.
          const source = this.o.programs.veleroBuild ?? this.o.programs.velero;
          if (!writeVeleroWithMetricsPort(source, own, port)) throw new Error(`${source} does not have the expected ":8080" default`);
        } catch (err) {
          // It still runs, on the shared copy's port: a second server then fails visibly on "address in use".
          this.o.log(`${e.namespace}/${e.name}: could not give velero its own metrics port: ${(err as Error).message}`);
        }
      }
      if (existsSync(own)) for (let i = 0; i < argv.length; i++) if (argv[i] === this.o.programs.velero && argv[i + 1] === '/velero') argv[i] = own;
    }
    const fixed = c.profile?.fixedPort;
    const fixedHostPort = fixed ? e.ports.get(fixed.containerPort) : undefined;
    if (fixed && fixedHostPort !== undefined && command[0] === fixed.dest) {
      // The pod's own copy of the program, its port literal moved to the pod's host port.
      const own = join(this.o.podsDir, e.uid, `${fixed.dest.replace(/\W/g, '')}-port-${fixedHostPort}`);
      if (!existsSync(own) && !writeBinaryWithPort(fixed.binary, own, fixed.literal, fixedHostPort)) {
        this.o.log(`${e.namespace}/${e.name}: ${fixed.binary} does not hold exactly one bare "${fixed.literal}"; it runs on the shared port`);
      }
      if (existsSync(own)) for (let i = 0; i < argv.length; i++) if (argv[i] === fixed.binary && argv[i + 1] === fixed.dest) argv[i] = own;
    }
    const fd = openSync(c.logFile, 'a');
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', fd, fd], detached: false });
    closeSync(fd);
    // Listen before any await: a short command can exit while the Started event is being posted.
    const exited = new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
      child.once('error', () => resolve(127));
    });
    c.child = child;
    const startedAt = now();
    c.state = { kind: 'running', startedAt };
    this.o.log(`${e.namespace}/${e.name}/${c.spec.name}: started (pid ${child.pid}): ${containerArgv(c.spec, c.profile).join(' ')}`);
    await this.event(pod, 'Normal', 'Started', `Started container ${c.spec.name}`);
    if (!c.init) void this.markReadyWhenListening(pod, e, c);
    else await this.setStatus(pod, this.status(pod, e));
    const code = await exited;
    c.child = undefined;
    c.ready = false;
    c.state = {
      kind: 'terminated',
      exitCode: code,
      reason: code === 0 ? 'Completed' : 'Error',
      startedAt,
      finishedAt: now(),
      message: terminationMessage(terminationLog, c.logFile, code, c.spec.terminationMessagePolicy),
    };
    this.o.log(`${e.namespace}/${e.name}/${c.spec.name}: exited ${code}`);
    if (!e.stopping) await this.setStatus(pod, this.status(pod, e));
    return code;
  }

  /** Readiness: a container with ports is ready once they accept connections (as a probe would see). */
  private async markReadyWhenListening(pod: any, e: PodEntry, c: ContainerRun): Promise<void> {
    const hostPorts = (c.spec.ports ?? []).map((p: any) => e.ports.get(p.containerPort)).filter((p: number | undefined): p is number => p !== undefined);
    const deadline = Date.now() + 120_000;
    while (c.child && !e.stopping && hostPorts.length && Date.now() < deadline) {
      const open = await Promise.all(
        hostPorts.map(
          (p: number) =>
            new Promise<boolean>((r) => {
              const s = connect(p, '127.0.0.1');
              s.once('connect', () => {
                s.destroy();
                r(true);
              });
              s.once('error', () => r(false));
            }),
        ),
      );
      if (open.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    if (!c.child || e.stopping) return;
    c.ready = true;
    await this.setStatus(pod, this.status(pod, e));
  }

  async stop(uid: string): Promise<void> {
    const e = this.pods.get(uid);
    if (!e) return;
    e.stopping = true;
    this.pods.delete(uid);
    await Promise.all(
      [...e.containers.values()].map(async (c) => {
        const child = c.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        // SIGTERM goes to the container's process (bwrap's child), as a runtime stops a container;
        // bwrap exits with it. Killing bwrap itself would SIGKILL the process (--die-with-parent).
        const inner = innerPids(child.pid);
        if (inner.length)
          for (const pid of inner)
            try {
              process.kill(pid, 'SIGTERM');
            } catch {
              /* gone */
            }
        else child.kill('SIGTERM');
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 5000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }),
    );
    this.release(e);
    if (e.executed) this.o.log(`${e.namespace}/${e.name}: stopped`);
  }

  private release(e: PodEntry): void {
    if (!e.executed) return; // its ports (if any) are the stand-in's, not from this block
    for (const p of e.ports.values()) this.used.delete(p);
    for (const c of e.containers.values()) for (const p of c.extraPorts) this.used.delete(p);
  }

  forget(uid: string): void {
    // Keep the containers' logs of a deleted pod (its directory goes): they are often the only
    // record of why a controller replaced it.
    const dir = join(this.o.podsDir, uid);
    try {
      const keep = join(this.o.podsDir, '..', 'deleted-pods', uid);
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.log'))) {
        mkdirSync(keep, { recursive: true });
        copyFileSync(join(dir, f), join(keep, f));
      }
    } catch {
      /* nothing to keep */
    }
    rmSync(dir, { recursive: true, force: true });
  }

  /** The log file of a container, and whether its process still runs (for follow). */
  logOf(namespace: string, name: string, container?: string): { file: string; running: () => boolean } | undefined {
    const e = this.byName(namespace, name);
    if (!e) return undefined;
    const c = container ? e.containers.get(container) : [...e.containers.values()].find((x) => !x.init);
    if (!c || !existsSync(c.logFile)) return undefined;
    return { file: c.logFile, running: () => c.child !== undefined };
  }
}
