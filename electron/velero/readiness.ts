/**
 * The one set of readiness checks about Velero: its server installed and running, and its backup
 * storage location Available (and synced), each as a `Check` of the contract. The Backups screen
 * ("Back up now"), the restore wizard's situation step and the setup wizard's verification all ask
 * here; each says it in the words of its screen (what would fail, and the fix on that screen). Pure.
 */
import type { BackupStorageLocationInfo, Check, Environment } from '../api/contract.js';
import type { BackupStorageLocation } from './types.js';

const ok = (title: string, reason?: string): Check => ({ ok: true, severity: 'ok', title, ...(reason ? { reason } : {}) });
const error = (title: string, reason: string, fix: string): Check => ({ ok: false, severity: 'error', title, reason, fix });
const warning = (title: string, reason: string, fix: string): Check => ({ ok: true, severity: 'warning', title, reason, fix });

export const isAvailable = (phase: string | undefined) => phase === 'Available';
/** Available and synced at least once: Velero can see the backups in it. */
export const isReady = (loc: Pick<BackupStorageLocation, 'status'> | undefined) => !!loc && isAvailable(loc.status?.phase) && !!loc.status?.lastSyncedTime;

/** Velero installed and running, for a backup. Empty before the environment is known. */
export function veleroServerChecks(env: Environment | null | undefined): Check[] {
  const v = env?.velero;
  if (env && !v?.installed)
    return [
      error(
        'Velero is not installed',
        'KOTS backs up through Velero, and Lifeboat found no Velero Deployment in this cluster.',
        'Install Velero on the Setup screen, then come back.',
      ),
    ];
  if (v?.installed && !v.ready)
    return [
      error(
        'Velero is not running',
        `The Velero Deployment in namespace ${v.namespace} has no available pod, so a backup would never start.`,
        `Check \`kubectl -n ${v.namespace} get pods\` (scaled to 0? image not pulled?) and bring Velero back, then try again.`,
      ),
    ];
  if (v?.installed) return [ok(`Velero ${v.version ?? ''} is running`.replace('  ', ' '))];
  return [];
}

/**
 * The default storage location, for a backup: the watched object is the freshest; the detector's
 * copy stands in until the watch has one.
 */
export function backupLocationCheck(bsl: BackupStorageLocation | undefined, envBsl: BackupStorageLocationInfo | undefined): Check {
  const phase = bsl?.status?.phase ?? envBsl?.phase;
  const message = bsl?.status?.message ?? envBsl?.message;
  const name = bsl?.metadata.name ?? envBsl?.name;
  if (!bsl && !envBsl)
    return error(
      'No backup storage location',
      'KOTS backs up to the storage location named "default", and there is none.',
      'Configure a storage destination on the Setup screen.',
    );
  if (!isAvailable(phase))
    return error(
      `Storage location "${name}" is ${phase ?? 'not yet validated'}`,
      `Velero would refuse the backup (FailedValidation)${message ? `: ${message}` : '.'}`,
      'Check the bucket, endpoint and credentials on the Setup screen; Velero re-validates it every minute.',
    );
  return ok(`Storage location "${name}" is Available`);
}

/** For a restore: without Velero this cluster cannot see the backups. */
export function restoreVeleroMissing(): Check {
  return error(
    'Velero is not installed',
    'This cluster has no Velero yet, so it cannot see the backups.',
    'Install Velero against the same storage (bucket and prefix) on the Setup screen, then come back.',
  );
}

/** For a restore: the one check that matters most about the location, worst first. */
export function restoreLocationCheck(loc: BackupStorageLocation | undefined, backupCount: number): Check {
  if (!loc)
    return error(
      'No backup storage location',
      'Velero is installed but has no backup storage location.',
      'Configure the storage the backups were written to on the Setup screen.',
    );
  if (!isAvailable(loc.status?.phase)) {
    return error(
      'Storage not available',
      `Storage location ${loc.metadata.name} is ${loc.status?.phase ?? 'not validated yet'}${loc.status?.message ? `: ${loc.status.message}` : '.'}`,
      'Check the bucket, prefix and credentials on the Setup screen. Velero re-checks every minute.',
    );
  }
  if (!loc.status?.lastSyncedTime)
    return warning(
      'Waiting for Velero to read the backups',
      'Velero has not synced the backups from the storage yet (it does so about once a minute).',
      'Wait a minute; this refreshes by itself.',
    );
  if (backupCount === 0)
    return warning(
      'No backups found',
      `Velero synced storage location ${loc.metadata.name} but found no backups in it.`,
      'Check that the bucket and prefix are the ones the old cluster wrote to.',
    );
  return ok('Backups visible', `${backupCount} backup${backupCount === 1 ? '' : 's'} synced from ${loc.spec?.objectStorage?.bucket ?? loc.metadata.name}.`);
}

/** For setup's verification: location "default" Available, and synced. */
export function setupLocationChecks(bsl: Pick<BackupStorageLocation, 'spec' | 'status'> | undefined): Check[] {
  const phase = bsl?.status?.phase;
  const o = bsl?.spec?.objectStorage;
  const title = 'Storage location "default"';
  const location = !bsl
    ? error(title, 'There is no BackupStorageLocation "default".', 'Run the KOTS configure step again.')
    : isAvailable(phase)
      ? ok(title, `Available (${bsl.spec?.provider} ${o?.bucket}${o?.prefix ? `/${o.prefix}` : ''}), validated ${bsl.status?.lastValidationTime ?? ''}.`)
      : error(
          title,
          `Phase ${phase ?? 'not set yet'}${bsl.status?.message ? `: ${bsl.status.message}` : ''}.`,
          'Velero cannot reach the destination from the cluster: check the endpoint, credentials and CA from inside the cluster network.',
        );
  const synced = bsl?.status?.lastSyncedTime
    ? ok('Backups synced from storage', `Last synced ${bsl.status.lastSyncedTime}.`)
    : error(
        'Backups synced from storage',
        'Velero has not synced with the storage location yet.',
        'Wait a minute and verify again; Velero syncs every minute.',
      );
  return [location, synced];
}
