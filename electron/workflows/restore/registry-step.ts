/**
 * The restore wizard's "Re-seed the registry" step (rebuilt-cluster path, ordered as Embedded
 * Cluster's restore-registry before restore-app in cmd/installer/cli/restore.go at
 * 2.19.4+k8s-1.36; kots.io/embedded-registry is set by kots pkg/kotsadmsnapshot/backup.go at
 * v1.131.4): when it is asked for, and how a registry job's end maps onto the persisted step.
 * Pure: registry-flow.ts persists and runs it.
 */
import type { Environment, RegistryJob, RestoreRegistryStep, RestoreSituation } from '../../api/contract.js';
import type { VeleroBackup } from '../../velero/types.js';

/** What the operator accepts when skipping the step. */
export const SKIP_CONSEQUENCE =
  'The cluster registry keeps only what it has now. On an air-gapped cluster every pod whose image is not there cannot start (ErrImagePull, then ImagePullBackOff) until the images are pushed; the restore itself still reports the objects as restored.';

/**
 * Why the wizard needs the registry re-seeded before the application, or undefined when it does not:
 * a new (rebuilt) cluster whose own registry starts empty — a kURL or Embedded Cluster install, or
 * a backup taken from one (its kots.io/embedded-registry annotation) or from an air-gapped install.
 */
export function registryNeed(
  situation: RestoreSituation | undefined,
  env: Pick<Environment, 'flavour' | 'airgap'> | null | undefined,
  backup: VeleroBackup | undefined,
): string | undefined {
  if (situation !== 'new-cluster') return undefined;
  const a = backup?.metadata.annotations ?? {};
  const flavour = env?.flavour;
  const embedded = a['kots.io/embedded-registry'];
  const airgapBackup = a['kots.io/is-airgap'] === 'true';
  const name = flavour === 'kurl' ? 'kURL' : flavour === 'embedded-cluster' ? 'Embedded Cluster' : undefined;
  if (name) {
    return `This is a rebuilt ${name} cluster: its own registry does not have the application's images yet${env?.airgap.airgapped ? ' and it is air-gapped, so pods can pull only from it' : ''}. Push the images from a registry export before the application is restored.`;
  }
  if (embedded) {
    return `Backup ${backup!.metadata.name} comes from a cluster whose images lived in its own registry (${embedded}); a new cluster's registry does not have them. Push them from a registry export before the application is restored.`;
  }
  if (airgapBackup) {
    return `Backup ${backup!.metadata.name} comes from an air-gapped install: the application's images must be in this cluster's registry before it is restored.`;
  }
  return undefined;
}

/** Is the registry step settled, so the wizard may go on to confirm and run? */
export function registrySettled(r: RestoreRegistryStep | undefined): boolean {
  return !r || r.state === 'succeeded' || r.state === 'skipped';
}

/** The persisted step after its registry job ended. */
export function stepFromJob(r: RestoreRegistryStep, job: RegistryJob): RestoreRegistryStep {
  const rep = job.reseedReport;
  const base: RestoreRegistryStep = {
    ...r,
    jobId: job.id,
    registry: job.registry,
    finishedAt: job.finishedAt ?? new Date().toISOString(),
    tagsTotal: rep?.tags.length,
    tagsOk: rep?.tags.filter((t) => t.ok).length,
    blobsUploaded: rep?.blobsUploaded,
    blobsSkipped: rep?.blobsSkipped,
    blobsMounted: rep?.blobsMounted,
    bytesUploaded: rep?.bytesUploaded,
    mismatches: rep ? rep.tags.filter((t) => !t.ok).map(({ repo, tag, expected, actual }) => ({ repo, tag, expected, actual })) : undefined,
    error: job.error,
  };
  if (job.state === 'succeeded' && rep?.ok) return { ...base, state: 'succeeded', error: undefined };
  if (job.state === 'cancelled') return { ...base, state: 'cancelled' };
  if (job.state === 'interrupted') return { ...base, state: 'interrupted' };
  return {
    ...base,
    state: 'failed',
    error: job.error ?? { code: 'DIGEST_MISMATCH', message: "Not every tag resolves to the archive's digest after the push.", hint: 'Run the re-seed again.' },
  };
}
