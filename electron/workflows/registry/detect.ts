/**
 * Finding the embedded registry (kURL: namespace `kurl`; Embedded Cluster: namespace `registry`)
 * and judging whether full backups cover it (kots pkg/kotsadmsnapshot/backup.go and
 * pkg/kotsutil/embedded.go at v1.131.4; kURL addons/registry/template/base/ at v2026.08.06-0).
 *
 * `readRegistrySnapshot` reads what matters from the cluster (Secrets are reduced to hosts and
 * credentials here and never leave the main process); `registryCoverage` and `registryAddress`
 * are pure, so every rule is unit-tested without a cluster.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Check, Flavour } from '../../api/contract.js';
import { callCluster, statusOf, type KubeRequest } from '../../cluster/connection.js';
import { credentialsFor, normaliseRegistryHost, parseDockerConfig } from '../../registry/credentials.js';

export { parseDockerConfig };

export interface RegistryCredential {
  /** The host the Secret issued it for (normalised): it is sent to that host only. */
  host: string;
  username: string;
  password: string;
  /** "Secret kotsadm/registry-creds" */
  source: string;
}

export interface RegistryWorkload {
  namespace: string;
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  containers: string[];
  /** Volume name → what backs it. */
  volumes: Array<{ name: string; kind: 'pvc' | 'emptyDir' | 'hostPath' | 'other'; claim?: string }>;
}

export interface RegistrySnapshot {
  flavour: Flavour;
  airgapped: boolean;
  kotsNamespace?: string;
  /** Which of kurl / registry / seaweedfs exist. */
  namespaces: string[];
  workload?: RegistryWorkload;
  service?: { namespace: string; clusterIP?: string; port?: number };
  /** registry-creds, wherever found: host and its labels (credentials separately). */
  registryCreds?: { namespace: string; host?: string; labels: Record<string, string> };
  /**
   * Every credential of registry-creds, kotsadm-private-registry and kotsadm-replicated-registry,
   * in that order, each with the host it was issued for; `registryCredentials()` picks a host's.
   */
  credentials: RegistryCredential[];
  /** kots.io/embedded-registry of recent Velero backups (as written, scheme included), newest first. */
  backupAnnotationHosts: string[];
  /** node-agent (or restic) is deployed: Velero can copy volume data. */
  fileSystemBackup: boolean;
}

type Labels = Record<string, string>;

/** A read that may find nothing or be refused (null); any other failure is the cluster layer's error. */
async function orNull<T>(kc: KubeConfig, request: KubeRequest, read: () => Promise<T>): Promise<T | null> {
  try {
    return await callCluster(kc, request, read, [404, 403]);
  } catch (err) {
    const s = statusOf(err);
    if (s === 404 || s === 403) return null;
    throw err;
  }
}

function secretString(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

type RegistryEnv = { flavour?: Flavour; airgapped?: boolean; kotsNamespace?: string; veleroNamespace?: string; fileSystemBackup?: boolean };

/** Reads what registry detection needs. Secrets' contents stay in the returned object (main process only). */
export async function readRegistrySnapshot(kc: KubeConfig, env: RegistryEnv): Promise<RegistrySnapshot> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);

  const namespaces = await readRegistryNamespaces(kc, core);
  let flavour: Flavour = env.flavour ?? 'unknown';
  if (flavour === 'unknown' || flavour === 'existing') {
    if (namespaces.includes('kurl')) flavour = 'kurl';
    else if (namespaces.includes('registry')) flavour = 'embedded-cluster';
  }
  const regNs = flavour === 'kurl' ? 'kurl' : flavour === 'embedded-cluster' ? 'registry' : undefined;
  const { workload, service } = regNs && namespaces.includes(regNs) ? await readRegistryWorkload(kc, core, apps, regNs) : {};
  const { registryCreds, credentials } = await readRegistryCreds(kc, core, env, flavour);
  await readKotsCredentials(kc, core, env, credentials);
  const backupAnnotationHosts = await readBackupAnnotationHosts(kc, custom, env.veleroNamespace ?? 'velero');

  return {
    flavour,
    airgapped: env.airgapped ?? false,
    kotsNamespace: env.kotsNamespace,
    namespaces,
    workload,
    service,
    registryCreds,
    credentials,
    backupAnnotationHosts,
    fileSystemBackup: env.fileSystemBackup ?? false,
  };
}

/** Which of kurl / registry / seaweedfs exist, read one after the other. */
async function readRegistryNamespaces(kc: KubeConfig, core: CoreV1Api): Promise<string[]> {
  const namespaces: string[] = [];
  for (const ns of ['kurl', 'registry', 'seaweedfs']) {
    if (await orNull(kc, { verb: 'get', resource: 'namespaces' }, () => core.readNamespace({ name: ns }))) namespaces.push(ns);
  }
  return namespaces;
}

/** Deployment and Service `registry` in the registry's namespace. */
async function readRegistryWorkload(kc: KubeConfig, core: CoreV1Api, apps: AppsV1Api, regNs: string): Promise<Pick<RegistrySnapshot, 'workload' | 'service'>> {
  let workload: RegistryWorkload | undefined;
  let service: RegistrySnapshot['service'];
  const dep = await orNull(kc, { verb: 'get', resource: 'deployments.apps', namespace: regNs }, () =>
    apps.readNamespacedDeployment({ name: 'registry', namespace: regNs }),
  );
  if (dep) {
    const spec = dep.spec?.template?.spec;
    workload = {
      namespace: regNs,
      labels: dep.metadata?.labels ?? {},
      podLabels: dep.spec?.template?.metadata?.labels ?? {},
      podAnnotations: dep.spec?.template?.metadata?.annotations ?? {},
      containers: (spec?.containers ?? []).map((c) => c.name),
      volumes: (spec?.volumes ?? []).map((v) => ({
        name: v.name,
        kind: v.persistentVolumeClaim ? 'pvc' : v.emptyDir ? 'emptyDir' : v.hostPath ? 'hostPath' : 'other',
        claim: v.persistentVolumeClaim?.claimName,
      })),
    };
  }
  const svc = await orNull(kc, { verb: 'get', resource: 'services', namespace: regNs }, () =>
    core.readNamespacedService({ name: 'registry', namespace: regNs }),
  );
  if (svc) service = { namespace: regNs, clusterIP: svc.spec?.clusterIP ?? undefined, port: svc.spec?.ports?.[0]?.port };
  return { workload, service };
}

/** registry-creds: kURL keeps it in `default`, Embedded Cluster in the KOTS namespace. The first found counts. */
async function readRegistryCreds(
  kc: KubeConfig,
  core: CoreV1Api,
  env: RegistryEnv,
  flavour: Flavour,
): Promise<Pick<RegistrySnapshot, 'registryCreds' | 'credentials'>> {
  const credNamespaces = [...new Set([env.kotsNamespace, flavour === 'kurl' ? 'default' : undefined, 'kotsadm', 'default'].filter(Boolean) as string[])];
  const credentials: RegistryCredential[] = [];
  for (const ns of credNamespaces) {
    const s = await orNull(kc, { verb: 'get', resource: 'secrets', namespace: ns }, () => core.readNamespacedSecret({ name: 'registry-creds', namespace: ns }));
    if (!s) continue;
    const credsEntries = parseDockerConfig(secretString(s.data, '.dockerconfigjson'));
    // The registry's own entry, as kots GetEmbeddedRegistryCreds picks it (pkg/kotsutil/embedded.go at v1.131.4).
    const own = credsEntries.find((e) => e.username === 'kurl' || e.username === 'embedded-cluster') ?? credsEntries[0];
    for (const e of credsEntries)
      if (e.username && e.password !== undefined)
        credentials.push({ host: e.host, username: e.username, password: e.password, source: `Secret ${ns}/registry-creds` });
    return { registryCreds: { namespace: ns, host: own?.host || undefined, labels: s.metadata?.labels ?? {} }, credentials };
  }
  return { registryCreds: undefined, credentials };
}

/** KOTS's own push/pull credentials (air gap), appended to `credentials`: fallbacks for the host each was issued for, and only that host. */
async function readKotsCredentials(kc: KubeConfig, core: CoreV1Api, env: RegistryEnv, credentials: RegistryCredential[]): Promise<void> {
  const kotsNs = env.kotsNamespace;
  if (!kotsNs) return;
  for (const name of ['kotsadm-private-registry', 'kotsadm-replicated-registry']) {
    const s = await orNull(kc, { verb: 'get', resource: 'secrets', namespace: kotsNs }, () => core.readNamespacedSecret({ name, namespace: kotsNs }));
    for (const e of parseDockerConfig(secretString(s?.data, '.dockerconfigjson'))) {
      if (!e.username || e.password === undefined) continue;
      if (credentials.some((c) => c.host === e.host && c.username === e.username && c.password === e.password)) continue;
      credentials.push({ host: e.host, username: e.username, password: e.password, source: `Secret ${env.kotsNamespace}/${name}` });
    }
  }
}

/** kots.io/embedded-registry on recent Velero backups, newest first (absent Velero: none). */
async function readBackupAnnotationHosts(kc: KubeConfig, custom: CustomObjectsApi, veleroNs: string): Promise<string[]> {
  const backupAnnotationHosts: string[] = [];
  const list = (await orNull(kc, { verb: 'list', resource: 'backups.velero.io', namespace: veleroNs }, () =>
    custom.listNamespacedCustomObject({ group: 'velero.io', version: 'v1', namespace: veleroNs, plural: 'backups' }),
  ).catch(() => null)) as { items?: Array<{ metadata?: { creationTimestamp?: string; annotations?: Labels } }> } | null;
  const items = [...(list?.items ?? [])].sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')));
  for (const b of items.slice(0, 20)) {
    const h = b.metadata?.annotations?.['kots.io/embedded-registry'];
    if (h && !backupAnnotationHosts.includes(h)) backupAnnotationHosts.push(h);
  }
  return backupAnnotationHosts;
}

export interface RegistryAddress {
  host?: string;
  source?: string;
  /**
   * Taken only from a backup's kots.io/embedded-registry annotation: no credential goes there
   * until the operator confirms the host (and plain http, when the annotation says http://).
   */
  unconfirmed?: boolean;
  /** The annotation names an http:// address (unencrypted). */
  plainHttp?: boolean;
}

/** Where to reach the registry from this machine, and why that address. */
export function registryAddress(s: RegistrySnapshot): RegistryAddress {
  if (s.registryCreds?.host) return { host: s.registryCreds.host, source: `Secret ${s.registryCreds.namespace}/registry-creds` };
  const annotated = s.backupAnnotationHosts[0];
  const annotatedHost = annotated ? normaliseRegistryHost(annotated) : '';
  if (annotatedHost) {
    return {
      host: annotatedHost,
      source: 'kots.io/embedded-registry on the newest backup (Secret registry-creds not found)',
      unconfirmed: true,
      plainHttp: /^http:\/\//i.test(annotated.trim()),
    };
  }
  if (s.service?.clusterIP && s.service.clusterIP !== 'None') {
    const port = s.service.port && s.service.port !== 443 ? `:${s.service.port}` : '';
    return { host: `${s.service.clusterIP}${port}`, source: `Service ${s.service.namespace}/registry (cluster IP: reachable from a cluster node only)` };
  }
  return {};
}

/** The credentials issued for exactly this host (registry-creds first, then KOTS's), never another host's. */
export function registryCredentials(s: RegistrySnapshot, host: string): RegistryCredential[] {
  return credentialsFor(host, s.credentials);
}

const ok = (title: string, reason?: string): Check => ({ ok: true, severity: 'ok', title, reason });
const warn = (title: string, reason: string, fix: string): Check => ({ ok: false, severity: 'warning', title, reason, fix });
const bad = (title: string, reason: string, fix: string): Check => ({ ok: false, severity: 'error', title, reason, fix });

const EXPORT_FIX =
  'Export the registry with Lifeboat (Registry → Export, or "also export the registry" on a full backup) before each backup, and re-seed it after a restore.';

/** Do full (instance) backups cover the registry? One Check per aspect, with the concrete fix. */
export function registryCoverage(s: RegistrySnapshot): Check[] {
  const w = s.workload;
  if (s.flavour !== 'kurl' && s.flavour !== 'embedded-cluster') {
    return [
      ok(
        'No embedded registry',
        'This is not a kURL or Embedded Cluster install; its images come from a registry outside the cluster, which cluster backups never include.',
      ),
    ];
  }
  const flavourName = s.flavour === 'kurl' ? 'kURL' : 'Embedded Cluster';
  const ns = s.flavour === 'kurl' ? 'kurl' : 'registry';
  if (!w) {
    return [
      s.airgapped
        ? bad(
            `No registry Deployment in namespace ${ns}`,
            `An air-gapped ${flavourName} install pulls every image from Deployment ${ns}/registry, which Lifeboat cannot find.`,
            `Check it: kubectl -n ${ns} get deploy,pods,svc. Restore the registry (or re-install) before restoring the app.`,
          )
        : ok(
            `No embedded registry in namespace ${ns}`,
            `An online ${flavourName} install pulls images from the vendor's registry; there is nothing to back up here.`,
          ),
    ];
  }
  return [namespaceCoverage(s), labelCoverage(s, w), imageCoverage(s, w), credentialsCoverage(s), ...seaweedfsCoverage(s), ...recordedAddressCoverage(s)];
}

/** 1. Namespace included by KOTS's full backups. */
function namespaceCoverage(s: RegistrySnapshot): Check {
  if (s.flavour === 'kurl') return ok('Namespace kurl is in full backups', 'KOTS includes namespace kurl in every full (instance) backup.');
  if (s.airgapped) return ok('Namespace registry is in full backups', 'KOTS includes namespace registry in full backups of an air-gapped Embedded Cluster.');
  return warn(
    'Namespace registry is not in full backups',
    'KOTS adds namespace registry to full backups only for air-gapped Embedded Cluster installs; this one is detected as online.',
    EXPORT_FIX,
  );
}

/** 2. Labels selecting the registry's objects. */
function labelCoverage(s: RegistrySnapshot, w: RegistryWorkload): Check {
  const labels = { ...w.labels, ...w.podLabels };
  if (s.flavour === 'kurl') {
    if (labels['kots.io/backup'] === 'velero') return ok('Registry labelled kots.io/backup=velero', 'KOTS selects the registry Deployment for full backups.');
    return bad(
      'kURL registry has no kots.io/backup label',
      'The kURL registry in PVC mode has no kots.io/backup=velero label, so full backups leave its Deployment and images out (only Secrets kurl/registry-htpasswd and default/registry-creds are labelled).',
      `${EXPORT_FIX} Or label it so its objects are backed up: kubectl -n kurl label deployment registry kots.io/backup=velero — the images also need the volume data (next check).`,
    );
  } else if (labels.app === 'docker-registry' || ['infra', 'app', 'ec-install'].includes(labels['replicated.com/disaster-recovery'] ?? '')) {
    return ok(
      'Registry matched by the full-backup label selectors',
      `Labels ${labels.app === 'docker-registry' ? 'app=docker-registry' : `replicated.com/disaster-recovery=${labels['replicated.com/disaster-recovery']}`} are in KOTS's selectors.`,
    );
  }
  return bad(
    'Registry not matched by the full-backup label selectors',
    'The registry has neither app=docker-registry nor replicated.com/disaster-recovery, so full backups skip it.',
    EXPORT_FIX,
  );
}

/** 3. The images themselves: volume data. */
function imageCoverage(s: RegistrySnapshot, w: RegistryWorkload): Check {
  const ann = w.podAnnotations;
  const optedIn = (ann['backup.velero.io/backup-volumes'] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const sidecar = ann['pre.hook.backup.velero.io/container'];
  if (s.flavour === 'kurl' && (optedIn.includes('backup') || sidecar)) return sidecarCoverage(s, w, sidecar);
  const dataVolumes = w.volumes.filter((v) => v.kind === 'pvc' || v.kind === 'hostPath');
  const covered = dataVolumes.length > 0 && dataVolumes.every((v) => optedIn.includes(v.name));
  if (covered && s.fileSystemBackup) {
    return ok('Registry volume opted in to backups', `backup.velero.io/backup-volumes names ${optedIn.join(', ')} and node-agent is running.`);
  } else if (covered) {
    return warn(
      'Registry images need Velero file system backup',
      `The registry volume is opted in (${optedIn.join(', ')}), but node-agent is not running, so Velero cannot copy it.`,
      `Install Velero with node-agent (Setup), or: ${EXPORT_FIX}`,
    );
  }
  const what = s.flavour === 'kurl' ? 'The kURL registry in PVC mode' : 'The Embedded Cluster registry';
  const vol = dataVolumes.map((v) => (v.claim ? `PVC ${v.claim}` : v.name)).join(', ') || 'its storage';
  return bad(
    'Registry images are not in full backups',
    `${what} keeps its images in ${vol}, and no backup.velero.io/backup-volumes annotation opts that volume in: a full backup holds the registry's objects but not one image.${s.flavour === 'embedded-cluster' ? ' (Embedded Cluster deliberately excludes registry data from backups.)' : ''}`,
    s.flavour === 'kurl'
      ? `${EXPORT_FIX} Or opt the volume in: kubectl -n kurl patch deployment registry -p '{"spec":{"template":{"metadata":{"annotations":{"backup.velero.io/backup-volumes":"registry-data"}}}}}' (with node-agent installed).`
      : `${EXPORT_FIX} After a restore onto a rebuilt cluster, re-seed it from that export (the restore wizard offers it).`,
  );
}

/** Object-store mode: the registry-backup sidecar copies the bucket into an emptyDir Velero backs up. */
function sidecarCoverage(s: RegistrySnapshot, w: RegistryWorkload, sidecar: string | undefined): Check {
  if (!w.containers.includes('registry-backup')) {
    return bad(
      'Registry backup sidecar is missing',
      `The pod's pre-backup hook runs in container ${sidecar ?? 'registry-backup'}, which the registry pod does not have: the hook fails and no images are copied into the backup.`,
      `${EXPORT_FIX} Or re-run the kURL installer so the registry's object-store mode adds its registry-backup sidecar.`,
    );
  } else if (!s.fileSystemBackup) {
    return warn(
      'Registry images need Velero file system backup',
      'The registry-backup sidecar copies the images into volume "backup", but node-agent is not running, so Velero cannot copy that volume.',
      `Install Velero with node-agent (Setup), or: ${EXPORT_FIX}`,
    );
  }
  return ok(
    'Registry images copied by the registry-backup sidecar',
    'Object-store mode: the pre-backup hook syncs bucket docker-registry into volume "backup", which Velero copies with node-agent.',
  );
}

/** 4. Credentials Secret. */
function credentialsCoverage(s: RegistrySnapshot): Check {
  const rc = s.registryCreds;
  if (!rc) {
    return warn(
      'Secret registry-creds not found',
      `KOTS reads the registry's address and credentials from Secret registry-creds (${s.flavour === 'kurl' ? 'namespace default' : `namespace ${s.kotsNamespace ?? 'kotsadm'}`}).`,
      'Check the admin console install; without it restored pods cannot pull images.',
    );
  } else if (rc.labels['kots.io/backup'] === 'velero' || ['infra', 'app', 'ec-install'].includes(rc.labels['replicated.com/disaster-recovery'] ?? '')) {
    return ok('Secret registry-creds is in full backups', `Secret ${rc.namespace}/registry-creds carries the backup labels.`);
  }
  return warn(
    'Secret registry-creds is not in full backups',
    `Secret ${rc.namespace}/registry-creds has neither kots.io/backup=velero nor replicated.com/disaster-recovery.`,
    `kubectl -n ${rc.namespace} label secret registry-creds kots.io/backup=velero`,
  );
}

/** 5. Embedded Cluster HA: seaweedfs. */
function seaweedfsCoverage(s: RegistrySnapshot): Check[] {
  if (s.flavour !== 'embedded-cluster' || !s.namespaces.includes('seaweedfs')) return [];
  return [
    s.airgapped
      ? ok('Namespace seaweedfs is in full backups', 'An HA air-gapped Embedded Cluster keeps registry data in SeaweedFS; KOTS includes its namespace.')
      : warn('Namespace seaweedfs is not in full backups', 'KOTS includes seaweedfs only for air-gapped HA installs.', EXPORT_FIX),
  ];
}

/** 6. The address KOTS records on backups agrees with registry-creds. */
function recordedAddressCoverage(s: RegistrySnapshot): Check[] {
  const addr = registryAddress(s);
  const stale = s.backupAnnotationHosts.find((h) => addr.host && normaliseRegistryHost(h) !== normaliseRegistryHost(addr.host));
  if (!stale) return [];
  return [
    warn(
      'Backups record another registry address',
      `Recent backups carry kots.io/embedded-registry=${stale}, but registry-creds names ${addr.host}.`,
      'Take a new full backup so it records the current registry.',
    ),
  ];
}
