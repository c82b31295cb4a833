/**
 * The checks on what the detector sees of Velero (server, file system backup, storage locations),
 * in the order the Environment lists them. Pure; computeEnvironment (compute.ts) gathers the facts.
 */
import type { V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import type { BackupStorageLocationInfo, Check, VeleroInfo } from '../api/contract.js';
import type { Snapshot } from './compute.js';

/** The kinds the detector could not list. */
export type Blind = ReadonlySet<NonNullable<Snapshot['blind']>[number]>;

/** What is seen of Velero: its server, plugins, file system backup and storage locations. */
export interface VeleroFacts {
  velero: VeleroInfo;
  veleroNs: string | undefined;
  server: V1Deployment | undefined;
  fsb: V1DaemonSet | undefined;
  bsls: BackupStorageLocationInfo[];
  veleroImage: string | undefined;
  imageVersion: string | undefined;
  version: string | undefined;
}

export function veleroProblems(v: VeleroFacts, blind: Blind): Check[] {
  const { server, veleroNs } = v;
  if (!server && blind.has('deployments')) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'Cannot tell whether Velero is installed',
        reason: 'This user may not list Deployments, so Lifeboat cannot look for the Velero server.',
        fix: 'Use a kubeconfig with cluster-wide read access (see Cluster → Permissions).',
      },
    ];
  } else if (!server) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'Velero is not installed',
        reason: veleroNs
          ? `No Velero Deployment was found in namespace ${veleroNs}.`
          : 'No Deployment named velero was found and KOTS names no Velero namespace.',
        fix: 'Install Velero from Setup.',
      },
    ];
  }
  const problems: Check[] = [];
  if (!v.velero.ready)
    problems.push({
      ok: false,
      severity: 'error',
      title: 'Velero is not running',
      reason: `Deployment ${server.metadata?.name} in ${veleroNs} has no available replica.`,
      fix: `Check the Velero pod: kubectl -n ${veleroNs} get pods -l deploy=velero`,
    });
  problems.push(...fileSystemBackupProblems(v), ...storageProblems(v));
  return problems;
}

function fileSystemBackupProblems({ velero, fsb, veleroNs }: VeleroFacts): Check[] {
  const label = velero.fileSystemBackup?.kind === 'restic' ? 'Restic' : 'Node Agent';
  if (!velero.fileSystemBackup) {
    return [
      {
        ok: false,
        severity: 'warning',
        title: 'Node Agent integration not found',
        reason: `No node-agent (or restic) DaemonSet in ${veleroNs}: volume data cannot be backed up and KOTS's configure commands fail.`,
        fix: 'Reinstall Velero with the node agent (velero install --use-node-agent).',
      },
    ];
  } else if (!velero.fileSystemBackup.ready) {
    const { available, desired } = velero.fileSystemBackup;
    return [
      {
        ok: false,
        severity: 'warning',
        title: `${label} is not working`,
        reason:
          desired === 0
            ? `The ${fsb?.metadata?.name} DaemonSet has no pods scheduled on any node, so volume data cannot be backed up.`
            : `${available} of ${desired} ${label.toLowerCase()} pods are available.`,
        fix: `Check the DaemonSet: kubectl -n ${veleroNs} get ds ${fsb?.metadata?.name}`,
      },
    ];
  }
  return [];
}

function storageProblems({ bsls, veleroNs }: VeleroFacts): Check[] {
  if (bsls.length === 0) {
    return [
      {
        ok: false,
        severity: 'error',
        title: 'No backup storage',
        reason: `Velero in ${veleroNs} has no BackupStorageLocation, so backups have nowhere to go.`,
        fix: 'Configure backup storage in Setup.',
      },
    ];
  }
  const problems: Check[] = [];
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
  return problems;
}
