/**
 * The live Backups list: one summary per Velero Backup, a replicated backup's pair as one row
 * (replicated.ts), newest first, and the changes sent as `backups.delta` in batches.
 *
 * Summaries are made once per change of their Backup (or its PodVolumeBackups, or its size), each
 * validated against the contract when made; the sorted list is kept until something changes. The
 * watch is warm from the moment Lifeboat connects, so `backups.list` answers from memory.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { checkedBackupSummary, type BackupSummary } from '../../api/contract.js';
import { encodeBackupRows, type BackupRowsWire } from '../../api/backupRows.js';
import { summarizeBackup } from '../../velero/resources.js';
import { labelValue, type BackupStorageLocation, type PodVolumeBackup, type VeleroBackup } from '../../velero/types.js';
import type { BackupSizes } from '../../velero/sizes.js';
import { rowKey } from '../../kots/replicatedBackups.js';
import { BackupRowIndex } from './replicated.js';
import type { BackupScope } from './scope.js';

export interface BackupsDelta {
  upserted: BackupSummary[];
  removed: string[];
  reset?: boolean;
}

export interface RowsDeps {
  scope: BackupScope;
  sizes: Pick<BackupSizes, 'info' | 'locationChanged'>;
  emit: (delta: BackupsDelta) => void;
  /** Batch window of the deltas (default 15 ms). */
  deltaMs?: number;
}

export class BackupRows {
  private summaries = new Map<string, { rv: string | undefined; s: BackupSummary }>();
  private sorted?: { ns: string | undefined; list: BackupSummary[]; rows?: BackupRowsWire };
  /** Row names (rowKey), not Velero Backup names: a pair changes as one row. */
  private dirty = new Set<string>();
  private removed = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private readonly index = new BackupRowIndex((b) => this.summary(b), checkedBackupSummary);

  constructor(private readonly deps: RowsDeps) {}

  summary(b: VeleroBackup): BackupSummary {
    const key = `${b.metadata.namespace}/${b.metadata.name}`;
    const hit = this.summaries.get(key);
    if (hit && hit.rv === b.metadata.resourceVersion) return hit.s;
    const pvbs = this.pvbs(b);
    const size = this.deps.sizes.info(b, pvbs.length > 0);
    const s = checkedBackupSummary({ ...summarizeBackup(b, pvbs, size.bytes), ...(size.note ? { sizeNote: size.note } : {}) });
    this.summaries.set(key, { rv: b.metadata.resourceVersion, s });
    return s;
  }

  /** The row `key` over these Backups (a pair's combined summary), if any of them belongs to it. */
  row(backups: readonly VeleroBackup[], key: string): BackupSummary | undefined {
    return this.index.row(backups, key);
  }

  members(backups: readonly VeleroBackup[], key: string): VeleroBackup[] {
    return this.index.members(backups, key);
  }

  list(): BackupSummary[] {
    const ns = this.deps.scope.veleroNs();
    const watched = !!this.deps.scope.watch;
    if (this.sorted && this.sorted.ns === ns && watched) return this.sorted.list;
    // Keys compared with < / > (ISO timestamps and names sort correctly that way; no localeCompare).
    const list = this.index.rows(this.deps.scope.backups()).sort((a, b) => {
      const x = a.createdAt ?? '';
      const y = b.createdAt ?? '';
      return x < y ? 1 : x > y ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    if (watched) this.sorted = { ns, list };
    return list;
  }

  /** The list in its compact wire form, encoded once while nothing changes. */
  rows(): BackupRowsWire {
    const list = this.list();
    if (this.sorted?.list === list) return (this.sorted.rows ??= encodeBackupRows(list));
    return encodeBackupRows(list);
  }

  /**
   * A watch event. True when it may have changed a row (a Backup in scope, or a PodVolumeBackup):
   * the caller then lets waiters and the followed backup look before the batch goes out.
   */
  apply(kind: string, obj: KubernetesObject): boolean {
    const meta = obj.metadata ?? {};
    if (kind === 'backups') {
      const ns = this.deps.scope.veleroNs();
      if (ns && meta.namespace !== ns) return false;
      const b = obj as VeleroBackup;
      this.invalidate(meta.namespace, b.metadata.name);
      const stillThere = this.deps.scope.watch?.get('backups', meta.namespace ?? '', meta.name ?? '');
      // A replicated backup's row outlives one of its Backups: flush() decides upsert or removal.
      (stillThere ? this.dirty : this.removed).add(rowKey(b));
      return true;
    }
    if (kind === 'podvolumebackups') {
      const label = meta.labels?.['velero.io/backup-name'];
      const b = label ? this.deps.scope.backups().find((x) => labelValue(x.metadata.name) === label) : undefined;
      if (b) {
        this.invalidate(b.metadata.namespace, b.metadata.name);
        this.dirty.add(rowKey(b));
      }
      return true;
    }
    if (kind === 'backupstoragelocations') this.deps.sizes.locationChanged(obj as BackupStorageLocation);
    return false;
  }

  /** Whether row `key` changed since the last batch went out. */
  touched(key: string): boolean {
    return this.dirty.has(key) || this.removed.has(key);
  }

  /** Sizes come from the store, apart from the watch: the rows they change go out like any other. */
  sizesChanged(names: string[] | 'all'): void {
    const ns = this.deps.scope.veleroNs();
    if (names === 'all') {
      this.summaries.clear();
      this.sorted = undefined;
      for (const b of this.deps.scope.backups()) this.dirty.add(rowKey(b));
    } else {
      for (const n of names) {
        this.invalidate(ns, n);
        const b = this.deps.scope.find(n);
        this.dirty.add(b ? rowKey(b) : n);
      }
    }
    this.scheduleFlush();
  }

  scheduleFlush(): void {
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.deps.deltaMs ?? 15);
  }

  /** The whole list, replacing what the window has (after a connect). */
  reset(): void {
    this.cancelFlush();
    this.dirty.clear();
    this.removed.clear();
    this.deps.emit({ upserted: this.list(), removed: [], reset: true });
  }

  /** Forgets every summary (the watch behind them is going away). */
  clear(): void {
    this.summaries.clear();
    this.index.clear();
    this.sorted = undefined;
    // The handle is left set on purpose: until attach's reset(), events of the new watch's first
    // listing wait for the reset list instead of going out as deltas.
    clearTimeout(this.flushTimer);
  }

  private flush(): void {
    this.cancelFlush();
    const upserted: BackupSummary[] = [];
    const removed: string[] = [];
    const all = this.deps.scope.backups();
    for (const key of new Set([...this.dirty, ...this.removed])) {
      const row = this.index.row(all, key);
      if (row) upserted.push(row);
      else if (this.removed.has(key)) removed.push(key);
    }
    this.dirty.clear();
    this.removed.clear();
    if (upserted.length || removed.length) this.deps.emit({ upserted, removed });
  }

  private cancelFlush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private pvbs(b: VeleroBackup): PodVolumeBackup[] {
    const w = this.deps.scope.watch;
    // Most clusters have none: skip the scan.
    return w && w.count('podvolumebackups') > 0 ? w.podVolumeBackupsFor(b.metadata.namespace, b.metadata.name) : [];
  }

  /** Forget a backup's summary (its object, volumes or size changed). */
  private invalidate(namespace: string | undefined, name: string): void {
    this.summaries.delete(`${namespace ?? ''}/${name}`);
    this.sorted = undefined;
  }
}
