/**
 * What the operator sees of each Velero Restore while it runs: its phase, items and its pod volume
 * restores (the data, usually the long part). Merged into the persisted run only when something
 * changed, so a poll that sees nothing new writes nothing.
 */
import type { RestoreProgress, RestoreRunStep } from '../../api/contract.js';
import { appSlugOfRestore } from './kinds.js';
import type { VeleroReader } from './velero.js';
import type { PodVolumeRestore, VeleroRestore } from '../../velero/types.js';

export async function progressOf(
  velero: Pick<VeleroReader, 'podVolumeRestores'>,
  r: VeleroRestore,
  step: RestoreRunStep,
  backup: string,
): Promise<RestoreProgress> {
  const pvrs = await velero.podVolumeRestores(r.metadata.name).catch((): PodVolumeRestore[] => []);
  const slug = appSlugOfRestore(step.component, backup, r.metadata.name);
  return {
    name: r.metadata.name,
    component: step.component,
    ...(slug ? { appSlug: slug } : {}),
    phase: r.status?.phase || 'New',
    itemsRestored: r.status?.progress?.itemsRestored,
    totalItems: r.status?.progress?.totalItems,
    warnings: r.status?.warnings ?? 0,
    errors: r.status?.errors ?? 0,
    podVolumeRestores: volumeProgress(pvrs),
    startedAt: r.status?.startTimestamp,
    completedAt: r.status?.completionTimestamp,
    failureReason: r.status?.failureReason,
    validationErrors: r.status?.validationErrors,
  };
}

function volumeProgress(pvrs: PodVolumeRestore[]): RestoreProgress['podVolumeRestores'] {
  return {
    total: pvrs.length,
    completed: pvrs.filter((p) => p.status?.phase === 'Completed').length,
    failed: pvrs.filter((p) => p.status?.phase === 'Failed' || p.status?.phase === 'Canceled').length,
    bytesDone: pvrs.reduce((n, p) => n + (p.status?.progress?.bytesDone ?? 0), 0),
    totalBytes: pvrs.reduce((n, p) => n + (p.status?.progress?.totalBytes ?? 0), 0),
  };
}

/** `restores` with `progress` merged in by name (new ones appended), or undefined when nothing changed. */
export function mergeProgress(restores: readonly RestoreProgress[], progress: readonly RestoreProgress[]): RestoreProgress[] | undefined {
  const out = [...restores];
  let changed = false;
  for (const p of progress) {
    const i = out.findIndex((r) => r.name === p.name);
    if (i < 0) out.push(p);
    else if (JSON.stringify(out[i]) !== JSON.stringify(p)) out[i] = p;
    else continue;
    changed = true;
  }
  return changed ? out : undefined;
}
