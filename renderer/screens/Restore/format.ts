/** Pure wording and numbers the restore wizard's steps show. */
import type { RestoreProgress, RestoreVerification } from '../../../electron/api/contract.js';

/** Velero's restore errors, then its warnings, each with its level: at most 100. */
export function veleroMessages(v: Pick<RestoreVerification, 'errors' | 'warnings'>) {
  return [...v.errors.map((e) => ({ ...e, level: 'Error' })), ...v.warnings.map((e) => ({ ...e, level: 'Warning' }))].slice(0, 100);
}

/** Items restored of the total, in whole percent; 100 for a completed restore that counted none. */
export function restorePercent(p: Pick<RestoreProgress, 'totalItems' | 'itemsRestored' | 'phase'>): number {
  return p.totalItems ? Math.round(((p.itemsRestored ?? 0) / p.totalItems) * 100) : p.phase === 'Completed' ? 100 : 0;
}

/** The badge colour of a Velero restore's phase. */
export function restorePhaseColor(phase: RestoreProgress['phase']): string {
  return phase === 'Completed' ? 'teal' : phase === 'PartiallyFailed' ? 'yellow' : phase === 'Failed' || phase === 'FailedValidation' ? 'red' : 'blue';
}

/** "3/4, 1 failed", or "none" when the restore has no pod volumes. */
export function volumesText(pv: RestoreProgress['podVolumeRestores']): string {
  return pv.total ? `${pv.completed}/${pv.total}${pv.failed ? `, ${pv.failed} failed` : ''}` : 'none';
}
