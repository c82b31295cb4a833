/**
 * From the objects the detector watches to an Environment: pure, so every rule is unit-tested on
 * fixtures shaped like real objects. Rules follow how KOTS itself detects things (kots
 * pkg/snapshot/velero.go DetectVeleroNamespace/DetectVelero, pkg/snapshot/store.go
 * ensureSecretsReferences, pkg/kurl/configmap.go at v1.131.4): the Velero namespace from ConfigMap
 * kotsadm-velero-namespace or the Deployment named velero; readiness from AvailableReplicas;
 * plugins from init containers; node agent vs restic by DaemonSet name.
 */
import type { V1ConfigMap, V1Container, V1DaemonSet, V1Deployment, V1Namespace, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { BackupStorageLocationInfo, Check, Environment, KotsInfo, VeleroInfo } from '../api/contract.js';
import type { BackupStorageLocation } from '../velero/types.js';
import { compatibility } from './compat.js';
import { kotsFileSystemStore } from './filesystem.js';
import { findKotsadm, type KotsadmWorkload } from './kotsadm.js';
import { veleroProblems, type Blind, type VeleroFacts } from './veleroProblems.js';

export interface Snapshot {
  deployments: readonly V1Deployment[];
  /** Only those named kotsadm and ha-minio: kotsadm without MinIO, kURL's HA MinIO. */
  statefulsets?: readonly V1StatefulSet[];
  daemonsets: readonly V1DaemonSet[];
  /** Only kotsadm-confg, kotsadm-velero-namespace and kurl-config. */
  configmaps: readonly V1ConfigMap[];
  namespaces: readonly V1Namespace[];
  /** Pods labelled app=kotsadm. */
  kotsadmPods: readonly V1Pod[];
  bsls: readonly BackupStorageLocation[];
  /** Things the detector could not watch (forbidden lists…). */
  watchProblems: readonly Check[];
  /** Kinds the detector could not list (e.g. forbidden): "not found" is then "cannot tell". */
  blind?: ReadonlyArray<'deployments' | 'statefulsets' | 'daemonsets' | 'configmaps' | 'namespaces' | 'kotsadmPods' | 'bsls'>;
}

export interface Extras {
  kubernetesVersion?: string;
  cliVersion?: string;
  /** From the ServerStatusRequest, when it answered. */
  serverVersion?: string;
  /** Why the ServerStatusRequest did not answer, when it did not. */
  serverVersionProblem?: string;
  /** Whether Secret kotsadm-private-registry exists in the KOTS namespace (checked by the detector). */
  registryHasCredentials?: boolean;
}

const LVP_PROVIDERS = new Set(['replicated.com/pvc', 'replicated.com/nfs', 'replicated.com/hostpath']);

/** The tag of an image reference ("reg:5000/a/b:v1.2@sha256:…" → "v1.2"), or undefined. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const noDigest = image.split('@')[0];
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const i = last.lastIndexOf(':');
  return i >= 0 ? last.slice(i + 1) : undefined;
}

const isVeleroLabelled = (labels: Record<string, string> | undefined) => labels?.component === 'velero' || labels?.['app.kubernetes.io/name'] === 'velero';

function hasEcMarker(obj: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | undefined): boolean {
  const keys = [...Object.keys(obj?.metadata?.labels ?? {}), ...Object.keys(obj?.metadata?.annotations ?? {})];
  return keys.some((k) => k.startsWith('kots.io/embedded-cluster'));
}

function cm(s: Snapshot, name: string, namespace?: string): V1ConfigMap | undefined {
  return s.configmaps.find((c) => c.metadata?.name === name && (!namespace || c.metadata?.namespace === namespace));
}

export function computeEnvironment(s: Snapshot, x: Extras, now = new Date()): Environment {
  const problems: Check[] = [...s.watchProblems];
  const blind = new Set(s.blind ?? []);
  const kots = kotsFacts(s, x);
  problems.push(...kotsProblems(kots, blind));
  const fileSystemStore = fileSystemStoreOf(s, kots, blind);
  const { flavour, flavourReason } = flavourOf(s, kots);
  const airgap = airgapOf(kots);
  const v = veleroFacts(s, x);
  problems.push(...veleroProblems(v, blind));
  const { verdict, notices } = compatibilityOf(kots, v, x);
  problems.push(...notices);

  return {
    detectedAt: now.toISOString(),
    kots: {
      found: kots.found,
      namespace: kots.namespace,
      version: imageTag(kots.image),
      image: kots.image,
      ready: kots.ready,
      apps: installedApps(s),
      registry: kots.registry,
      fileSystemStore,
    },
    flavour,
    flavourReason,
    airgap,
    velero: v.velero,
    compatibility: verdict,
    problems,
  };
}

/** What is seen of the KOTS admin console and its kotsadm-confg. */
interface KotsFacts {
  workload: KotsadmWorkload | undefined;
  namespace: string | undefined;
  containers: V1Container[];
  image: string | undefined;
  found: boolean;
  ready: boolean | undefined;
  confg: V1ConfigMap | undefined;
  registryRef: string | undefined;
  registry: KotsInfo['registry'];
}

function kotsFacts(s: Snapshot, x: Extras): KotsFacts {
  // A Deployment with KOTS's MinIO, a StatefulSet without it (kotsadm.ts); the pods as a last resort.
  const kotsWorkload = findKotsadm(s.deployments, s.statefulsets ?? []);
  const kotsPod = s.kotsadmPods[0];
  const kotsNamespace = kotsWorkload?.namespace ?? kotsPod?.metadata?.namespace;
  const kotsContainers = kotsWorkload?.containers ?? kotsPod?.spec?.containers ?? [];
  const kotsImage = (kotsContainers.find((c) => c.name === 'kotsadm') ?? kotsContainers[0])?.image;
  const kotsFound = !!(kotsWorkload || kotsPod);
  const kotsReady = kotsWorkload
    ? kotsWorkload.ready
    : kotsPod
      ? kotsPod.status?.phase === 'Running' && (kotsPod.status?.containerStatuses ?? []).every((c) => c.ready)
      : undefined;
  const confg = cm(s, 'kotsadm-confg', kotsNamespace) ?? cm(s, 'kotsadm-confg');
  const registryRef = confg?.data?.['kotsadm-registry']?.trim();
  const registry = registryRef
    ? {
        host: registryRef.split('/')[0],
        namespace: registryRef.includes('/') ? registryRef.slice(registryRef.indexOf('/') + 1) : undefined,
        // credentials live in Secret kotsadm-private-registry; the detector checks that it exists
        hasCredentials: x.registryHasCredentials === true,
      }
    : undefined;
  return {
    workload: kotsWorkload,
    namespace: kotsNamespace,
    containers: kotsContainers,
    image: kotsImage,
    found: kotsFound,
    ready: kotsReady,
    confg,
    registryRef,
    registry,
  };
}

function kotsProblems(kots: KotsFacts, blind: Blind): Check[] {
  // Not seeing the pods and not seeing one of the two kinds kotsadm may be: "cannot tell".
  const blindTo = [blind.has('deployments') && 'Deployments', blind.has('statefulsets') && 'StatefulSets'].filter((k): k is string => !!k);
  if (!kots.found && blindTo.length && blind.has('kotsadmPods')) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'Cannot tell whether KOTS is installed',
        reason: `This user may not list ${blindTo.join(' or ')} or pods, so Lifeboat cannot look for the admin console.`,
        fix: 'Use a kubeconfig with cluster-wide read access (see Cluster → Permissions).',
      },
    ];
  } else if (!kots.found) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'KOTS admin console not found',
        reason: 'No Deployment or StatefulSet named kotsadm and no pods labelled app=kotsadm were found in this cluster.',
        fix: 'Connect to the cluster where the application was installed with KOTS.',
      },
    ];
  } else if (kots.ready === false) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'KOTS admin console is not ready',
        reason: kots.workload ? kots.workload.status : `The kotsadm pod in namespace ${kots.namespace} is not running and ready.`,
        fix: `Check the kotsadm pods: kubectl -n ${kots.namespace} get pods -l app=kotsadm`,
      },
    ];
  }
  return [];
}

/** How KOTS would store NFS/host-path snapshots: it reads kotsadm-confg in its own namespace only. */
function fileSystemStoreOf(s: Snapshot, kots: KotsFacts, blind: Blind): KotsInfo['fileSystemStore'] {
  return kots.found && kots.namespace
    ? kotsFileSystemStore({
        kotsNamespace: kots.namespace,
        confg: cm(s, 'kotsadm-confg', kots.namespace),
        isKurl: !!cm(s, 'kurl-config', 'kube-system'),
        deployments: s.deployments,
        statefulsets: s.statefulsets ?? [],
        blind,
      })
    : undefined;
}

function flavourOf(s: Snapshot, kots: KotsFacts): Pick<Environment, 'flavour' | 'flavourReason'> {
  const nsNames = new Set(s.namespaces.map((n) => n.metadata?.name));
  if (nsNames.has('embedded-cluster') || hasEcMarker(kots.workload?.object) || hasEcMarker(kots.workload?.object.spec?.template)) {
    return {
      flavour: 'embedded-cluster',
      flavourReason: nsNames.has('embedded-cluster') ? 'Namespace embedded-cluster exists.' : 'The admin console carries kots.io/embedded-cluster markers.',
    };
  } else if (cm(s, 'kurl-config', 'kube-system') || nsNames.has('kurl')) {
    return { flavour: 'kurl', flavourReason: cm(s, 'kurl-config', 'kube-system') ? 'ConfigMap kurl-config exists in kube-system.' : 'Namespace kurl exists.' };
  } else if (s.namespaces.length > 0 || kots.found) {
    return { flavour: 'existing', flavourReason: 'No kURL or Embedded Cluster markers: KOTS runs on an existing cluster.' };
  }
  return { flavour: 'unknown', flavourReason: 'Not enough is visible to tell how Kubernetes was installed.' };
}

function airgapOf(kots: KotsFacts): Environment['airgap'] {
  const { confg, registryRef } = kots;
  const isAirgapKey = confg?.data?.['is-airgap'];
  // What KOTS records in each backup's kots.io/is-airgap: the kotsadm container's
  // DISABLE_OUTBOUND_CONNECTIONS (kots pkg/kotsadm/main.go IsAirgap, set by
  // pkg/kotsadm/objects/kotsadm_objects.go at v1.131.4). Known only while a kotsadm is seen.
  const kotsadmContainer = kots.containers.find((c) => c.name === 'kotsadm') ?? kots.containers[0];
  const outboundDisabled =
    kots.found && kotsadmContainer ? (kotsadmContainer.env ?? []).some((e) => e.name === 'DISABLE_OUTBOUND_CONNECTIONS' && e.value === 'true') : undefined;
  const airgapGuess = registryRef
    ? { airgapped: true, reason: `KOTS pulls from the private registry ${registryRef} (ConfigMap kotsadm-confg, key kotsadm-registry).` }
    : isAirgapKey === 'true'
      ? { airgapped: true, reason: 'ConfigMap kotsadm-confg has is-airgap=true.' }
      : confg
        ? { airgapped: false, reason: 'ConfigMap kotsadm-confg names no private registry.' }
        : {
            airgapped: false,
            reason: kots.found
              ? 'ConfigMap kotsadm-confg was not found, so no private registry is configured.'
              : 'No KOTS admin console, so no air-gap settings.',
          };
  return { ...airgapGuess, ...(outboundDisabled === undefined ? {} : { outboundDisabled }) };
}

function veleroFacts(s: Snapshot, x: Extras): VeleroFacts {
  const nsFromCm = cm(s, 'kotsadm-velero-namespace')?.data?.veleroNamespace;
  const named = s.deployments.find((d) => d.metadata?.name === 'velero');
  const veleroNs = nsFromCm || named?.metadata?.namespace;
  const veleroDeploys = s.deployments.filter(
    (d) => d.metadata?.namespace === veleroNs && (isVeleroLabelled(d.metadata?.labels) || d.metadata?.name === 'velero'),
  );
  const server = veleroDeploys.find((d) => d.metadata?.name === 'velero') ?? veleroDeploys[0];
  const serverContainers = server?.spec?.template?.spec?.containers ?? [];
  const veleroImage = (serverContainers.find((c) => c.name === 'velero') ?? serverContainers[0])?.image;
  const plugins = veleroDeploys.flatMap((d) => (d.spec?.template?.spec?.initContainers ?? []).map((c) => ({ name: c.name, image: c.image ?? '' })));
  const ds = s.daemonsets.filter(
    (d) => d.metadata?.namespace === veleroNs && (isVeleroLabelled(d.metadata?.labels) || d.metadata?.name === 'node-agent' || d.metadata?.name === 'restic'),
  );
  const fsb = ds.find((d) => d.metadata?.name === 'node-agent') ?? ds.find((d) => d.metadata?.name === 'restic');
  const bsls = storageLocations(s, veleroNs);
  const installed = !!server;
  const imageVersion = imageTag(veleroImage);
  const version = x.serverVersion ?? imageVersion;
  const velero: VeleroInfo = {
    installed,
    namespace: veleroNs,
    version: installed ? version : undefined,
    versionSource: !installed ? undefined : x.serverVersion ? 'server' : imageVersion ? 'image' : 'unknown',
    image: veleroImage,
    ready: installed ? (server.status?.availableReplicas ?? 0) > 0 : undefined,
    plugins,
    fileSystemBackup: fsb
      ? {
          kind: fsb.metadata?.name === 'restic' ? 'restic' : 'node-agent',
          ready: (fsb.status?.numberAvailable ?? 0) > 0 && (fsb.status?.numberUnavailable ?? 0) === 0,
          desired: fsb.status?.desiredNumberScheduled ?? 0,
          available: fsb.status?.numberAvailable ?? 0,
        }
      : undefined,
    storageLocations: bsls,
  };
  return { velero, veleroNs, server, fsb, bsls, veleroImage, imageVersion, version };
}

function storageLocations(s: Snapshot, veleroNs: string | undefined): BackupStorageLocationInfo[] {
  return s.bsls
    .filter((b) => !veleroNs || b.metadata?.namespace === veleroNs)
    .map((b) => ({
      name: b.metadata?.name ?? '',
      provider: b.spec?.provider ?? '',
      bucket: b.spec?.objectStorage?.bucket,
      prefix: b.spec?.objectStorage?.prefix,
      isDefault: b.spec?.default === true,
      phase: b.status?.phase,
      lastSyncedTime: b.status?.lastSyncedTime,
      lastValidationTime: b.status?.lastValidationTime,
      message: b.status?.message,
      config: b.spec?.config,
    }));
}

/** The compatibility verdict, and the checks it adds: the version-from-image notice, then its findings. */
function compatibilityOf(kots: KotsFacts, v: VeleroFacts, x: Extras): { verdict: Environment['compatibility']; notices: Check[] } {
  const installed = v.velero.installed;
  const { version, imageVersion, bsls } = v;
  const { verdict, findings } = compatibility({
    kotsVersion: imageTag(kots.image),
    kotsFound: kots.found,
    veleroInstalled: installed,
    veleroVersion: installed ? version : undefined,
    veleroVersionProblem: installed && !version ? (x.serverVersionProblem ?? `the velero image "${v.veleroImage ?? ''}" has no tag`) : undefined,
    kubernetesVersion: x.kubernetesVersion,
    cliVersion: x.cliVersion,
    usesLocalVolumeProvider: bsls.some((b) => LVP_PROVIDERS.has(b.provider)),
    usesResticRepoPrefix: bsls.some((b) => !!b.config?.resticRepoPrefix),
  });
  const notices: Check[] = [];
  if (installed && x.serverVersionProblem && imageVersion && !x.serverVersion) {
    notices.push({
      ok: true,
      severity: 'warning',
      title: 'Velero server version read from the image',
      reason: `${x.serverVersionProblem} Lifeboat used the image tag (${imageVersion}) instead.`,
      fix: 'Check that the Velero server is running.',
    });
  }
  for (const f of findings) {
    if (f.verdict === 'compatible' || (f.verdict === 'unknown' && (f.title === 'Velero' || f.title === 'KOTS admin console'))) continue;
    notices.push({ ok: f.ok, severity: f.severity, title: f.title, reason: f.reason, fix: f.fix });
  }
  return { verdict, notices };
}

/**
 * The applications KOTS deployed, as its label transformer marks them: every workload it deploys
 * carries kots.io/app-slug (kots pkg/midstream/write.go and pkg/disasterrecovery/disasterrecovery.go
 * at v1.131.4). The admin console's database is not readable
 * from the cluster API, so the workloads are the evidence.
 */
export function installedApps(s: Pick<Snapshot, 'deployments' | 'daemonsets'>): Array<{ slug: string; namespace?: string }> {
  const seen = new Map<string, { slug: string; namespace?: string }>();
  for (const w of [...s.deployments, ...s.daemonsets]) {
    const slug = w.metadata?.labels?.['kots.io/app-slug'];
    if (!slug || w.metadata?.labels?.['kots.io/kotsadm'] === 'true') continue;
    const key = `${slug}/${w.metadata?.namespace ?? ''}`;
    if (!seen.has(key)) seen.set(key, { slug, namespace: w.metadata?.namespace });
  }
  return [...seen.values()].sort((a, b) => a.slug.localeCompare(b.slug) || (a.namespace ?? '').localeCompare(b.namespace ?? ''));
}
