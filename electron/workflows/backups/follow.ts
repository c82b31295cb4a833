/**
 * The one backup Lifeboat follows: held here, saved to followed.json and sent as
 * `backups.followed` on every change (followed.ts has the file and the pure rules).
 *
 * Every change goes through set(), and every change made while a backup is being created is
 * applied to the CURRENT followed backup (update()), never to a copy the caller kept: the registry
 * export reports on its own while "Back up now" runs, and a copy would drop what it said.
 */
import type { BackupRegistryExport, BackupSummary, FollowedBackup } from '../../api/contract.js';
import { toErrorData } from '../../api/errors.js';
import type { VeleroBackup } from '../../velero/types.js';
import type { StateStore } from '../../stateFile.js';
import { advance, followedStore, isActive } from './followed.js';
import { rowKey } from '../../kots/replicatedBackups.js';
import type { BackupScope } from './scope.js';

export interface FollowDeps {
  dataDir: string;
  scope: BackupScope;
  /** A row over these Backups (a pair's combined summary). */
  row: (backups: readonly VeleroBackup[], key: string) => BackupSummary | undefined;
  emit: (f: FollowedBackup) => void;
}

export class Follow {
  private current: FollowedBackup | null;
  private readonly file: StateStore<FollowedBackup>;
  /** create() is between its checks and the followed backup's hand-over (or failure). */
  starting = false;

  constructor(private readonly deps: FollowDeps) {
    this.file = followedStore(deps.dataDir);
    this.current = this.file.load() ?? null;
  }

  get(): FollowedBackup | null {
    return this.current;
  }

  /** A backup is being started: here, or by a run saved as "starting" that has not been settled. */
  isStarting(): boolean {
    return this.starting || (isActive(this.current) && this.current?.state === 'starting');
  }

  set(f: FollowedBackup): void {
    this.current = f;
    this.file.save(f);
    this.deps.emit(f);
  }

  /** Changes the followed backup if it is still `id` (a new follow may have replaced it). */
  update(id: string, change: (f: FollowedBackup) => FollowedBackup): void {
    if (this.current?.id === id) this.set(change(this.current));
  }

  /** The registry export of the followed backup moved on: record it and settle the outcome. */
  registryUpdate(id: string, reg: BackupRegistryExport): void {
    this.update(id, (f) => {
      const next: FollowedBackup = { ...f, registry: reg };
      // Velero may have finished first: its outcome is only final together with the export's.
      return next.summary && (isActive(next) || next.state === 'running') ? advance(next, next.summary) : next;
    });
  }

  /**
   * KOTS's Backup was found: follow it, and take its current phase in the same step, so the
   * followed backup is never saved as "running" without the summary the watch already has.
   */
  handOver(id: string, found: VeleroBackup): void {
    this.update(id, (f) => this.observe({ ...f, state: 'running', backupName: rowKey(found), veleroNamespace: found.metadata.namespace }));
  }

  /** create() failed after the follow was saved: the followed backup says why. */
  fail(id: string, err: unknown): void {
    const e = toErrorData(err);
    this.update(id, (f) => ({
      ...f,
      state: 'failed',
      finishedAt: new Date().toISOString(),
      message: e.message,
      error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
    }));
  }

  /** Its row changed in the watch. */
  track(): void {
    const f = this.current;
    if (!f?.backupName) return;
    const next = this.observe(f);
    if (JSON.stringify(next) !== JSON.stringify(f)) this.set(next);
  }

  /**
   * After a (re)connect: pick the followed backup up again. `interrupted` says what became of a
   * registry export the previous process ran; `findCreated` looks for the Backup of a request
   * whose answer Lifeboat never read.
   */
  reattach(
    interrupted: (r: BackupRegistryExport | undefined) => BackupRegistryExport | undefined,
    findCreated: (f: FollowedBackup) => VeleroBackup | undefined,
  ): void {
    let f = this.current;
    if (!f) return;
    const reg = interrupted(f.registry);
    if (reg !== f.registry) {
      // Saved but not sent: what follows sends the settled state.
      f = { ...f, registry: reg };
      this.current = f;
      this.file.save(f);
    }
    if (f.backupName) {
      this.track();
      // Sent even unchanged: a window opened since the disconnect has not heard of it.
      if (isActive(this.current)) this.deps.emit(this.current!);
      return;
    }
    if (f.state !== 'starting' || this.starting) return;
    // Lifeboat closed while the kots command ran: look for what it created.
    const found = findCreated(f);
    if (found) this.handOver(f.id, found);
    else
      this.set({
        ...f,
        state: 'lost',
        finishedAt: new Date().toISOString(),
        message: 'Lifeboat closed while KOTS was starting the backup, and no Velero Backup from that request exists.',
      });
  }

  /**
   * f as the watch has it now: advanced by its row, lost when the row is gone (only once the watch
   * has listed everything: before that, absent means not heard of yet), else unchanged.
   */
  private observe(f: FollowedBackup): FollowedBackup {
    const watch = this.deps.scope.watch;
    const backups = watch?.backups(f.veleroNamespace ?? this.deps.scope.veleroNs()) ?? [];
    // A follow saved under a member's own Velero name (before rows were grouped) moves to its row.
    const own = backups.find((b) => b.metadata.name === f.backupName);
    if (own && rowKey(own) !== f.backupName) f = { ...f, backupName: rowKey(own) };
    const row = this.deps.row(backups, f.backupName!);
    if (row) return advance(f, row);
    if (!isActive(f) || !watch?.synced) return f;
    const pair = f.summary?.veleroBackups?.map((v) => v.name).join(' and ');
    return { ...f, state: 'lost', finishedAt: new Date().toISOString(), message: `The Velero Backup ${pair ?? f.backupName} no longer exists (deleted?).` };
  }
}
