/**
 * The lab cluster: real etcd, kube-apiserver, kube-controller-manager, MinIO and docker-registry as
 * loopback processes, plus the process kubelet (test/lab/kubelet.ts), which runs the pods; KOTS is
 * installed into it by the real `kubectl kots install` (test/lab/kotsinstall/), so the admin console
 * is the real kotsadm. `startLab` reuses a healthy running lab and cleans up a stale one; `stopLab`
 * leaves no process behind.
 */
import { execFileSync } from 'node:child_process';
import { writeVeleroWithMetricsPort, metricsPortFor } from './velero-metrics-port.js';
import { existsSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync, readFileSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { randomBytes } from 'node:crypto';
import { ensurePki, writeKubeconfig, type Pki } from './pki.js';
import { isAlive, portOpen, sleep, startDaemon, stopGroup, waitFor, type Started } from './processes.js';
import { labDir as defaultLabDir, readLabState, repoRoot, type LabState } from './state.js';
import { LAB_REGISTRY_NAMESPACE, applyFlavourMarkers, sampleApp, seedCluster, vendorBackupSpec, vendorRestoreSpec, type Flavour } from './seed.js';
import { runKotsadmAsEmbeddedCluster } from './kotsinstall/embedded-cluster.js';
import { installWithKotsCli, pushAdminConsoleImages } from './kotsinstall/install.js';

export interface LabOptions {
  dir?: string;
  flavour?: Flavour;
  /** Ports are base + fixed offsets, so two labs (e.g. a "rebuilt cluster") can run side by side. */
  portBase?: number;
  /** Use another lab's MinIO instead of starting one (the rebuilt-cluster scenario). */
  sharedMinioFrom?: string;
  /** Use another lab's registry instead of starting one: a rebuilt existing cluster keeps using the
   * private registry outside it (air gap), so the images its backups name are still there. */
  sharedRegistryFrom?: string;
  /** Whether the release's Backup carries the vendor's hooks (default true; seed.ts vendorBackupSpec). */
  vendorHooks?: boolean;
  /** Whether the release also carries the vendor's velero.io/v1 Restore (default false). With
   * Embedded Cluster's improved disaster recovery, kotsadm then makes each full backup of two Velero
   * Backups (kots pkg/kotsadmsnapshot/backup.go getAppInstanceBackupSpec at v1.131.4). */
  vendorRestore?: boolean;
  /**
   * Install KOTS with its own MinIO, `kubectl kots install --with-minio=true` (the CLI's default;
   * default false here). kots then runs the admin console as a Deployment that keeps its archives in
   * the kotsadm-minio StatefulSet, and records minio-enabled-snapshots=true in ConfigMap
   * kotsadm-confg, which sends host-path and NFS destinations to KOTS's file-system MinIO rather than
   * the local-volume provider (kots pkg/kotsadm/main.go, pkg/snapshot/filesystem_lvp.go at v1.131.4).
   */
  kotsMinio?: boolean;
  log?: (line: string) => void;
}

export const KUBERNETES_VERSION = 'v1.36.3';
const toolCache = () => process.env.LIFEBOAT_LAB_CACHE ?? join(homedir(), '.cache', 'lifeboat-lab');

/** The shared lab's port base, when neither the caller nor LIFEBOAT_LAB_PORT_BASE names one. */
export const SHARED_LAB_PORT_BASE = 26000;

/**
 * A lab's ports: base+250 … base+901, plus the kubelet's pod ports from base+750 upwards (one pair per
 * Velero server start). Labs that run at the same time need bases at least 1000 apart, and every
 * port must stay below Linux's ephemeral range (32768+, where outgoing connections take their local
 * ports at random): bases in use are 10000–13000 (the e2e specs' own labs: test/e2e/registry.spec.ts,
 * restore.spec.ts, setup.spec.ts), 16000 (test/integration/kots-minio.test.ts), 17000
 * (faults-jobs.test.ts) and 19000–31000 (19000: kotsadm-embedded-dr.test.ts, 20000:
 * kotsadm-real.test.ts, 21000: faults.test.ts, 22000: test/e2e/demo-guide.spec.ts, 23000–31000: the
 * other integration suites and the shared lab at 26000).
 */
export function ports(base: number) {
  return {
    apiserver: base + 443,
    etcdClient: base + 379,
    etcdPeer: base + 380,
    minio: base + 900,
    minioConsole: base + 901,
    registry: base + 500,
    kubelet: base + 250,
  };
}

function bin(name: string): string {
  const p = join(toolCache(), 'bin', name);
  if (!existsSync(p)) {
    throw new Error(`lab: ${name} is not built yet. Run \`npm run lab:build\` (first build takes many minutes; later ones are cached).`);
  }
  return p;
}

function httpsOk(url: string, pki: Pki, client: { cert: string; key: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Every lab process alive and the API server ready. */
export async function labHealthy(state: LabState): Promise<boolean> {
  if (!Object.values(state.pids).every(isAlive)) return false;
  const pki = ensurePki(join(state.dir, 'pki'));
  return httpsOk(`${state.apiServer}/readyz`, pki, pki.client('admin'));
}

export async function stopLab(dir = defaultLabDir(), log: (l: string) => void = () => {}): Promise<void> {
  const state = readLabState(dir);
  const pidFile = join(dir, 'pids.json');
  const pids: Record<string, number> = { ...(state?.pids ?? {}) };
  if (existsSync(pidFile)) Object.assign(pids, JSON.parse(readFileSync(pidFile, 'utf8')));
  // Reverse start order: the kubelet stops its own children (velero server) when it is stopped.
  for (const [name, pid] of Object.entries(pids).reverse()) {
    if (isAlive(pid)) log(`stopping ${name} (pid ${pid})`);
    await stopGroup(pid);
  }
  // Velero servers are in the kubelet's process groups; make sure none outlived it.
  const leftovers = findProcessesUnder(dir);
  for (const pid of leftovers) await stopGroup(pid, 1000);
  rmSync(pidFile, { force: true });
  rmSync(join(dir, 'lab.json'), { force: true });
}

/** Processes whose command line mentions the lab directory: the safety net for `lab:down`. */
export function findProcessesUnder(dir: string): number[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.split(/\s+/).some((arg) => arg === dir || arg.includes(`${dir}/`)) && !l.includes(' ps -eo'))
      .map((l) => Number(l.split(/\s+/)[0]))
      .filter((pid) => pid !== process.pid && Number.isFinite(pid));
  } catch {
    return [];
  }
}

const FLAVOURS: readonly Flavour[] = ['existing-airgap', 'kurl', 'embedded-cluster'];

/** The lab's flavours are the air-gapped ones: the online flavour needs replicated.app (kotsinstall/install.ts). */
export function labFlavour(name: string): Flavour {
  if ((FLAVOURS as readonly string[]).includes(name)) return name as Flavour;
  const why =
    name === 'existing'
      ? ' The online flavour cannot be installed without internet: kotsadm fetches the license and the release from replicated.app (test/lab/kotsinstall/install.ts says what was tried).'
      : '';
  throw new Error(`lab: no flavour "${name}".${why} Use one of: ${FLAVOURS.join(', ')}.`);
}

/**
 * Starts the lab (or reuses a healthy one). If the start fails because one of the lab's own daemons
 * stopped while it was starting (seen once on the 2-core CI machine: etcd shut down by a SIGTERM
 * that no lab code had sent it, and the next request ended in "socket hang up"), the daemons that
 * died are named, the lab is torn down and started once more from scratch. Any other failure, or a
 * second one, is thrown as it is.
 */
export async function startLab(opts: LabOptions = {}): Promise<LabState> {
  try {
    return await startLabOnce(opts);
  } catch (err) {
    const dir = opts.dir ?? defaultLabDir();
    const dead = stoppedDaemons(dir);
    if (!dead.length) throw err;
    const log = opts.log ?? (() => {});
    const line = `lab: the start in ${dir} failed (${err instanceof Error ? err.message : String(err)}) after ${dead.join(', ')} stopped; starting it again from scratch, once`;
    log(line);
    console.warn(line);
    await stopLab(dir, log);
    return startLabOnce(opts);
  }
}

/** The daemons pids.json records for `dir` that are no longer running. */
function stoppedDaemons(dir: string): string[] {
  try {
    const pids = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as Record<string, number>;
    return Object.entries(pids)
      .filter(([, pid]) => !isAlive(pid))
      .map(([name, pid]) => `${name} (pid ${pid})`);
  } catch {
    return [];
  }
}

async function startLabOnce(opts: LabOptions): Promise<LabState> {
  const dir = opts.dir ?? defaultLabDir();
  const log = opts.log ?? (() => {});
  const flavour = labFlavour(opts.flavour ?? process.env.LIFEBOAT_LAB_FLAVOUR ?? 'existing-airgap');
  const vendorHooks = opts.vendorHooks ?? true;
  const vendorRestore = opts.vendorRestore ?? false;
  const kotsMinio = opts.kotsMinio ?? false;
  const base = opts.portBase ?? Number(process.env.LIFEBOAT_LAB_PORT_BASE ?? SHARED_LAB_PORT_BASE);
  const p = ports(base);
  requireDebianPrograms();

  const existing = readLabState(dir);
  if (existing && (await labHealthy(existing))) {
    if (
      existing.flavour === flavour &&
      existing.adminConsole.sharedPassword &&
      (existing.vendorHooks ?? true) === vendorHooks &&
      (existing.vendorRestore ?? false) === vendorRestore &&
      (existing.kotsMinio ?? false) === kotsMinio
    ) {
      log(`reusing the running lab in ${dir}`);
      return existing;
    }
    log(`the running lab is flavour ${existing.flavour}; restarting it as ${flavour}`);
  }
  if (existing || existsSync(join(dir, 'pids.json'))) {
    log('cleaning up a stale lab');
    await stopLab(dir, log);
  }
  for (const port of Object.values(p)) {
    if (await portOpen(port)) {
      throw new Error(`lab: port ${port} on 127.0.0.1 is in use by another program; stop it or set LIFEBOAT_LAB_PORT_BASE to another base (now ${base}).`);
    }
  }

  // A fresh cluster every start: state from a previous lab would confuse tests.
  for (const d of ['etcd', 'registry-data', 'volumes', 'kubelet', 'logs', 'tools', 'plugins']) rmSync(join(dir, d), { recursive: true, force: true });
  if (!opts.sharedMinioFrom) rmSync(join(dir, 'minio-data'), { recursive: true, force: true });
  for (const d of ['logs', 'etcd', 'registry-data', 'volumes', 'kubelet', 'tools', 'plugins', 'minio-data'])
    mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });

  const pki = ensurePki(join(dir, 'pki'));
  const pids: Record<string, number> = {};
  const track = (s: Started) => {
    pids[s.name] = s.pid;
    writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
    return s;
  };

  // etcd
  const etcd = track(
    startDaemon(dir, 'etcd', bin('etcd'), [
      '--name',
      'lab',
      '--data-dir',
      join(dir, 'etcd'),
      '--listen-client-urls',
      `http://127.0.0.1:${p.etcdClient}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${p.etcdClient}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${p.etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${p.etcdPeer}`,
      '--initial-cluster',
      `lab=http://127.0.0.1:${p.etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level',
      'warn',
      '--listen-metrics-urls',
      '',
      '--quota-backend-bytes',
      String(4 * 1024 ** 3),
    ]),
  );
  await waitFor('etcd', () => portOpen(p.etcdClient), 30_000, etcd);
  log('etcd is up');

  // kube-apiserver
  const apiserver = track(
    startDaemon(dir, 'kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${p.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${p.apiserver}`,
      `--tls-cert-file=${pki.apiserverCert}`,
      `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      `--kubelet-client-certificate=${pki.apiserverKubeletClientCert}`,
      `--kubelet-client-key=${pki.apiserverKubeletClientKey}`,
      `--kubelet-certificate-authority=${pki.caCert}`,
      '--kubelet-preferred-address-types=InternalIP',
      `--cert-dir=${join(dir, 'pki', 'apiserver-certs')}`,
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ]),
  );
  const admin = pki.client('admin');
  const server = `https://127.0.0.1:${p.apiserver}`;
  await waitFor('kube-apiserver', () => httpsOk(`${server}/readyz`, pki, admin), 90_000, apiserver);
  log('kube-apiserver is up');

  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server, caCert: pki.caCert, clientCert: admin.cert, clientKey: admin.key, user: 'lab-admin' });
  const restricted = pki.client('restricted');
  const restrictedKubeconfig = join(dir, 'restricted.kubeconfig');
  writeKubeconfig(restrictedKubeconfig, { server, caCert: pki.caCert, clientCert: restricted.cert, clientKey: restricted.key, user: 'restricted' });
  const kcm = pki.client('kube-controller-manager');
  const kcmKubeconfig = join(dir, 'kube-controller-manager.kubeconfig');
  writeKubeconfig(kcmKubeconfig, { server, caCert: pki.caCert, clientCert: kcm.cert, clientKey: kcm.key, user: 'system:kube-controller-manager' });
  const kubeletClient = pki.client('kubelet');
  const kubeletKubeconfig = join(dir, 'kubelet.kubeconfig');
  writeKubeconfig(kubeletKubeconfig, { server, caCert: pki.caCert, clientCert: kubeletClient.cert, clientKey: kubeletClient.key, user: 'lab-process-kubelet' });

  // kube-controller-manager: namespace deletion, garbage collection, Deployment → ReplicaSet → Pod,
  // DaemonSets, StatefulSets, service-account tokens. The node-lifecycle controller is off: the
  // process kubelet keeps the Node Ready itself and there is no real kubelet to heartbeat.
  track(
    startDaemon(dir, 'kube-controller-manager', bin('kube-controller-manager'), [
      `--kubeconfig=${kcmKubeconfig}`,
      '--secure-port=0',
      '--leader-elect=false',
      '--controllers=*,-node-lifecycle-controller,-persistentvolume-expander-controller',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      '--use-service-account-credentials=true',
      '--cluster-cidr=10.244.0.0/16',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--concurrent-gc-syncs=5',
      '--v=1',
    ]),
  );

  // MinIO: the S3-compatible store Velero writes to.
  const minioCreds = { accessKey: 'lifeboat-lab', secretKey: randomBytes(12).toString('hex') };
  let minio: LabState['minio'];
  if (opts.sharedMinioFrom) {
    const other = readLabState(opts.sharedMinioFrom);
    if (!other) throw new Error(`lab: no running lab in ${opts.sharedMinioFrom} to share MinIO with`);
    minio = other.minio;
  } else {
    const started = track(
      startDaemon(
        dir,
        'minio',
        bin('minio'),
        ['server', join(dir, 'minio-data'), '--address', `127.0.0.1:${p.minio}`, '--console-address', `127.0.0.1:${p.minioConsole}`, '--quiet'],
        {
          env: {
            ...process.env,
            MINIO_ROOT_USER: minioCreds.accessKey,
            MINIO_ROOT_PASSWORD: minioCreds.secretKey,
            MINIO_BROWSER: 'off',
            MINIO_UPDATE: 'off',
            MINIO_CI_CD: '1',
          },
        },
      ),
    );
    minio = { endpoint: `http://127.0.0.1:${p.minio}`, region: 'minio', bucket: 'velero', ...minioCreds };
    await waitFor('MinIO', async () => (await fetch(`${minio.endpoint}/minio/health/ready`)).ok, 60_000, started);
    await createBucket(minio);
    log('MinIO is up with bucket velero');
  }

  let registry: LabState['registry'];
  if (opts.sharedRegistryFrom) {
    const other = readLabState(opts.sharedRegistryFrom);
    if (!other) throw new Error(`lab: no running lab in ${opts.sharedRegistryFrom} to share the registry with`);
    registry = other.registry;
    log(`using the registry of ${opts.sharedRegistryFrom}`);
  } else {
    registry = await startRegistry(dir, p.registry, pki, track);
    log('registry is up');
  }

  // Tools Lifeboat runs (LIFEBOAT_TOOLS_DIR): the real velero and the real kubectl-kots.
  const toolsDir = join(dir, 'tools');
  const pluginsDir = join(dir, 'plugins');
  // A private copy whose controller-runtime metrics listener is not :8080, so labs can run side by side.
  rmSync(join(toolsDir, 'velero'), { force: true });
  mkdirSync(toolsDir, { recursive: true });
  if (writeVeleroWithMetricsPort(bin('velero'), join(toolsDir, 'velero'), metricsPortFor(base))) {
    log(`velero's controller metrics listener moved to :${metricsPortFor(base)}`);
  } else {
    link(bin('velero'), join(toolsDir, 'velero'));
    log("WARNING: could not move velero's :8080 metrics listener (binary layout changed): only one lab on this machine can run Velero");
  }
  // The real kots CLI (v1.131.4, built from source by build-tools.sh).
  link(bin('kubectl-kots'), join(toolsDir, 'kubectl-kots'));
  link(bin('velero-plugin-for-aws'), join(pluginsDir, 'velero-plugin-for-aws'));

  const state: LabState = {
    dir,
    kubeconfig,
    restrictedKubeconfig,
    apiServer: server,
    kubernetesVersion: KUBERNETES_VERSION,
    toolsDir,
    pluginsDir,
    minio,
    registry,
    adminConsole: {},
    flavour,
    vendorHooks,
    vendorRestore,
    kotsMinio,
    kotsNamespace: flavour === 'kurl' ? 'default' : 'kotsadm',
    app: { slug: 'sample-app', namespace: 'sample-app' },
    pids,
  };
  writeFileSync(join(dir, 'lab.json'), JSON.stringify(state, null, 2), { mode: 0o600 });

  await seedCluster(state, { kubeletPort: p.kubelet, log });
  log(`seeded flavour ${flavour}`);

  const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const kubelet = track(
    startDaemon(dir, 'kubelet', process.execPath, [
      '--import',
      tsxLoader,
      join(repoRoot, 'test', 'lab', 'kubelet.ts'),
      '--lab-dir',
      dir,
      '--kubeconfig',
      kubeletKubeconfig,
      '--port',
      String(p.kubelet),
      '--port-base',
      String(base),
    ]),
  );
  await waitFor('process kubelet', () => portOpen(p.kubelet), 30_000, kubelet);
  log('process kubelet is up');

  // KOTS as an operator installs it; kURL's and Embedded Cluster's markers go on top afterwards,
  // as those installers leave them beside the admin console (kots install on a cluster that already
  // looks like kURL, namespace default, would leave the admin console to kURL's add-on).
  await pushAdminConsoleImages(state, LAB_REGISTRY_NAMESPACE);
  state.adminConsole.sharedPassword = await installWithKotsCli(
    state,
    {
      appSlug: state.app.slug,
      title: 'Sample App',
      appNamespace: state.app.namespace,
      backupSpec: releaseBackupSpec(vendorHooks, vendorRestore, state.app.namespace),
      restoreSpec: vendorRestore ? vendorRestoreSpec() : undefined,
      manifests: sampleApp(state),
      images: ['docker.io/lifeboat/sample-web:1.0.0', 'docker.io/lifeboat/sample-db:1.0.0'],
    },
    { registryNamespace: LAB_REGISTRY_NAMESPACE, withMinio: kotsMinio, log },
  );
  log(`KOTS installed by kubectl kots install (air gap, lab registry${kotsMinio ? ", with KOTS's MinIO" : ''})`);
  await applyFlavourMarkers(state, log);
  // Embedded Cluster runs kotsadm with its own environment, improved disaster recovery on.
  if (flavour === 'embedded-cluster') await runKotsadmAsEmbeddedCluster(state, log);

  state.pids = pids;
  writeFileSync(join(dir, 'lab.json'), JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/** The release's Backup: the vendor's hooks or none; with a Restore beside it (improved disaster
 * recovery) kotsadm uses it as the application's own Velero Backup, so it names its namespace. */
function releaseBackupSpec(vendorHooks: boolean, vendorRestore: boolean, appNamespace: string): any {
  const backup = vendorHooks ? vendorBackupSpec() : { ...vendorBackupSpec(), spec: {} };
  if (vendorRestore) backup.spec = { includedNamespaces: [appNamespace], ...backup.spec };
  return backup;
}

/** Programs the lab's pods need from the host: bubblewrap for the kubelet's sandboxes, and what the
 * kotsadm image's scripts call (s3cmd for kots's bucket checks). */
function requireDebianPrograms(): void {
  const missing = [
    ['bwrap', 'bubblewrap'],
    ['s3cmd', 's3cmd'],
  ]
    .filter(([cmd]) => !['/usr/bin', '/usr/sbin', '/bin'].some((d) => existsSync(join(d, cmd))))
    .map(([, pkg]) => pkg);
  if (missing.length)
    throw new Error(
      `lab: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed. Run \`apt-get install -y ${missing.join(' ')}\` (.ci/run does this).`,
    );
}

/** docker-registry (Debian): TLS + htpasswd basic auth, as an embedded cluster's registry runs. */
async function startRegistry(dir: string, port: number, pki: Pki, track: (s: Started) => Started): Promise<LabState['registry']> {
  const registry = { host: `127.0.0.1:${port}`, username: 'lab', password: randomBytes(9).toString('hex'), caFile: pki.caCert };
  const htpasswd = join(dir, 'registry.htpasswd');
  execFileSync('htpasswd', ['-Bbc', htpasswd, registry.username, registry.password], { stdio: 'ignore' });
  const registryConfig = join(dir, 'registry.yml');
  writeFileSync(
    registryConfig,
    [
      'version: 0.1',
      'log: {level: warn}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'registry-data')}}, delete: {enabled: true}}`,
      `http: {addr: "127.0.0.1:${port}", tls: {certificate: ${pki.registryCert}, key: ${pki.registryKey}}}`,
      `auth: {htpasswd: {realm: lab-registry, path: ${htpasswd}}}`,
      '',
    ].join('\n'),
  );
  const reg = track(startDaemon(dir, 'registry', registryBinary(), ['serve', registryConfig]));
  await waitFor('docker-registry', () => portOpen(port), 30_000, reg);
  return registry;
}

function registryBinary(): string {
  for (const p of ['/usr/bin/docker-registry', '/usr/sbin/docker-registry']) if (existsSync(p)) return p;
  throw new Error('lab: docker-registry is not installed. Run `apt-get install -y docker-registry` (.ci/run does this).');
}

function link(target: string, path: string): void {
  try {
    lstatSync(path);
    unlinkSync(path);
  } catch {
    /* not there */
  }
  symlinkSync(target, path);
}

async function createBucket(minio: LabState['minio']): Promise<void> {
  const { S3Client, CreateBucketCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
  });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: minio.bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: minio.bucket }));
  }
  s3.destroy();
}

export { sleep };
