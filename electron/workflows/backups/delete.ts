/**
 * Deleting a backup the way `velero backup delete` does: a DeleteBackupRequest per Velero Backup,
 * which Velero carries out (objects in the store, then the Backup). Typed confirmation, never while
 * Velero is still writing it, and each request recorded in the operation journal (Activity).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { LifeboatError } from '../../api/errors.js';
import { statusOf } from '../../cluster/connection.js';
import { journalClusterWrites } from '../../cluster/rest.js';
import type { Journal } from '../../journal.js';
import { requestBackupDeletion, type VeleroWriteApi } from '../../velero/resources.js';
import { isRunningBackup, type VeleroBackup } from '../../velero/types.js';
import type { BackupScope } from './scope.js';

export interface DeleteDeps {
  scope: BackupScope;
  /** The cluster layer's client the requests are created with (made once the checks have passed). */
  api: () => VeleroWriteApi;
  journal: Journal;
}

type DeleteRequest = KubernetesObject & { spec?: { backupName?: string }; status?: { phase?: string } };

/** A replicated backup's name deletes all its Velero Backups (kots pkg/kotsadmsnapshot/backup.go at v1.131.4, DeleteBackup). */
export async function deleteBackup(deps: DeleteDeps, name: string, confirm: string): Promise<{ requested: boolean; request: string }> {
  if (confirm !== name) throw new LifeboatError('CONFIRMATION_MISMATCH', 'The name typed does not match the backup.', `Type ${name} exactly to delete it.`);
  const targets = deps.scope.members(name) ?? [deps.scope.mustFind(name)];
  const todo = targets.filter((b) => !beingDeleted(deps.scope, b));
  if (!todo.length) return { requested: false, request: 'already being deleted' };
  const busy = targets.find(isRunningBackup);
  if (busy) {
    const which = busy.metadata.name === name ? name : `${name} (its Velero Backup ${busy.metadata.name})`;
    throw new LifeboatError(
      'BACKUP_IN_PROGRESS',
      `${which} is still ${busy.status?.phase || 'New'}: Lifeboat does not delete a backup while Velero is writing it.`,
      'Wait until it has finished (the list shows its progress), then delete it.',
    );
  }
  const api = deps.api();
  const requests: string[] = [];
  // Lifeboat's own change to the cluster goes into the operation journal (Activity), like the tools' runs.
  const journal = journalClusterWrites(deps.journal);
  for (const b of todo) {
    const startedAt = new Date().toISOString();
    const path = `/apis/velero.io/v1/namespaces/${b.metadata.namespace}/deletebackuprequests (backup ${b.metadata.name})`;
    try {
      requests.push(await requestBackupDeletion(api, b));
      journal({ method: 'POST', path, startedAt, durationMs: Date.now() - Date.parse(startedAt), status: 201 });
    } catch (err) {
      journal({
        method: 'POST',
        path,
        startedAt,
        durationMs: Date.now() - Date.parse(startedAt),
        status: statusOf(err),
        error: (err as Error).message?.split('\n')[0],
      });
      throw err;
    }
  }
  return { requested: true, request: requests.join(', ') };
}

/** Velero is on it already: the Backup is terminating, or a request for it is not yet processed. */
function beingDeleted(scope: BackupScope, b: VeleroBackup): boolean {
  if (b.metadata.deletionTimestamp) return true;
  const requests = scope.watch?.list<DeleteRequest>('deletebackuprequests', b.metadata.namespace) ?? [];
  return requests.some((d) => d.spec?.backupName === b.metadata.name && d.status?.phase !== 'Processed');
}
