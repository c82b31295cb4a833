/**
 * NFS and host-path snapshot stores: does KOTS put its own MinIO (kotsadm-fs-minio, served to
 * Velero through the AWS plugin) in front of them, or the local-volume provider (replicated.com/nfs,
 * replicated.com/hostpath plugins)? KOTS decides with IsFileSystemMinioDisabled (kots
 * pkg/snapshot/filesystem_lvp.go at v1.131.4), ported here rule for rule so Lifeboat can refuse a
 * destination before anything changes: Velero 1.17 and later refuse the local-volume provider
 * (kots pkg/snapshot/types/velero_flags.go VeleroSupportsLVP), and `kubectl kots velero
 * configure-nfs/-hostpath` then stops, after Lifeboat would already have installed Velero. Pure.
 */
import type { V1ConfigMap, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Check, KotsInfo } from '../api/contract.js';
import { parseVersion } from './compat.js';

export type FileSystemStore = NonNullable<KotsInfo['fileSystemStore']>;

export interface FileSystemStoreInput {
  /** Where kotsadm runs (KOTS reads kotsadm-confg there and compares it with "default"). */
  kotsNamespace: string;
  /** ConfigMap kotsadm-confg in kotsNamespace, if it exists. */
  confg?: V1ConfigMap;
  /** ConfigMap kurl-config in kube-system exists (kots pkg/kurl/configmap.go IsKurl). */
  isKurl: boolean;
  /** Deployments and StatefulSets seen: kURL's MinIO add-on is Deployment minio or StatefulSet ha-minio in namespace minio. */
  deployments: readonly V1Deployment[];
  statefulsets: readonly V1StatefulSet[];
  /** Kinds Lifeboat could not list: then it cannot tell what KOTS would see. */
  blind: ReadonlySet<string>;
}

/** Go's strconv.ParseBool, which KOTS uses on minio-enabled-snapshots; undefined where Go errors. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** kots pkg/image/minio.go GetMinioImage: a minio/minio:RELEASE. image in kURL's MinIO add-on. */
function kurlMinioImage(i: FileSystemStoreInput): string | undefined {
  const images = (o: V1Deployment | V1StatefulSet | undefined) => (o?.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '');
  const dep = i.deployments.find((d) => d.metadata?.namespace === 'minio' && d.metadata?.name === 'minio');
  const sts = i.statefulsets.find((s) => s.metadata?.namespace === 'minio' && s.metadata?.name === 'ha-minio');
  return [...images(dep), ...images(sts)].find((img) => img.includes('minio/minio:RELEASE.'));
}

/** IsFileSystemMinioDisabled, in the same order: kURL's MinIO first, then kotsadm-confg. */
export function kotsFileSystemStore(i: FileSystemStoreInput): FileSystemStore {
  const cannotTell = (what: string): FileSystemStore => ({
    via: 'unknown',
    reason: `Lifeboat may not list ${what}, so it cannot tell whether KOTS would use its MinIO or the local-volume provider.`,
  });
  if (i.blind.has('configmaps')) return cannotTell('ConfigMaps');
  // GetMinioImage: only a kURL cluster with kotsadm in "default" looks for the add-on; elsewhere
  // KOTS uses the MinIO image it bundles, so the image alone never disables MinIO.
  if (i.isKurl && i.kotsNamespace === 'default') {
    if (i.blind.has('deployments') || i.blind.has('statefulsets')) return cannotTell('Deployments or StatefulSets');
    if (!kurlMinioImage(i)) {
      return {
        via: 'local-volume-provider',
        reason:
          'this is a kURL cluster without the MinIO add-on (no Deployment minio or StatefulSet ha-minio with a minio/minio:RELEASE. image in namespace minio)',
      };
    }
  }
  const raw = i.confg?.data?.['minio-enabled-snapshots'];
  if (!i.confg)
    return { via: 'minio', reason: `ConfigMap kotsadm-confg does not exist in ${i.kotsNamespace}, so KOTS keeps its MinIO for file-system snapshots` };
  if (raw === undefined)
    return {
      via: 'minio',
      reason: `ConfigMap kotsadm-confg in ${i.kotsNamespace} has no minio-enabled-snapshots key, so KOTS keeps its MinIO for file-system snapshots`,
    };
  const enabled = parseGoBool(raw);
  if (enabled === undefined) {
    return {
      via: 'invalid',
      reason: `ConfigMap kotsadm-confg in ${i.kotsNamespace} has minio-enabled-snapshots="${raw}", which KOTS cannot parse as true or false, so its configure commands fail ("failed to parse minio-enabled-snapshots from kotsadm-confg")`,
    };
  }
  return enabled
    ? { via: 'minio', reason: `ConfigMap kotsadm-confg in ${i.kotsNamespace} has minio-enabled-snapshots=${raw}` }
    : {
        via: 'local-volume-provider',
        reason: `ConfigMap kotsadm-confg in ${i.kotsNamespace} has minio-enabled-snapshots=${raw} (KOTS was installed or upgraded without MinIO)`,
      };
}

/** VeleroSupportsLVP negated: Velero 1.17 and later; an unreadable version is not a refusal (as KOTS). */
export function veleroRefusesLvp(version: string | undefined): boolean {
  const v = parseVersion(version);
  return !!v && (v[0] > 1 || (v[0] === 1 && v[1] >= 17));
}

const TITLE = 'File-system destination (NFS, host path)';
const OBJECT_STORE_FIX = 'Choose an object-store destination instead (S3-compatible, Amazon S3, Google Cloud Storage or Azure Blob Storage).';

/**
 * Can KOTS configure an NFS or host-path destination on this Velero? An error blocks the
 * destination. `velero` is the Velero KOTS would configure against: the installed one when only the
 * destination changes, else the one Lifeboat is about to install.
 */
export function fileSystemDestinationCheck(
  store: FileSystemStore | undefined,
  provider: 'nfs' | 'hostpath' | 'either',
  velero: { version?: string; plugins?: ReadonlyArray<{ name: string; image: string }> },
): Check {
  // 'either': before a destination is chosen (the setup preflight)
  const what = provider === 'nfs' ? 'NFS' : provider === 'hostpath' ? 'host path' : 'NFS and host path';
  const plugin = provider === 'either' ? 'replicated.com/nfs and replicated.com/hostpath plugins' : `replicated.com/${provider} plugin`;
  const command = provider === 'either' ? 'configure-nfs and configure-hostpath' : `configure-${provider}`;
  if (!store || store.via === 'unknown') {
    return {
      ok: true,
      severity: 'warning',
      title: TITLE,
      reason: `${store?.reason ?? 'The KOTS admin console was not found, so Lifeboat cannot tell how KOTS would store snapshots.'} If KOTS uses the local-volume provider, Velero ${velero.version ?? '(version unknown)'} ${veleroRefusesLvp(velero.version) ? 'refuses it (1.17 and later) and configuring fails' : 'needs the replicated/local-volume-provider plugin'}.`,
      fix: `Check minio-enabled-snapshots in ConfigMap kotsadm-confg, or ${OBJECT_STORE_FIX.charAt(0).toLowerCase()}${OBJECT_STORE_FIX.slice(1)}`,
    };
  }
  if (store.via === 'invalid') {
    return {
      ok: false,
      severity: 'error',
      title: TITLE,
      reason: `${store.reason}.`,
      fix: 'Set minio-enabled-snapshots in ConfigMap kotsadm-confg to true or false as KOTS wrote it (kubectl kots admin-console upgrade rewrites it), or choose an object-store destination.',
    };
  }
  if (store.via === 'minio') {
    return { ok: true, severity: 'ok', title: TITLE, reason: `KOTS puts its own MinIO (kotsadm-fs-minio) in front of the ${what}: ${store.reason}.` };
  }
  const because = `KOTS would configure ${provider === 'either' ? what : `the ${what}`} through the local-volume provider (the ${plugin}), because ${store.reason}`;
  if (veleroRefusesLvp(velero.version)) {
    return {
      ok: false,
      severity: 'error',
      title: TITLE,
      reason: `${because}; Velero ${velero.version} refuses the local-volume provider (1.17 and later), so kubectl kots velero ${command} would stop ("filesystem (NFS/Host Path) snapshots via the local-volume-provider plugin are not supported on Velero 1.17+"). Nothing has been changed.`,
      // KOTS never turns minio-enabled-snapshots back on (kots pkg/kotsadm/main.go: an upgrade keeps
      // false, and only --with-minio=false changes it), so "re-enable MinIO" is not a way out.
      fix: `${OBJECT_STORE_FIX} KOTS cannot move file-system snapshots back to its MinIO once minio-enabled-snapshots is false; the only other way is a Velero older than 1.17 with the replicated/local-volume-provider plugin, installed outside Lifeboat.`,
    };
  }
  if (!(velero.plugins ?? []).some((p) => `${p.name} ${p.image}`.includes('local-volume-provider'))) {
    return {
      ok: false,
      severity: 'error',
      title: TITLE,
      reason: `${because}; Velero ${velero.version ?? '(version unknown)'} has no replicated/local-volume-provider plugin, so KOTS would only print installation instructions and configure nothing.`,
      fix: `Add the plugin (velero plugin add replicated/local-volume-provider:<tag>), or ${OBJECT_STORE_FIX.charAt(0).toLowerCase()}${OBJECT_STORE_FIX.slice(1)}`,
    };
  }
  return {
    ok: true,
    severity: 'warning',
    title: TITLE,
    reason: `${because}. Velero ${velero.version} supports it (before 1.17) and has the plugin; backups made this way cannot be restored after upgrading Velero to 1.17 or later.`,
  };
}
