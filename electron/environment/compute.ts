/**
 * From the objects the detector watches to an Environment: pure, so every rule is unit-tested on
 * fixtures shaped like real objects. Rules follow how KOTS itself detects things (kots
 * pkg/snapshot/velero.go DetectVeleroNamespace/DetectVelero, pkg/snapshot/store.go
 * ensureSecretsReferences, pkg/kurl/configmap.go at v1.131.4): the Velero namespace from ConfigMap
 * kotsadm-velero-namespace or the Deployment named velero; readiness from AvailableReplicas;
 * plugins from init containers; node agent vs restic by DaemonSet name.
 */
import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Namespace, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { BackupStorageLocationInfo, Check, Environment, VeleroInfo } from '../api/contract.js';
import type { BackupStorageLocation } from '../velero/types.js';
import { compatibility } from './compat.js';
import { kotsFileSystemStore } from './filesystem.js';
import { findKotsadm } from './kotsadm.js';

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
  const nsNames = new Set(s.namespaces.map((n) => n.metadata?.name));

  // --- KOTS admin console -------------------------------------------------------------------
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

  const blind = new Set(s.blind ?? []);
  // Not seeing the pods and not seeing one of the two kinds kotsadm may be: "cannot tell".
  const blindTo = [blind.has('deployments') && 'Deployments', blind.has('statefulsets') && 'StatefulSets'].filter((k): k is string => !!k);
  if (!kotsFound && blindTo.length && blind.has('kotsadmPods')) {
    problems.push({
      ok: false,
      severity: 'warning',
      title: 'Cannot tell whether KOTS is installed',
      reason: `This user may not list ${blindTo.join(' or ')} or pods, so Lifeboat cannot look for the admin console.`,
      fix: 'Use a kubeconfig with cluster-wide read access (see Cluster → Permissions).',
    });
  } else if (!kotsFound) {
    problems.push({
      ok: false,
      severity: 'warning',
      title: 'KOTS admin console not found',
      reason: 'No Deployment or StatefulSet named kotsadm and no pods labelled app=kotsadm were found in this cluster.',
      fix: 'Connect to the cluster where the application was installed with KOTS.',
    });
  } else if (kotsReady === false) {
    problems.push({
      ok: false,
      severity: 'warning',
      title: 'KOTS admin console is not ready',
      reason: kotsWorkload ? kotsWorkload.status : `The kotsadm pod in namespace ${kotsNamespace} is not running and ready.`,
      fix: `Check the kotsadm pods: kubectl -n ${kotsNamespace} get pods -l app=kotsadm`,
    });
  }

  // How KOTS would store NFS/host-path snapshots: it reads kotsadm-confg in its own namespace only.
  const fileSystemStore =
    kotsFound && kotsNamespace
      ? kotsFileSystemStore({
          kotsNamespace,
          confg: cm(s, 'kotsadm-confg', kotsNamespace),
          isKurl: !!cm(s, 'kurl-config', 'kube-system'),
          deployments: s.deployments,
          statefulsets: s.statefulsets ?? [],
          blind,
        })
      : undefined;

  // --- Flavour --------------------------------------------------------------------------------
  let flavour: Environment['flavour'] = 'unknown';
  let flavourReason = 'Not enough is visible to tell how Kubernetes was installed.';
  if (nsNames.has('embedded-cluster') || hasEcMarker(kotsWorkload?.object) || hasEcMarker(kotsWorkload?.object.spec?.template)) {
    flavour = 'embedded-cluster';
    flavourReason = nsNames.has('embedded-cluster') ? 'Namespace embedded-cluster exists.' : 'The admin console carries kots.io/embedded-cluster markers.';
  } else if (cm(s, 'kurl-config', 'kube-system') || nsNames.has('kurl')) {
    flavour = 'kurl';
    flavourReason = cm(s, 'kurl-config', 'kube-system') ? 'ConfigMap kurl-config exists in kube-system.' : 'Namespace kurl exists.';
  } else if (s.namespaces.length > 0 || kotsFound) {
    flavour = 'existing';
    flavourReason = 'No kURL or Embedded Cluster markers: KOTS runs on an existing cluster.';
  }

  // --- Air gap --------------------------------------------------------------------------------
  const isAirgapKey = confg?.data?.['is-airgap'];
  // What KOTS records in each backup's kots.io/is-airgap: the kotsadm container's
  // DISABLE_OUTBOUND_CONNECTIONS (kots pkg/kotsadm/main.go IsAirgap, set by
  // pkg/kotsadm/objects/kotsadm_objects.go at v1.131.4). Known only while a kotsadm is seen.
  const kotsadmContainer = kotsContainers.find((c) => c.name === 'kotsadm') ?? kotsContainers[0];
  const outboundDisabled =
    kotsFound && kotsadmContainer ? (kotsadmContainer.env ?? []).some((e) => e.name === 'DISABLE_OUTBOUND_CONNECTIONS' && e.value === 'true') : undefined;
  const airgapGuess = registryRef
    ? { airgapped: true, reason: `KOTS pulls from the private registry ${registryRef} (ConfigMap kotsadm-confg, key kotsadm-registry).` }
    : isAirgapKey === 'true'
      ? { airgapped: true, reason: 'ConfigMap kotsadm-confg has is-airgap=true.' }
      : confg
        ? { airgapped: false, reason: 'ConfigMap kotsadm-confg names no private registry.' }
        : {
            airgapped: false,
            reason: kotsFound
              ? 'ConfigMap kotsadm-confg was not found, so no private registry is configured.'
              : 'No KOTS admin console, so no air-gap settings.',
          };
  const airgap = { ...airgapGuess, ...(outboundDisabled === undefined ? {} : { outboundDisabled }) };

  // --- Velero ---------------------------------------------------------------------------------
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
  const bsls: BackupStorageLocationInfo[] = s.bsls
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

  if (!installed && blind.has('deployments')) {
    problems.push({
      ok: false,
      severity: 'warning',
      title: 'Cannot tell whether Velero is installed',
      reason: 'This user may not list Deployments, so Lifeboat cannot look for the Velero server.',
      fix: 'Use a kubeconfig with cluster-wide read access (see Cluster → Permissions).',
    });
  } else if (!installed) {
    problems.push({
      ok: false,
      severity: 'warning',
      title: 'Velero is not installed',
      reason: veleroNs
        ? `No Velero Deployment was found in namespace ${veleroNs}.`
        : 'No Deployment named velero was found and KOTS names no Velero namespace.',
      fix: 'Install Velero from Setup.',
    });
  } else {
    if (!velero.ready)
      problems.push({
        ok: false,
        severity: 'error',
        title: 'Velero is not running',
        reason: `Deployment ${server.metadata?.name} in ${veleroNs} has no available replica.`,
        fix: `Check the Velero pod: kubectl -n ${veleroNs} get pods -l deploy=velero`,
      });
    const label = velero.fileSystemBackup?.kind === 'restic' ? 'Restic' : 'Node Agent';
    if (!velero.fileSystemBackup) {
      problems.push({
        ok: false,
        severity: 'warning',
        title: 'Node Agent integration not found',
        reason: `No node-agent (or restic) DaemonSet in ${veleroNs}: volume data cannot be backed up and KOTS's configure commands fail.`,
        fix: 'Reinstall Velero with the node agent (velero install --use-node-agent).',
      });
    } else if (!velero.fileSystemBackup.ready) {
      const { available, desired } = velero.fileSystemBackup;
      problems.push({
        ok: false,
        severity: 'warning',
        title: `${label} is not working`,
        reason:
          desired === 0
            ? `The ${fsb?.metadata?.name} DaemonSet has no pods scheduled on any node, so volume data cannot be backed up.`
            : `${available} of ${desired} ${label.toLowerCase()} pods are available.`,
        fix: `Check the DaemonSet: kubectl -n ${veleroNs} get ds ${fsb?.metadata?.name}`,
      });
    }
    if (bsls.length === 0) {
      problems.push({
        ok: false,
        severity: 'error',
        title: 'No backup storage',
        reason: `Velero in ${veleroNs} has no BackupStorageLocation, so backups have nowhere to go.`,
        fix: 'Configure backup storage in Setup.',
      });
    } else {
      if (!bsls.some((b) => b.isDefault))
        problems.push({
          ok: false,
          severity: 'warning',
          title: 'No default backup storage',
          reason: 'No BackupStorageLocation is marked default; KOTS expects one named default.',
          fix: 'Mark one storage location as default.',
        });
      for (const b of bsls) {
        if (b.phase && b.phase !== 'Available') {
          problems.push({
            ok: false,
            severity: 'error',
            title: `Backup storage ${b.name} is ${b.phase}`,
            reason: b.message || `Velero cannot reach bucket ${b.bucket ?? ''}.`,
            fix: 'Check the storage endpoint, bucket and credentials in Setup.',
          });
        }
      }
    }
  }

  const { verdict, findings } = compatibility({
    kotsVersion: imageTag(kotsImage),
    kotsFound,
    veleroInstalled: installed,
    veleroVersion: installed ? version : undefined,
    veleroVersionProblem: installed && !version ? (x.serverVersionProblem ?? `the velero image "${veleroImage ?? ''}" has no tag`) : undefined,
    kubernetesVersion: x.kubernetesVersion,
    cliVersion: x.cliVersion,
    usesLocalVolumeProvider: bsls.some((b) => LVP_PROVIDERS.has(b.provider)),
    usesResticRepoPrefix: bsls.some((b) => !!b.config?.resticRepoPrefix),
  });
  if (installed && x.serverVersionProblem && imageVersion && !x.serverVersion) {
    problems.push({
      ok: true,
      severity: 'warning',
      title: 'Velero server version read from the image',
      reason: `${x.serverVersionProblem} Lifeboat used the image tag (${imageVersion}) instead.`,
      fix: 'Check that the Velero server is running.',
    });
  }
  for (const f of findings) {
    if (f.verdict === 'compatible' || (f.verdict === 'unknown' && (f.title === 'Velero' || f.title === 'KOTS admin console'))) continue;
    problems.push({ ok: f.ok, severity: f.severity, title: f.title, reason: f.reason, fix: f.fix });
  }

  return {
    detectedAt: now.toISOString(),
    kots: {
      found: kotsFound,
      namespace: kotsNamespace,
      version: imageTag(kotsImage),
      image: kotsImage,
      ready: kotsReady,
      apps: installedApps(s),
      registry,
      fileSystemStore,
    },
    flavour,
    flavourReason,
    airgap,
    velero,
    compatibility: verdict,
    problems,
  };
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
