/**
 * The followed backup, persisted in <dataDir>/backups/followed.json BEFORE each step it describes
 * (so a restart re-attaches to a backup still running), and the pure rules for advancing it from
 * the Velero Backup's phase.
 */
import { join } from 'node:path';
import { FollowedBackup, type BackupSummary } from '../../api/contract.js';
import { bySchema, StateStore } from '../../stateFile.js';

export function followedFile(dataDir: string): string {
  return join(dataDir, 'backups', 'followed.json');
}

// A torn or foreign file is moved aside and reported (stateFile.ts): the Backups list still shows
// every Velero Backup, only the "followed" panel starts empty.
export function followedStore(dataDir: string): StateStore<FollowedBackup> {
  return new StateStore({
    file: followedFile(dataDir),
    accept: bySchema(FollowedBackup),
    consequence: 'no backup is followed; every backup is still in the Backups list',
  });
}

export function loadFollowed(dataDir: string): FollowedBackup | null {
  return followedStore(dataDir).load() ?? null;
}

export function saveFollowed(dataDir: string, f: FollowedBackup): void {
  followedStore(dataDir).save(f);
}

export const isActive = (f: FollowedBackup | null | undefined): boolean => !!f && (f.state === 'starting' || f.state === 'running');

/** Applies the latest summary: timeline, and the outcome once Velero's phase is final. */
export function advance(f: FollowedBackup, s: BackupSummary, now = new Date()): FollowedBackup {
  const next: FollowedBackup = { ...f, summary: s, timeline: [...f.timeline] };
  const last = next.timeline[next.timeline.length - 1];
  if (!last || last.phase !== s.phase) next.timeline.push({ phase: s.phase, at: now.toISOString() });
  if (!isActive(f)) return next;
  const finish = (state: FollowedBackup['state'], message: string) => Object.assign(next, { state, message, finishedAt: s.completedAt ?? now.toISOString() });
  switch (s.phase) {
    case 'Completed': {
      const velero = `Velero completed the backup${s.itemsBackedUp !== undefined ? ` (${s.itemsBackedUp} items)` : ''}${s.warnings ? ` with ${s.warnings} warning(s)` : ''}`;
      const r = f.registry;
      if (s.errors > 0) finish('attention', `Velero marked the backup Completed but counted ${s.errors} error(s); read its results.`);
      else if (!r) finish('succeeded', `${velero}.`);
      else if (r.state === 'pending' || r.state === 'running') {
        next.state = 'running';
        next.message = `${velero}; the registry export is still running.`;
      } else if (r.state === 'succeeded' && r.verified)
        finish('succeeded', `${velero}, and the registry export (${r.tags ?? 0} tags) was verified: complete with registry.`);
      else
        finish(
          'attention',
          `${velero}, but the registry export ${r.state === 'succeeded' ? 'could not be verified' : r.state}${r.error ? `: ${r.error.message}` : ''}. This backup is NOT complete with registry: restoring it onto a rebuilt cluster needs the images from another export.`,
        );
      break;
    }
    case 'PartiallyFailed':
      finish('attention', `Velero finished the backup, but ${s.errors} item(s) failed: it may not restore everything. Read the results and the log.`);
      break;
    case 'Failed':
      finish('failed', failedMessage(s.failureReason));
      break;
    case 'FailedValidation':
      finish(
        'failed',
        `Velero refused the backup${s.validationErrors?.length ? `: ${s.validationErrors.join('; ')}` : ''}. Check the storage location under Setup.`,
      );
      break;
    case 'Deleting':
      finish('failed', 'The backup is being deleted.');
      break;
    default:
      next.state = 'running';
  }
  return next;
}

/**
 * Velero's Failed, in words that point where the cause is. Two failures leave no log in the store,
 * so "read the log" would send the operator to a file that does not exist: a Velero server that
 * restarted mid-backup (it marks every InProgress backup Failed when it starts, velero
 * pkg/cmd/server/server.go markInProgressBackupsFailed), and a backup it could not write to the
 * storage (the log is uploaded with it, pkg/persistence/object_store.go PutBackup).
 */
export function failedMessage(reason: string | undefined): string {
  const velero = `Velero failed the backup${reason ? `: ${reason}` : ''}.`;
  if (reason && /during the server starting/.test(reason)) {
    return `${velero} The Velero server restarted while this backup ran, so Velero gave it up: nothing of it can be restored and it has no log. Take a new backup.`;
  }
  if (reason && /error (putting|uploading|persisting)|object storage|PutObject/i.test(reason)) {
    return `${velero} Velero could not write the backup to its storage, so nothing of it can be restored and its log is not in the store. Check the storage location (Overview, Setup), then take a new backup.`;
  }
  return `${velero} Read the log for the cause.`;
}
