/**
 * The lab's process kubelet. There is no container runtime on the lab's machines, so this stands in
 * for the kubelet (and, with one node, the scheduler and a hostPath volume provisioner):
 *
 * - registers Node `lab-node` and keeps it Ready; binds every unscheduled pod to it;
 * - checks each container image for real: an image on the lab registry must be there for the pod's
 *   pull secrets; in air-gapped flavours any other registry is unreachable. A missing image gets the
 *   status and Event a kubelet reports (ErrImagePull, then ImagePullBackOff) and is retried;
 * - RUNS every pod whose images the lab has local builds of (pods.ts, containers.ts): Velero's
 *   server and its plugin init containers, kots's check pods (the kotsadm image's /scripts), the
 *   MinIO that KOTS deploys for file-system destinations. Each container is a sandboxed process with
 *   the pod's volumes, environment, service account token and restart policy;
 * - marks every other pod Running and Ready without running it (condition
 *   `lab.lifeboat.dev/NotExecuted`); exec into such a pod still runs with its volumes and env;
 * - serves the kubelet port through kubelet-stream (tools/kubelet-stream, the real kubelet's
 *   streaming code): exec, attach and port-forward as the API server proxies them; container logs
 *   (follow included) are answered here, behind it;
 * - gives Services loopback addresses and cluster names (services.ts);
 * - on pod deletion stops the processes and confirms the deletion, so controllers replace the pod;
 * - provisions a hostPath PersistentVolume for each claim of StorageClass `lab-local`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { closeSync, createReadStream, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Watch } from '@kubernetes/client-node';
import { Kube } from './kube.js';
import { checkImage, parseImage } from './images.js';
import { readLabState, type LabState } from './state.js';
import { LAB_NODE } from './seed.js';
import { PodRunner } from './pods.js';
import { ServiceNetwork } from './services.js';
import { labPrograms } from './programs.js';
import { podMetricsPortsFor } from './velero-metrics-port.js';
import { KOTS_VERSION } from './kotsinstall/install.js';

const { values } = parseArgs({
  options: { 'lab-dir': { type: 'string' }, kubeconfig: { type: 'string' }, port: { type: 'string' }, 'port-base': { type: 'string' } },
});
const labDir = resolve(values['lab-dir']!);
const state = readLabState(labDir) as LabState;
const kube = new Kube(values.kubeconfig!);
const kubeletPort = Number(values.port);
/** The TypeScript half listens here (loopback, plain HTTP); kubelet-stream owns the kubelet port. */
const backendPort = kubeletPort + 1;
const podsDir = join(labDir, 'kubelet', 'pods');
mkdirSync(podsDir, { recursive: true });
const hostsFile = join(labDir, 'kubelet', 'hosts');

const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);

const runner: PodRunner = new PodRunner({
  kube,
  podsDir,
  labDir,
  hostsFile,
  hostsFileFor: (ns: string): string => services.hostsFileFor(ns),
  caCertFile: join(labDir, 'pki', 'ca.crt'),
  apiServer: new URL(state.apiServer),
  programs: labPrograms(state),
  // Ports for the processes the kubelet runs: base+750.., inside this lab's block of 1000 ports.
  firstPort: kubeletPort + 500,
  metricsPorts: podMetricsPortsFor(Number(values['port-base'] ?? kubeletPort - 250)),
  log,
});
const services: ServiceNetwork = new ServiceNetwork(
  ServiceNetwork.secondOctetFor(Number(values['port-base'] ?? kubeletPort - 250)),
  hostsFile,
  (ns, selector, target) => {
    for (const p of runner.pods.values()) {
      if (p.namespace !== ns || p.stopping || !Object.entries(selector).every(([k, v]) => p.labels[k] === v)) continue;
      const containerPort = typeof target === 'number' ? target : p.portNames.get(target);
      const hostPort = containerPort === undefined ? undefined : p.ports.get(containerPort);
      if (hostPort) return { host: '127.0.0.1', port: hostPort };
    }
    return undefined;
  },
  log,
);

const handled = new Map<string, string>(); // pod uid → what was last done ("running", "not-executed", "pull-failed:<msg>")
const pullRetryAt = new Map<string, number>();

// ------------------------------------------------------------------------------------------------
// Node
// ------------------------------------------------------------------------------------------------

async function registerNode(): Promise<void> {
  await kube.apply({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: LAB_NODE,
      labels: { 'kubernetes.io/hostname': LAB_NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' },
    },
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
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: LAB_NODE },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      nodeInfo: {
        kubeletVersion: state.kubernetesVersion,
        kubeProxyVersion: '',
        osImage: 'Lifeboat lab (process kubelet)',
        operatingSystem: 'linux',
        architecture: 'amd64',
        containerRuntimeVersion: 'lab-process://1',
        kernelVersion: '',
        machineID: 'lab',
        systemUUID: 'lab',
        bootID: 'lab',
      },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'lab process kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
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
/**
 * Images already in the node's container store. A kURL installer loads its add-ons' images into
 * every node's containerd from its bundle (kURL addons/kotsadm/<version>/Manifest lists
 * kotsadm/kotsadm:<version>), and KOTS relies on it: on kURL with the admin console in namespace
 * default, the bucket-check pod of `kubectl kots velero configure-other-s3` names
 * kotsadm/kotsadm:<tag> unrewritten, pull policy IfNotPresent (kots pkg/s3/s3.go s3BucketPod at
 * v1.131.4). Other flavours' nodes hold nothing: everything comes from the private registry.
 */
const nodeImages: ReadonlySet<string> = new Set(
  state.flavour === 'kurl' ? [`kotsadm/kotsadm:${KOTS_VERSION}`, `docker.io/kotsadm/kotsadm:${KOTS_VERSION}`] : [],
);

async function unpullableImage(pod: any): Promise<{ container: string; image: string; message: string } | undefined> {
  const auths = await pullSecretsAuth(pod);
  const ca = readFileSync(state.registry.caFile);
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    if (nodeImages.has(c.image) && c.imagePullPolicy !== 'Always') continue;
    const ref = parseImage(c.image);
    if (ref.registry === state.registry.host) {
      const result = await checkImage(c.image, { host: ref.registry, ca, ...auths[ref.registry] });
      if (!result.present) return { container: c.name, image: c.image, message: result.message };
    } else {
      // Every lab flavour is air-gapped (the online flavour needs replicated.app: kotsinstall/install.ts).
      return {
        container: c.name,
        image: c.image,
        message: `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": failed to do request: Head "https://${ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry}/v2/${ref.repository}/manifests/${ref.reference}": dial tcp: lookup ${ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry}: no such host (the lab cluster is air-gapped)`,
      };
    }
  }
  return undefined;
}

async function reportPullFailure(
  pod: any,
  failure: { container: string; image: string; message: string },
  reason: 'ErrImagePull' | 'ImagePullBackOff',
): Promise<void> {
  const isInit = (pod.spec.initContainers ?? []).some((c: any) => c.name === failure.container);
  const waiting = (c: any) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: 0,
    state: {
      waiting:
        c.name === failure.container
          ? { reason, message: reason === 'ImagePullBackOff' ? `Back-off pulling image "${failure.image}": ${failure.message}` : failure.message }
          : { reason: isInit ? 'PodInitializing' : 'ContainerCreating' },
    },
  });
  const condition = (type: string, status: 'True' | 'False', extra: Record<string, string> = {}) => ({
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: new Date().toISOString(),
    ...extra,
  });
  await runner.setStatus(pod, {
    phase: 'Pending',
    hostIP: '127.0.0.1',
    startTime: pod.status?.startTime ?? new Date().toISOString(),
    conditions: [
      condition('PodScheduled', 'True'),
      condition('Initialized', isInit ? 'False' : 'True'),
      condition('ContainersReady', 'False'),
      condition('Ready', 'False', { reason: 'ContainersNotReady' }),
    ],
    initContainerStatuses: (pod.spec.initContainers ?? []).map(waiting),
    containerStatuses: pod.spec.containers.map(waiting),
  });
  if (reason === 'ErrImagePull') {
    await runner.event(pod, 'Warning', 'Failed', `Failed to pull image "${failure.image}": ${failure.message}`);
    await runner.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
  } else {
    await runner.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${failure.image}"`);
  }
}

async function reconcilePod(pod: any): Promise<void> {
  const uid = pod.metadata.uid;
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  if (pod.metadata.deletionTimestamp) {
    await runner.stop(uid);
    // The kubelet confirms a graceful deletion once the containers are gone.
    await kube
      .delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: 0, preconditions: { uid } })
      .catch(() => {});
    handled.delete(uid);
    return;
  }
  if (!pod.spec.nodeName) {
    await kube
      .post(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name },
        target: { apiVersion: 'v1', kind: 'Node', name: LAB_NODE },
      })
      .catch((e) => log(`binding ${key}: ${e.message}`));
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
  if (last?.startsWith('pull-failed')) await runner.event(pod, 'Normal', 'Pulled', 'Successfully pulled the images');

  if (runner.runnable(pod)) {
    handled.set(uid, 'running');
    // The pod runs for as long as it runs: never inside the reconcile queue.
    void runner.run(pod).catch((err) => {
      // Logged: a pod that cannot start must say why (it is tried again on the next resync).
      log(`${key}: cannot run: ${(err as Error).message}`);
      handled.delete(uid);
    });
  } else {
    handled.set(uid, 'not-executed');
    await runner.reportNotExecuted(pod);
  }
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
  await kube
    .post('/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'lab.lifeboat.dev/hostpath' } },
      spec: {
        capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'lab-local',
        hostPath: { path, type: 'DirectoryOrCreate' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
      },
    })
    .then(() => log(`provisioned ${name} for ${pvc.metadata.namespace}/${pvc.metadata.name}`))
    .catch((e) => log(`provisioning ${name}: ${e.message}`));
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
// The kubelet port. kubelet-stream (tools/kubelet-stream) owns it: it serves exec, attach and
// port-forward with the real kubelet's streaming code, asks this backend where a pod's container
// runs, and proxies everything else (container logs, healthz) here.
// ------------------------------------------------------------------------------------------------

/** Byte offset where the last `tailLines` lines of the file start (0: the whole file). */
function tailStart(file: string, tailLines: number | undefined): number {
  const size = statSync(file).size;
  if (tailLines === undefined || !Number.isFinite(tailLines) || tailLines < 0) return 0;
  if (tailLines === 0) return size;
  const window = Math.min(size, 16 * 1024 * 1024);
  const buf = Buffer.alloc(window);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, window, size - window);
  } finally {
    closeSync(fd);
  }
  const end = window > 0 && buf[window - 1] === 10 ? window - 1 : window;
  let count = 0;
  for (let i = end - 1; i >= 0; i--) if (buf[i] === 10 && ++count === tailLines) return size - window + i + 1;
  return size - window;
}

function serveBackend(): void {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (url.pathname === '/healthz') return reply(200, 'ok');
      const q = (k: string) => url.searchParams.get(k) ?? '';
      if (url.pathname === '/lab/exec') {
        const pod = await kube.getOrUndefined(`/api/v1/namespaces/${q('namespace')}/pods/${q('pod')}`);
        if (!pod) return reply(404, `pod ${q('namespace')}/${q('pod')} not found`);
        const c = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find((x: any) => x.name === q('container'));
        if (!c) return reply(404, `container ${q('container')} is not valid for pod ${q('pod')}`);
        // As a kubelet answers: a container that is not running (e.g. its image cannot be pulled) is not found.
        if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
          return reply(400, `cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
        const running = (pod.status?.containerStatuses ?? []).some((cs: any) => cs.name === c.name && cs.state?.running);
        if (!running) return reply(404, `container not found ("${c.name}")`);
        const { argv, env } = await runner.sandbox(pod, c);
        return reply(200, { argv, env: Object.entries(env).map(([k, v]) => `${k}=${v}`), dir: '' });
      }
      if (url.pathname === '/lab/portforward') {
        const entry = runner.byName(q('namespace'), q('pod'));
        const hostPort = entry?.ports.get(Number(q('port')));
        if (!entry) return reply(404, `pod ${q('namespace')}/${q('pod')} is not running on ${LAB_NODE}`);
        if (!hostPort)
          return reply(
            404,
            `pod ${q('namespace')}/${q('pod')} does not listen on port ${q('port')}${entry.executed ? '' : ' (the lab kubelet does not execute this pod)'}`,
          );
        return reply(200, { address: `127.0.0.1:${hostPort}` });
      }
      const m = url.pathname.match(/^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/);
      if (m) {
        const found = runner.logOf(m[1], m[2], m[3]);
        if (!found)
          return reply(
            404,
            `the lab kubelet does not run ${m[1]}/${m[2]} container ${m[3]} (it is reported Running without being executed), so it has no logs`,
          );
        const tail = url.searchParams.get('tailLines');
        let pos = tailStart(found.file, tail ? Number(tail) : undefined);
        res.writeHead(200, { 'content-type': 'text/plain' });
        if (url.searchParams.get('follow') !== 'true') {
          createReadStream(found.file, { start: pos }).pipe(res);
          return;
        }
        // follow: what is there, then what is appended, until the container's process ends.
        const fd = openSync(found.file, 'r');
        const buf = Buffer.alloc(64 * 1024);
        let closed = false;
        res.on('close', () => {
          closed = true;
        });
        for (;;) {
          const wasRunning = found.running();
          let n: number;
          while ((n = readSync(fd, buf, 0, buf.length, pos)) > 0) {
            pos += n;
            res.write(Buffer.from(buf.subarray(0, n)));
          }
          if (!wasRunning || closed) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        closeSync(fd);
        res.end();
        return;
      }
      reply(404, `${url.pathname} is not served by the lab's process kubelet`);
    } catch (e) {
      reply(500, (e as Error).message);
    }
  });
  server.listen(backendPort, '127.0.0.1');
}

function startStreamServer(): void {
  const child = spawn(
    labPrograms(state).kubeletStream,
    [
      `--listen=127.0.0.1:${kubeletPort}`,
      `--cert=${join(labDir, 'pki', 'kubelet.crt')}`,
      `--key=${join(labDir, 'pki', 'kubelet.key')}`,
      `--client-ca=${join(labDir, 'pki', 'ca.crt')}`,
      `--backend=http://127.0.0.1:${backendPort}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  child.on('exit', (code) => {
    log(`kubelet-stream exited (${code}); the kubelet stops with it`);
    process.exit(1);
  });
  process.on('exit', () => child.kill('SIGTERM'));
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
    w
      .watch(path, { allowWatchBookmarks: true }, onObject, (err) => {
        if (err) log(`watch ${path} ended: ${err.message ?? err}`);
        setTimeout(start, 1000);
      })
      .catch((e) => {
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
  for (const uid of [...runner.pods.keys()])
    if (!live.has(uid)) {
      await runner.stop(uid);
      runner.forget(uid);
      handled.delete(uid);
    }
  const pvcs = await kube.get('/api/v1/persistentvolumeclaims');
  for (const pvc of pvcs.items) enqueue(`pvc/${pvc.metadata.uid}`, () => reconcileClaim(pvc));
  const pvs = await kube.get('/api/v1/persistentvolumes');
  for (const pv of pvs.items) enqueue(`pv/${pv.metadata.name}`, () => reconcileVolume(pv));
}

async function main(): Promise<void> {
  serveBackend();
  startStreamServer();
  await registerNode();
  watch('/api/v1/pods', (type, pod) => {
    if (type === 'BOOKMARK') return;
    if (type === 'DELETED') {
      enqueue(`pod/${pod.metadata.uid}`, async () => {
        await runner.stop(pod.metadata.uid);
        runner.forget(pod.metadata.uid);
        handled.delete(pod.metadata.uid);
      });
      return;
    }
    enqueue(`pod/${pod.metadata.uid}`, () => reconcilePod(pod));
  });
  watch('/api/v1/services', (type, svc) => type !== 'BOOKMARK' && services.upsert(svc, type === 'DELETED'));
  watch(
    '/api/v1/persistentvolumeclaims',
    (type, pvc) => type !== 'DELETED' && type !== 'BOOKMARK' && enqueue(`pvc/${pvc.metadata.uid}`, () => reconcileClaim(pvc)),
  );
  watch('/api/v1/persistentvolumes', (type, pv) => type !== 'DELETED' && type !== 'BOOKMARK' && enqueue(`pv/${pv.metadata.name}`, () => reconcileVolume(pv)));
  setInterval(() => void resync().catch((e) => log(`resync: ${e.message}`)), 3000);
  setInterval(() => void updateNodeStatus().catch((e) => log(`node status: ${e.message}`)), 20_000);
  log(`process kubelet for ${LAB_NODE} is serving on 127.0.0.1:${kubeletPort}`);
}

const shutdown = async () => {
  for (const uid of [...runner.pods.keys()]) await runner.stop(uid);
  services.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

main().catch((e) => {
  log(`process kubelet failed: ${e.stack ?? e}`);
  process.exit(1);
});
