/**
 * The situation step's question: can this cluster see the backups at all? Answered from the
 * default storage location (Velero's own choice when a Backup names none) and what Velero has
 * synced from it, each problem with the fix on the Setup screen.
 */
import type { Check, Environment, RestoreStorage } from '../../api/contract.js';
import { isReady, restoreLocationCheck, restoreVeleroMissing } from '../../velero/readiness.js';
import { backupRows } from './groups.js';
import type { VeleroReader } from './velero.js';
import type { VeleroBackup, BackupStorageLocation } from '../../velero/types.js';

export type StorageReader = Pick<VeleroReader, 'locations' | 'backups'>;

export async function readStorage(env: Environment | null | undefined, veleroNamespace: string, velero: () => StorageReader): Promise<RestoreStorage> {
  if (!env?.velero.installed) {
    const checks: Check[] = [restoreVeleroMissing()];
    return { veleroInstalled: false, backupCount: 0, ready: false, checks };
  }
  const reader = velero();
  const locations = await reader.locations();
  const loc = locations.find((l) => l.spec?.default) ?? locations.find((l) => l.metadata.name === 'default') ?? locations[0];
  // Counted as the list shows them: an improved-DR backup's two Velero Backups are one (groups.ts).
  const backups = loc
    ? backupRows((await reader.backups()).filter((b: VeleroBackup) => (b.spec?.storageLocation ?? loc.metadata.name) === loc.metadata.name))
    : [];
  return {
    veleroInstalled: true,
    veleroNamespace,
    veleroVersion: env?.velero.version,
    location: loc ? locationView(loc) : undefined,
    backupCount: backups.length,
    ready: isReady(loc),
    checks: [restoreLocationCheck(loc, backups.length)],
  };
}

function locationView(loc: BackupStorageLocation): NonNullable<RestoreStorage['location']> {
  return {
    name: loc.metadata.name,
    provider: loc.spec?.provider ?? '',
    bucket: loc.spec?.objectStorage?.bucket,
    prefix: loc.spec?.objectStorage?.prefix,
    phase: loc.status?.phase,
    accessMode: loc.spec?.accessMode === 'ReadOnly' ? 'ReadOnly' : 'ReadWrite',
    lastSyncedTime: loc.status?.lastSyncedTime,
    message: loc.status?.message,
  };
}
