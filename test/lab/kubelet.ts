/**
 * The lab's process kubelet. There is no container runtime on the lab's machines, so this stands in
 * for the kubelet (and, with one node, the scheduler and a hostPath volume provisioner):
 *
 * - registers Node `lab-node` and keeps it Ready;
 * - binds every unscheduled pod to it;
 * - checks each container image for real: an image on the lab registry must be there for the pod's
 *   pull secrets; in air-gapped flavours any other registry is unreachable. A missing image gets the
 *   status and Event a kubelet reports (ErrImagePull, then ImagePullBackOff) and is retried;
 * - RUNS the pods it knows how to run as local processes — the Velero server pod that
 *   `velero install` creates: plugin init containers map to the locally built plugin binaries,
 *   Secret and emptyDir volumes become private directories, env paths are rewritten to them, and
 *   `velero server` runs with the pod's args and its service account's token;
 * - marks every other pod Running and Ready without running it, with condition
 *   `lab.lifeboat.dev/NotExecuted` saying so;
 * - on pod deletion stops the process and confirms the deletion, so ReplicaSets replace the pod;
 * - provisions a hostPath PersistentVolume for each claim of StorageClass `lab-local`;
 * - serves the kubelet port: container logs of the pods it runs; exec/attach/port-forward get a
 *   clear "not supported by the lab kubelet" error (so Velero exec hooks fail with that reason).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:https';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Watch } from '@kubernetes/client-node';
import { Kube, KubeError } from './kube.js';
import { checkImage, parseImage } from './images.js';
import { readLabState, type LabState } from './state.js';
import { isAirgap, LAB_NODE } from './seed.js';

const { values } = parseArgs({ options: { 'lab-dir': { type: 'string' }, kubeconfig: { type: 'string' }, port: { type: 'string' } } });
const labDir = resolve(values['lab-dir']!);
const state = readLabState(labDir) as LabState;
const kube = new Kube(values.kubeconfig!);
const kubeletPort = Number(values.port);
const podsDir = join(labDir, 'kubelet', 'pods');
mkdirSync(podsDir, { recursive: true });
// Ports for the processes the kubelet runs: base+750.., inside this lab's block of 1000 ports.
let nextPort = kubeletPort + 500;

const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);

interface Running {
  uid: string;
  namespace: string;
  name: string;
  containerName: string;
  child?: ChildProcess;
  logFile: string;
  restarts: number;
  stopping: boolean;
  startedAt?: string;
}
const running = new Map<string, Running>(); // by pod uid
const handled = new Map<string, string>(); // pod uid → what was last reported ("running", "not-executed", "pull-failed:<msg>")
const pullRetryAt = new Map<string, number>();

// ------------------------------------------------------------------------------------------------
// Node
// ------------------------------------------------------------------------------------------------

async function registerNode(): Promise<void> {
  await kube.apply({
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: LAB_NODE, labels: { 'kubernetes.io/hostname': LAB_NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } },
  });
  await updateNodeStatus();
  // The API server taints new nodes not-ready; the node-lifecycle controller (off in the lab) would
  // lift it once the node reports Ready, so the kubelet does. DaemonSets schedule only then.
  await kube.mergePatch(`/api/v1/nodes/${LAB_NODE}`, { spec: { taints: null } });
}

async function updateNodeStatus(): Promise<void> {
  const now = new Date().toISOString();
  await kube.mergePatch(`/api/v1/nodes/${LAB_NODE}/status`, {
    status: {
      capacity: { cpu: '2', memory: '24Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '2', memory: '23Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: LAB_NODE }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      nodeInfo: {
        kubeletVersion: state.kubernetesVersion, kubeProxyVersion: '', osImage: 'Lifeboat lab (process kubelet)', operatingSystem: 'linux', architecture: 'amd64',
        containerRuntimeVersion: 'lab-process://1', kernelVersion: '', machineID: 'lab', systemUUID: 'lab', bootID: 'lab',
      },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'lab process kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
    },
  });
}

// ------------------------------------------------------------------------------------------------
// Pods
// ------------------------------------------------------------------------------------------------

function isVeleroServer(pod: any): boolean {
  const c = pod.spec.containers?.[0];
  return Boolean(c && (c.command?.[0] === '/velero' || c.command?.[0] === 'velero') && c.args?.[0] === 'server');
}

async function pullSecretsAuth(pod: any): Promise<Record<string, { username: string; password: string }>> {
  const auths: Record<string, { username: string; password: string }> = {};
  for (const ref of pod.spec.imagePullSecrets ?? []) {
    const secret = await kube.getOrUndefined(`/api/v1/namespaces/${pod.metadata.namespace}/secrets/${ref.name}`);
    const raw = secret?.data?.['.dockerconfigjson'];
    if (!raw) continue;
    try {
      const cfg = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
      for (const [host, a] of Object.entries<any>(cfg.auths ?? {})) {
        const [u, p] = a.auth ? Buffer.from(a.auth, 'base64').toString('utf8').split(/:(.*)/s) : [a.username, a.password];
        auths[host] = { username: u, password: p };
      }
    } catch {
      /* a malformed pull secret is the same as none */
    }
  }
  return auths;
}

/** The first image of the pod that cannot be pulled, with the runtime's message; undefined if all can. */
async function unpullableImage(pod: any): Promise<{ container: string; image: string; message: string } | undefined> {
  const auths = await pullSecretsAuth(pod);
  const ca = readFileSync(state.registry.caFile);
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const ref = parseImage(c.image);
    if (ref.registry === state.registry.host) {
      const result = await checkImage(c.image, { host: ref.registry, ca, ...auths[ref.registry] });
      if (!result.present) return { container: c.name, image: c.image, message: result.message };
    } else if (isAirgap(state.flavour)) {
      return {
        container: c.name, image: c.image,
        message: `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": failed to do request: Head "https://${ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry}/v2/${ref.repository}/manifests/${ref.reference}": dial tcp: lookup ${ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry}: no such host (the lab cluster is air-gapped)`,
      };
    }
  }
  return undefined;
}

function condition(type: string, status: 'True' | 'False', extra: Record<string, string> = {}) {
  return { type, status, lastProbeTime: null, lastTransitionTime: new Date().toISOString(), ...extra };
}

async function setPodStatus(pod: any, status: any): Promise<void> {
  try {
    await kube.mergePatch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { status });
  } catch (e) {
    if (!(e instanceof KubeError && e.status === 404)) log(`status of ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`);
  }
}

async function event(pod: any, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  const now = new Date().toISOString();
  await kube.post(`/api/v1/namespaces/${pod.metadata.namespace}/events`, {
    apiVersion: 'v1', kind: 'Event',
    metadata: { generateName: `${pod.metadata.name}.`, namespace: pod.metadata.namespace },
    involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1' },
    reason, message, type, source: { component: 'kubelet', host: LAB_NODE },
    firstTimestamp: now, lastTimestamp: now, count: 1,
  }).catch(() => {});
}

function runningStatus(pod: any, startedAt: string, restarts: number, executed: boolean): any {
  const ready = (c: any) => ({
    name: c.name, image: c.image, imageID: '', containerID: `lab-process://${pod.metadata.uid}/${c.name}`,
    ready: true, started: true, restartCount: restarts, state: { running: { startedAt } },
  });
  return {
    phase: 'Running',
    hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }],
    startTime: pod.status?.startTime ?? startedAt,
    conditions: [
      condition('PodScheduled', 'True'), condition('Initialized', 'True'), condition('ContainersReady', 'True'), condition('Ready', 'True'),
      executed
        ? condition('lab.lifeboat.dev/Executed', 'True', { reason: 'RunAsLocalProcess', message: 'The lab kubelet runs this pod as a local process.' })
        : condition('lab.lifeboat.dev/NotExecuted', 'True', { reason: 'NoContainerRuntime', message: 'The lab kubelet has no container runtime: this pod is reported Running but its containers are not executed.' }),
    ],
    initContainerStatuses: (pod.spec.initContainers ?? []).map((c: any) => ({
      name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt } },
    })),
    containerStatuses: pod.spec.containers.map(ready),
  };
}

async function reportPullFailure(pod: any, failure: { container: string; image: string; message: string }, reason: 'ErrImagePull' | 'ImagePullBackOff'): Promise<void> {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const isInit = (pod.spec.initContainers ?? []).some((c: any) => c.name === failure.container);
  const waiting = (c: any) => ({
    name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0,
    state: { waiting: c.name === failure.container ? { reason, message: reason === 'ImagePullBackOff' ? `Back-off pulling image "${failure.image}": ${failure.message}` : failure.message } : { reason: isInit ? 'PodInitializing' : 'ContainerCreating' } },
  });
  await setPodStatus(pod, {
    phase: 'Pending', hostIP: '127.0.0.1', startTime: pod.status?.startTime ?? new Date().toISOString(),
    conditions: [condition('PodScheduled', 'True'), condition('Initialized', isInit ? 'False' : 'True'), condition('ContainersReady', 'False'), condition('Ready', 'False', { reason: 'ContainersNotReady' })],
    initContainerStatuses: (pod.spec.initContainers ?? []).map(waiting),
    containerStatuses: pod.spec.containers.map(waiting),
  });
  if (reason === 'ErrImagePull') {
    await event(pod, 'Warning', 'Failed', `Failed to pull image "${failure.image}": ${failure.message}`);
    await event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
  } else {
    await event(pod, 'Normal', 'BackOff', `Back-off pulling image "${failure.image}"`);
  }
  void all;
}

async function reconcilePod(pod: any): Promise<void> {
  const uid = pod.metadata.uid;
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  if (pod.metadata.deletionTimestamp) {
    await stopPod(uid);
    // The kubelet confirms a graceful deletion once the containers are gone.
    await kube.delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: 0, preconditions: { uid } }).catch(() => {});
    handled.delete(uid);
    return;
  }
  if (!pod.spec.nodeName) {
    await kube.post(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { apiVersion: 'v1', kind: 'Node', name: LAB_NODE },
    }).catch((e) => log(`binding ${key}: ${e.message}`));
    return; // the binding produces a MODIFIED event
  }
  if (pod.spec.nodeName !== LAB_NODE) return;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
  const last = handled.get(uid);
  if (last === 'running' || last === 'not-executed') return;
  if (last?.startsWith('pull-failed') && Date.now() < (pullRetryAt.get(uid) ?? 0)) return;

  const failure = await unpullableImage(pod);
  if (failure) {
    const again = last?.startsWith('pull-failed');
    handled.set(uid, `pull-failed:${failure.message}`);
    pullRetryAt.set(uid, Date.now() + 5000);
    log(`${key}: cannot pull ${failure.image}`);
    await reportPullFailure(pod, failure, again ? 'ImagePullBackOff' : 'ErrImagePull');
    return;
  }
  if (last?.startsWith('pull-failed')) await event(pod, 'Normal', 'Pulled', 'Successfully pulled the images');

  if (isVeleroServer(pod)) {
    handled.set(uid, 'running');
    await startVelero(pod);
  } else {
    handled.set(uid, 'not-executed');
    const startedAt = new Date().toISOString();
    await setPodStatus(pod, runningStatus(pod, startedAt, 0, false));
  }
}

// ------------------------------------------------------------------------------------------------
// Running the Velero server pod
// ------------------------------------------------------------------------------------------------

function pluginBinaryFor(image: string): string | undefined {
  const repo = parseImage(image).repository;
  const name = repo.split('/').pop()!;
  const candidate = join(state.pluginsDir, name);
  return existsSync(candidate) ? candidate : undefined;
}

async function serviceAccountKubeconfig(pod: any, dir: string): Promise<string> {
  const ns = pod.metadata.namespace;
  const sa = pod.spec.serviceAccountName ?? 'default';
  const tr = await kube.post(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    spec: { expirationSeconds: 86400, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid: pod.metadata.uid } },
  });
  const file = join(dir, 'serviceaccount.kubeconfig');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: in-cluster', '  cluster:', `    server: ${state.apiServer}`, `    certificate-authority-data: ${readFileSync(join(labDir, 'pki', 'ca.crt')).toString('base64')}`,
    'users:', `- name: ${sa}`, '  user:', `    token: ${tr.status.token}`,
    'contexts:', '- name: in-cluster', '  context:', '    cluster: in-cluster', `    user: ${sa}`, `    namespace: ${ns}`,
    'current-context: in-cluster', '',
  ].join('\n'), { mode: 0o600 });
  return file;
}

async function resolveEnv(pod: any, container: any, mounts: Array<{ mountPath: string; hostPath: string }>): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) {
      const path = e.valueFrom.fieldRef.fieldPath as string;
      env[e.name] = path === 'metadata.namespace' ? pod.metadata.namespace : path === 'metadata.name' ? pod.metadata.name : path === 'spec.nodeName' ? LAB_NODE : '127.0.0.1';
    } else if (e.valueFrom?.secretKeyRef) {
      const s = await kube.getOrUndefined(`/api/v1/namespaces/${pod.metadata.namespace}/secrets/${e.valueFrom.secretKeyRef.name}`);
      const v = s?.data?.[e.valueFrom.secretKeyRef.key];
      if (v !== undefined) env[e.name] = Buffer.from(v, 'base64').toString('utf8');
    } else if (e.valueFrom?.configMapKeyRef) {
      const c = await kube.getOrUndefined(`/api/v1/namespaces/${pod.metadata.namespace}/configmaps/${e.valueFrom.configMapKeyRef.name}`);
      const v = c?.data?.[e.valueFrom.configMapKeyRef.key];
      if (v !== undefined) env[e.name] = v;
    }
  }
  // Paths inside the pod's filesystem become the directories that stand in for its volumes.
  const sorted = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  for (const [k, v] of Object.entries(env)) {
    const m = sorted.find((m) => v === m.mountPath || v.startsWith(`${m.mountPath}/`));
    if (m) env[k] = m.hostPath + v.slice(m.mountPath.length);
  }
  return env;
}

async function startVelero(pod: any): Promise<void> {
  const uid = pod.metadata.uid;
  const dir = join(podsDir, uid);
  const volumesDir = join(dir, 'volumes');
  mkdirSync(volumesDir, { recursive: true, mode: 0o700 });
  const container = pod.spec.containers[0];

  // Volumes: emptyDir → a private directory; Secret → its keys as files (0400), as a kubelet mounts them.
  for (const v of pod.spec.volumes ?? []) {
    const host = join(volumesDir, v.name);
    mkdirSync(host, { recursive: true, mode: 0o700 });
    if (v.secret) {
      const s = await kube.getOrUndefined(`/api/v1/namespaces/${pod.metadata.namespace}/secrets/${v.secret.secretName}`);
      for (const [k, val] of Object.entries<string>(s?.data ?? {})) writeFileSync(join(host, k), Buffer.from(val, 'base64'), { mode: 0o400 });
    }
  }
  // Plugin init containers copy their binary into the volume mounted at /target.
  for (const init of pod.spec.initContainers ?? []) {
    const target = (init.volumeMounts ?? []).find((m: any) => m.mountPath === '/target');
    const binary = pluginBinaryFor(init.image);
    if (!target) continue;
    if (!binary) {
      log(`${pod.metadata.namespace}/${pod.metadata.name}: no local build of plugin ${init.image}; its init container is skipped`);
      await event(pod, 'Warning', 'LabPluginMissing', `The lab has no local build of ${init.image}; the plugin is not available to velero.`);
      continue;
    }
    const dest = join(volumesDir, target.name, parseImage(init.image).repository.split('/').pop()!);
    rmSync(dest, { force: true });
    symlinkSync(binary, dest);
  }
  const mounts = (container.volumeMounts ?? []).map((m: any) => ({ mountPath: m.mountPath as string, hostPath: join(volumesDir, m.name) }));
  const env = await resolveEnv(pod, container, mounts);
  const kubeconfig = await serviceAccountKubeconfig(pod, dir);
  const pluginDir = mounts.find((m: { mountPath: string }) => m.mountPath === '/plugins')?.hostPath ?? join(volumesDir, 'plugins');
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const metricsPort = nextPort++;
  const profilerPort = nextPort++;

  const args = [
    ...container.args,
    `--kubeconfig=${kubeconfig}`,
    `--plugin-dir=${pluginDir}`,
    `--metrics-address=127.0.0.1:${metricsPort}`,
    `--profiler-address=127.0.0.1:${profilerPort}`,
  ];
  const entry: Running = { uid, namespace: pod.metadata.namespace, name: pod.metadata.name, containerName: container.name, logFile: join(dir, `${container.name}.log`), restarts: 0, stopping: false };
  running.set(uid, entry);

  const launch = async () => {
    const fd = openSync(entry.logFile, 'a');
    const child = spawn(join(state.toolsDir, 'velero'), args, {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home, ...env, LAB_POD: `${pod.metadata.namespace}/${pod.metadata.name}` },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    entry.child = child;
    entry.startedAt = new Date().toISOString();
    log(`${pod.metadata.namespace}/${pod.metadata.name}: started velero server (pid ${child.pid})`);
    await event(pod, 'Normal', 'Started', `Started container ${container.name} as local process ${child.pid}`);
    await setPodStatus(pod, runningStatus(pod, entry.startedAt, entry.restarts, true));
    child.on('exit', async (code, signal) => {
      if (entry.stopping) return;
      entry.restarts += 1;
      const finishedAt = new Date().toISOString();
      log(`${pod.metadata.namespace}/${pod.metadata.name}: velero exited (${code ?? signal}); restarting`);
      await event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name}`);
      await setPodStatus(pod, {
        phase: 'Running',
        conditions: [condition('PodScheduled', 'True'), condition('Initialized', 'True'), condition('ContainersReady', 'False'), condition('Ready', 'False', { reason: 'ContainersNotReady' })],
        containerStatuses: [{
          name: container.name, image: container.image, imageID: '', ready: false, restartCount: entry.restarts,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${container.name}` } },
          lastState: { terminated: { exitCode: code ?? 137, reason: 'Error', startedAt: entry.startedAt, finishedAt } },
        }],
      });
      setTimeout(() => { if (!entry.stopping) void launch(); }, Math.min(10_000 * entry.restarts, 60_000));
    });
  };
  await launch();
}

async function stopPod(uid: string): Promise<void> {
  const entry = running.get(uid);
  if (!entry) return;
  entry.stopping = true;
  running.delete(uid);
  const child = entry.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise<void>((r) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 5000);
      child.once('exit', () => { clearTimeout(t); r(); });
    });
  }
  log(`${entry.namespace}/${entry.name}: stopped`);
}

// ------------------------------------------------------------------------------------------------
// Volumes: a hostPath provisioner for StorageClass lab-local
// ------------------------------------------------------------------------------------------------

async function reconcileClaim(pvc: any): Promise<void> {
  if (pvc.metadata.deletionTimestamp || pvc.spec.volumeName || pvc.status?.phase === 'Bound') return;
  const sc = pvc.spec.storageClassName ?? 'lab-local';
  if (sc !== 'lab-local') return;
  const name = `pvc-${pvc.metadata.uid}`;
  if (await kube.getOrUndefined(`/api/v1/persistentvolumes/${name}`)) return;
  const path = join(labDir, 'volumes', name);
  mkdirSync(path, { recursive: true });
  await kube.post('/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'lab.lifeboat.dev/hostpath' } },
    spec: {
      capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'lab-local',
      hostPath: { path, type: 'DirectoryOrCreate' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
    },
  }).then(() => log(`provisioned ${name} for ${pvc.metadata.namespace}/${pvc.metadata.name}`)).catch((e) => log(`provisioning ${name}: ${e.message}`));
}

async function reconcileVolume(pv: any): Promise<void> {
  if (pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] !== 'lab.lifeboat.dev/hostpath') return;
  if (pv.status?.phase === 'Released' && pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
    await kube.delete(`/api/v1/persistentvolumes/${pv.metadata.name}`);
    rmSync(join(labDir, 'volumes', pv.metadata.name), { recursive: true, force: true });
    log(`deleted released volume ${pv.metadata.name}`);
  }
}

// ------------------------------------------------------------------------------------------------
// The kubelet port: logs of the pods it runs; everything else is refused with the reason.
// ------------------------------------------------------------------------------------------------

function serveKubeletPort(): void {
  const server = createServer({ cert: readFileSync(join(labDir, 'pki', 'kubelet.crt')), key: readFileSync(join(labDir, 'pki', 'kubelet.key')) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://lab');
    const m = url.pathname.match(/^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/);
    if (url.pathname === '/healthz') {
      res.end('ok');
      return;
    }
    if (m) {
      const entry = [...running.values()].find((r) => r.namespace === m[1] && r.name === m[2]);
      if (entry && existsSync(entry.logFile)) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        createReadStream(entry.logFile).pipe(res);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`the lab kubelet does not run ${m[1]}/${m[2]} (it is reported Running without being executed), so it has no logs`);
      return;
    }
    res.writeHead(501, { 'content-type': 'text/plain' });
    res.end(`${url.pathname.split('/')[1]} is not supported by the lab's process kubelet: pods run as local processes, not containers`);
  });
  server.listen(kubeletPort, '127.0.0.1');
}

// ------------------------------------------------------------------------------------------------
// Watches, with a periodic full resync as a safety net
// ------------------------------------------------------------------------------------------------

const queue = new Map<string, () => Promise<void>>();
let draining = false;
function enqueue(key: string, work: () => Promise<void>): void {
  queue.set(key, work);
  if (!draining) void drain();
}
async function drain(): Promise<void> {
  draining = true;
  while (queue.size) {
    const [key, work] = queue.entries().next().value as [string, () => Promise<void>];
    queue.delete(key);
    await work().catch((e) => log(`${key}: ${(e as Error).message}`));
  }
  draining = false;
}

function watch(path: string, onObject: (type: string, obj: any) => void): void {
  const w = new Watch(kube.kc);
  const start = () =>
    w.watch(path, { allowWatchBookmarks: true }, onObject, (err) => {
      if (err) log(`watch ${path} ended: ${err.message ?? err}`);
      setTimeout(start, 1000);
    }).catch((e) => {
      log(`watch ${path} failed: ${e.message}`);
      setTimeout(start, 1000);
    });
  void start();
}

async function resync(): Promise<void> {
  const pods = await kube.get('/api/v1/pods');
  const live = new Set<string>();
  for (const pod of pods.items) {
    live.add(pod.metadata.uid);
    enqueue(`pod/${pod.metadata.uid}`, () => reconcilePod(pod));
  }
  for (const uid of running.keys()) if (!live.has(uid)) await stopPod(uid);
  const pvcs = await kube.get('/api/v1/persistentvolumeclaims');
  for (const pvc of pvcs.items) enqueue(`pvc/${pvc.metadata.uid}`, () => reconcileClaim(pvc));
  const pvs = await kube.get('/api/v1/persistentvolumes');
  for (const pv of pvs.items) enqueue(`pv/${pv.metadata.name}`, () => reconcileVolume(pv));
}

async function main(): Promise<void> {
  serveKubeletPort();
  await registerNode();
  watch('/api/v1/pods', (type, pod) => {
    if (type === 'BOOKMARK') return;
    if (type === 'DELETED') {
      enqueue(`pod/${pod.metadata.uid}`, async () => { await stopPod(pod.metadata.uid); handled.delete(pod.metadata.uid); });
      return;
    }
    enqueue(`pod/${pod.metadata.uid}`, () => reconcilePod(pod));
  });
  watch('/api/v1/persistentvolumeclaims', (type, pvc) => type !== 'DELETED' && type !== 'BOOKMARK' && enqueue(`pvc/${pvc.metadata.uid}`, () => reconcileClaim(pvc)));
  watch('/api/v1/persistentvolumes', (type, pv) => type !== 'DELETED' && type !== 'BOOKMARK' && enqueue(`pv/${pv.metadata.name}`, () => reconcileVolume(pv)));
  setInterval(() => void resync().catch((e) => log(`resync: ${e.message}`)), 3000);
  setInterval(() => void updateNodeStatus().catch((e) => log(`node status: ${e.message}`)), 20_000);
  log(`process kubelet for ${LAB_NODE} is serving on 127.0.0.1:${kubeletPort}`);
}

const shutdown = async () => {
  for (const uid of [...running.keys()]) await stopPod(uid);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

main().catch((e) => {
  log(`process kubelet failed: ${e.stack ?? e}`);
  process.exit(1);
});
