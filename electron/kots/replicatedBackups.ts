/**
 * KOTS's rules for the Velero Backups of one "replicated backup" (improved disaster recovery: an
 * infra and an app Backup sharing replicated.com/backup-name; kots pkg/kotsadmsnapshot/types at
 * v1.131.4): which row a Backup belongs to, its member type and expected count, and how the
 * members' phases roll up into one status. Pure; the Backups screen's workflow
 * (workflows/backups/replicated.ts) and the restore wizard (workflows/restore/groups.ts) share them.
 */
import type { VeleroBackup } from '../velero/types.js';

/** kots pkg/kotsadmsnapshot/types/types.go at v1.131.4. */
export const DR = {
  nameLabel: 'replicated.com/backup-name',
  type: 'replicated.com/backup-type',
  count: 'replicated.com/backup-count',
  version: 'replicated.com/disaster-recovery-version',
  legacyInstance: 'kots.io/instance',
} as const;

/** Only name, labels and annotations are read, so the restore wizard's own Backup type fits too. */
type Obj = { metadata: Pick<VeleroBackup['metadata'], 'name' | 'labels' | 'annotations'> };

/** types.IsInstanceBackup: a disaster-recovery version, or the legacy kots.io/instance=true. */
export function isInstanceBackup(b: Obj): boolean {
  const a = b.metadata.annotations ?? {};
  return !!a[DR.version] || a[DR.legacyInstance] === 'true';
}

/**
 * The list row (and the name the operator sees) of a Velero Backup: types.GetBackupName (the
 * replicated.com/backup-name label) for instance backups, as ListInstanceBackups groups them; any
 * other Backup is its own row under its own name.
 */
export function rowKey(b: Obj): string {
  const label = b.metadata.labels?.[DR.nameLabel];
  return label && isInstanceBackup(b) ? label : b.metadata.name;
}

/** types.GetInstanceBackupType: infra, app, or legacy when not annotated. */
export const memberType = (b: Obj): string => b.metadata.annotations?.[DR.type] || 'legacy';

/** types.GetInstanceBackupCount: the annotation when a positive number, else 1. */
export function expectedCount(b: Obj): number {
  const n = Number.parseInt(b.metadata.annotations?.[DR.count] ?? '', 10);
  return n > 0 ? n : 1;
}

export type ReplicatedStatus = 'InProgress' | 'Completed' | 'Failed' | 'Deleting';

/** types.GetStatusFromBackupPhase, case for case (anything unknown counts as in progress). */
export function statusFromPhase(phase: string): ReplicatedStatus {
  if (phase === '' || phase === 'New' || phase === 'InProgress') return 'InProgress';
  if (phase === 'Completed') return 'Completed';
  if (phase.toLowerCase().includes('fail')) return 'Failed';
  if (phase === 'Deleting') return 'Deleting';
  return 'InProgress';
}

/** types.RollupStatus: any in progress wins, then Deleting, then Failed; Completed only if all are. */
export function rollupStatus(statuses: readonly ReplicatedStatus[]): ReplicatedStatus {
  let result: ReplicatedStatus = 'Completed';
  for (const s of statuses) {
    if (s === 'InProgress') return 'InProgress';
    if (s === 'Deleting') result = 'Deleting';
    else if (s === 'Failed' && result !== 'Deleting') result = 'Failed';
  }
  return result;
}

const TYPE_ORDER: Record<string, number> = { infra: 0, app: 1 };
/** Infra first, then app (the order KOTS creates them), then by name. */
export const compareMembers = (x: Obj, y: Obj): number =>
  (TYPE_ORDER[memberType(x)] ?? 2) - (TYPE_ORDER[memberType(y)] ?? 2) || (x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0);

/** Backups grouped by their row (rowKey), in the order the rows first appear. */
export function groupByRow<T extends Obj>(list: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const b of list) {
    const k = rowKey(b);
    const g = groups.get(k);
    if (g) g.push(b);
    else groups.set(k, [b]);
  }
  return groups;
}

/** The earliest and the latest of some timestamps (ISO strings), ignoring the missing ones. */
export const earliest = (vals: Array<string | undefined>) => vals.filter((v): v is string => !!v).sort()[0];
export const latest = (vals: Array<string | undefined>) =>
  vals
    .filter((v): v is string => !!v)
    .sort()
    .pop();
