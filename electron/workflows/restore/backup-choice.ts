/**
 * The backup step: the backups this cluster's Velero can see, judged for restoring here, and the
 * refusal of one that cannot be restored (with every blocking reason and its fix), so neither the
 * choice nor the start can get past a backup the kots CLI would reject halfway.
 */
import type { Environment, RestoreBackup } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { sortBackups, type EligibilityContext } from './eligibility.js';
import { backupRows, describeRow, findBackupRow, rowChecks, type BackupRow } from './groups.js';
import type { VeleroReader } from './velero.js';
import type { VeleroBackup } from '../../velero/types.js';

export type BackupsReader = Pick<VeleroReader, 'backups' | 'locations'>;

export interface BackupsRead {
  list: VeleroBackup[];
  ctx: EligibilityContext;
}

export async function readBackups(env: Environment | null | undefined, velero: () => BackupsReader, now = new Date()): Promise<BackupsRead> {
  if (env && !env.velero.installed) {
    throw new LifeboatError(
      'VELERO_NOT_READY',
      'Velero is not installed on this cluster, so it cannot see any backups.',
      'Install Velero against the storage the backups are in, on the Setup screen.',
    );
  }
  const reader = velero();
  const [list, locations] = await Promise.all([reader.backups(), reader.locations()]);
  const ctx: EligibilityContext = {
    now,
    // What the running admin console records as kots.io/is-airgap; undefined on a rebuilt cluster.
    outboundDisabled: env?.airgap.outboundDisabled,
    veleroVersion: env?.velero.version,
    locations: Object.fromEntries(locations.map((l) => [l.metadata.name, l.spec?.provider ?? ''])),
  };
  return { list, ctx };
}

export function listBackups({ list, ctx }: BackupsRead): RestoreBackup[] {
  return sortBackups(backupRows(list).map((r) => describeRow(r, ctx)));
}

export function refuseIneligible(row: BackupRow, ctx: EligibilityContext): void {
  const blocking = rowChecks(row, ctx).filter((c) => c.severity === 'error');
  if (blocking.length) {
    throw new LifeboatError(
      'BACKUP_NOT_RESTORABLE',
      `Backup ${row.name} cannot be restored here: ${blocking.map((c) => c.reason ?? c.title).join(' ')}`,
      blocking
        .map((c) => c.fix)
        .filter(Boolean)
        .join(' '),
      { checks: blocking },
    );
  }
}

/**
 * The backup a name picks — by the row's name, or a Velero Backup's (an improved-DR pair is
 * refused as a whole) — and the application it restores; `installedSlug` only when the backup
 * names none.
 */
export function chooseBackup({ list, ctx }: BackupsRead, name: string, installedSlug: () => string | undefined): { backup: string; appSlug?: string } {
  const row = findBackupRow(list, name);
  if (!row)
    throw new LifeboatError(
      'BACKUP_NOT_RESTORABLE',
      `There is no backup named ${name} on this cluster.`,
      'Refresh the list; on a new cluster wait for Velero to sync the backups.',
    );
  refuseIneligible(row, ctx);
  const d = describeRow(row, ctx);
  return { backup: row.name, appSlug: d.apps[0]?.slug ?? installedSlug() };
}
