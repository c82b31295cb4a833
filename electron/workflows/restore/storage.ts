/**
 * The situation step's question: can this cluster see the backups at all? Answered from the
 * default storage location (Velero's own choice when a Backup names none) and what Velero has
 * synced from it, each problem with the fix on the Setup screen.
 */
import type { Check, Environment, RestoreStorage } from '../../api/contract.js';
import { backupRows } from './groups.js';
import type { VeleroBackup, VeleroBsl, VeleroReader } from './velero.js';

export type StorageReader = Pick<VeleroReader, 'locations' | 'backups'>;

export async function readStorage(env: Environment | null | undefined, veleroNamespace: string, velero: () => StorageReader): Promise<RestoreStorage> {
  if (!env?.velero.installed) {
    const checks: Check[] = [{ ok: false, severity: 'error', title: 'Velero is not installed', reason: 'This cluster has no Velero yet, so it cannot see the backups.', fix: 'Install Velero against the same storage (bucket and prefix) on the Setup screen, then come back.' }];
    return { veleroInstalled: false, backupCount: 0, ready: false, checks };
  }
  const reader = velero();
  const locations = await reader.locations();
  const loc = locations.find((l) => l.spec?.default) ?? locations.find((l) => l.metadata.name === 'default') ?? locations[0];
  // Counted as the list shows them: an improved-DR backup's two Velero Backups are one (groups.ts).
  const backups = loc ? backupRows((await reader.backups()).filter((b: VeleroBackup) => (b.spec?.storageLocation ?? loc.metadata.name) === loc.metadata.name)) : [];
  return {
    veleroInstalled: true,
    veleroNamespace,
    veleroVersion: env?.velero.version,
    location: loc ? locationView(loc) : undefined,
    backupCount: backups.length,
    ready: !!loc && loc.status?.phase === 'Available' && !!loc.status?.lastSyncedTime,
    checks: [storageCheck(loc, backups.length)],
  };
}

function locationView(loc: VeleroBsl): NonNullable<RestoreStorage['location']> {
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

/** The one check that matters most about the location, worst first. */
export function storageCheck(loc: VeleroBsl | undefined, backupCount: number): Check {
  if (!loc) {
    return { ok: false, severity: 'error', title: 'No backup storage location', reason: 'Velero is installed but has no backup storage location.', fix: 'Configure the storage the backups were written to on the Setup screen.' };
  }
  if (loc.status?.phase !== 'Available') {
    return { ok: false, severity: 'error', title: 'Storage not available', reason: `Storage location ${loc.metadata.name} is ${loc.status?.phase ?? 'not validated yet'}${loc.status?.message ? `: ${loc.status.message}` : '.'}`, fix: 'Check the bucket, prefix and credentials on the Setup screen. Velero re-checks every minute.' };
  }
  if (!loc.status?.lastSyncedTime) {
    return { ok: true, severity: 'warning', title: 'Waiting for Velero to read the backups', reason: 'Velero has not synced the backups from the storage yet (it does so about once a minute).', fix: 'Wait a minute; this refreshes by itself.' };
  }
  if (backupCount === 0) {
    return { ok: true, severity: 'warning', title: 'No backups found', reason: `Velero synced storage location ${loc.metadata.name} but found no backups in it.`, fix: 'Check that the bucket and prefix are the ones the old cluster wrote to.' };
  }
  return { ok: true, severity: 'ok', title: 'Backups visible', reason: `${backupCount} backup${backupCount === 1 ? '' : 's'} synced from ${loc.spec?.objectStorage?.bucket ?? loc.metadata.name}.` };
}
