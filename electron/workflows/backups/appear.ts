/**
 * Finding the Velero Backup a "Back up now" request made, and waiting for it to show in the watch.
 */
import type { FollowedBackup } from '../../api/contract.js';
import type { VeleroBackup } from '../../velero/types.js';
import { isInstanceBackup, rowKey } from '../../kots/replicatedBackups.js';

/**
 * The Velero Backup a request created. KOTS names it: the admin console answers with the Velero
 * Backup's own name (kots pkg/kotsadmsnapshot/backup.go at v1.131.4, CreateInstanceBackup:
 * generateName "instance-"), which `kubectl kots backup -o json` prints as backupName. Only
 * without that name (Lifeboat closed while the CLI ran) is it looked for by what it carries,
 * among the Backups that were not there before, requested no earlier than this computer's clock
 * said minus a margin — a clock ahead of the cluster's would miss it, hence the name first.
 * With improved disaster recovery the name is the infra Backup's ("return veleroBackup.Name //
 * TODO(improveddr): return metadata.BackupName"), so a later KOTS answering with the
 * replicated.com/backup-name instead is matched by that label too; and such Backups carry
 * replicated.com/disaster-recovery-version instead of kots.io/instance.
 *
 * `before` holds the uid (else name) of every Backup there before the request.
 */
export function findCreated(
  backups: readonly VeleroBackup[],
  f: FollowedBackup,
  before: ReadonlySet<string>,
  kotsNs: string | undefined,
): VeleroBackup | undefined {
  if (f.kotsName) return backups.find((b) => b.metadata.name === f.kotsName) ?? backups.find((b) => rowKey(b) === f.kotsName);
  // No name from KOTS (an application backup: kots pkg/handlers/backup.go answers only success):
  // the new Backup is one that was not there before the request. Never by clock: the workstation's
  // clock may be ahead of the cluster's.
  return backups
    .filter((b) => {
      const a = b.metadata.annotations ?? {};
      if (before.has(b.metadata.uid ?? b.metadata.name)) return false;
      if (f.kind === 'full') return isInstanceBackup(b) && (!kotsNs || a['kots.io/kotsadm-deploy-namespace'] === kotsNs);
      return (
        !isInstanceBackup(b) &&
        (a['kots.io/app-id'] !== undefined || b.metadata.name.startsWith(`${f.appSlug}-`)) &&
        a['kots.io/snapshot-trigger'] !== 'schedule'
      );
    })
    .sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? ''))[0];
}

/** What `before` is made of: the identity findCreated compares. */
export function identities(backups: readonly VeleroBackup[]): Set<string> {
  return new Set(backups.map((b) => b.metadata.uid ?? b.metadata.name));
}

/**
 * Promises that settle on a watch event instead of a poll: the watch calls wake() on every change,
 * and each waiter probes again.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  wake(): void {
    for (const w of [...this.waiting]) w();
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Resolves with the probe's first defined answer, or its answer at the timeout. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const check = () => {
        const v = probe();
        if (v !== undefined) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(probe());
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiting.delete(check);
      };
      this.waiting.add(check);
      check();
    });
  }
}
