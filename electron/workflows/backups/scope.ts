/**
 * What the backups area sees of the cluster: the Velero watch, narrowed to the Velero namespace the
 * environment detector found. Every module reads through one BackupScope instead of keeping the
 * watch, because a reconnect replaces the watch under them (BackupsService.attach).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Environment } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { DownloadKind, DownloadTarget } from '../../velero/downloadRequests.js';
import type { VeleroWatch } from '../../velero/resources.js';
import type { BackupStorageLocation, VeleroBackup } from '../../velero/types.js';
import { membersOf } from './replicated.js';

/** The part of VeleroWatch the backups area reads (tests hand in a plain object). */
export type WatchView = Pick<VeleroWatch, 'start' | 'backups' | 'locations' | 'get' | 'list' | 'count' | 'podVolumeBackupsFor' | 'synced'>;

export interface ScopeDeps {
  /** The current watch; undefined until connected (and between a disconnect and the next connect). */
  watch: () => WatchView | undefined;
  env: () => Environment | null;
  /** The connected cluster's config; throws NOT_CONNECTED without one. */
  kubeConfig: () => KubeConfig;
}

export class BackupScope {
  constructor(private readonly deps: ScopeDeps) {}

  get watch(): WatchView | undefined {
    return this.deps.watch();
  }

  env(): Environment | null {
    return this.deps.env();
  }

  veleroNs(): string | undefined {
    return this.env()?.velero.namespace;
  }

  kubeConfig(): KubeConfig {
    return this.deps.kubeConfig();
  }

  requireWatch(): WatchView {
    this.kubeConfig(); // NOT_CONNECTED first: it says more than "still connecting"
    const w = this.watch;
    if (!w) throw new LifeboatError('NOT_CONNECTED', 'Lifeboat is still connecting to the cluster.', 'Wait a moment and try again.');
    return w;
  }

  /** The Velero Backups in the Velero namespace (every namespace while none is known). */
  backups(): VeleroBackup[] {
    return this.watch?.backups(this.veleroNs()) ?? [];
  }

  find(name: string): VeleroBackup | undefined {
    return this.backups().find((b) => b.metadata.name === name);
  }

  mustFind(name: string): VeleroBackup {
    this.requireWatch();
    const b = this.find(name);
    const ns = this.veleroNs();
    if (!b)
      throw new LifeboatError(
        'BACKUP_NOT_FOUND',
        `There is no Velero backup named ${name}${ns ? ` in namespace ${ns}` : ''}.`,
        'It may have been deleted or expired; the list shows the backups that exist.',
      );
    return b;
  }

  /**
   * The Velero Backups behind a row name that is not itself a Velero Backup's (a replicated
   * backup); undefined for a plain Backup's name, so callers take their one-Backup path.
   */
  members(name: string): VeleroBackup[] | undefined {
    if (this.find(name)) return undefined;
    const members = membersOf(this.backups(), name);
    return members.length ? members : undefined;
  }

  location(name: string): BackupStorageLocation | undefined {
    return this.watch?.locations(this.veleroNs()).find((l) => l.metadata.name === name);
  }

  /** The location KOTS backs up to: the one named "default", else the one marked default. */
  defaultLocation(): BackupStorageLocation | undefined {
    const all = this.watch?.locations(this.veleroNs()) ?? [];
    return all.find((l) => l.metadata.name === 'default') ?? all.find((l) => l.spec?.default);
  }
}

/** A file Velero keeps in the store for a Backup, as a DownloadRequest names it. */
export function downloadTarget(b: VeleroBackup, kind: Extract<DownloadKind, 'BackupLog' | 'BackupResults' | 'BackupResourceList'>): DownloadTarget {
  return { veleroNamespace: b.metadata.namespace, kind, name: b.metadata.name, location: b.spec?.storageLocation };
}
