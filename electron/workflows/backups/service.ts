/**
 * The backups area: one-click backups followed to the end, the live list, detail and logs,
 * deletion, hooks, and the admin console's schedule and retention.
 *
 * Data flows one way: VeleroWatch (informers over Backups, PodVolumeBackups, storage locations,
 * DeleteBackupRequests) → summaries → `backups.delta` (batched) and the followed backup →
 * `backups.followed`. Nothing here polls the cluster.
 *
 * "Back up now" never trusts the kots CLI's word: it runs `kubectl kots backup --wait=false -o
 * json`, treats an error in the JSON as failure whatever the exit code, then finds the Velero Backup
 * KOTS created (kots.io/instance, kots.io/kotsadm-deploy-namespace, kots.io/snapshot-requested not
 * before the request, not there before) and follows THAT object; only Velero's Completed counts.
 *
 * Improved disaster recovery (Embedded Cluster): one backup is two Velero Backups under one
 * replicated.com/backup-name (replicated.ts). The list has ONE row for them, named by that label;
 * "Back up now" follows the pair; detail, log and delete take that name for both.
 */
import { randomUUID } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { checkedBackupSummary, type BackupRegistryExport, type BackupDetail, type BackupHook, type BackupLogPage, type BackupReadiness, type BackupSchedule, type BackupSummary, type Check, type CronCheck, type Environment, type FollowedBackup, type HookPlan } from '../../api/contract.js';
import { encodeBackupRows, type BackupRowsWire } from '../../api/backupRows.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { AdminApi } from '../../kots/adminApi.js';
import { backupArgs, backupFailure, parseBackupOutput } from '../../kots/cli.js';
import { checkCron, previousRun, retentionToDuration, retentionWords, type RetentionUnitName } from '../../kots/schedule.js';
import { createInterface } from 'node:readline';
import { DownloadRequests, downloadText, openDownload, type UrlSource } from '../../velero/downloads.js';
import { BackupSizes } from '../../velero/sizes.js';
import { journalClusterWrites } from '../../cluster/rest.js';
import {
  isRunningBackup,
  isTerminalBackup,
  labelValue,
  requestBackupDeletion,
  selectorText,
  summarizeBackup,
  VeleroWatch,
  type BackupHookSpec,
  type BackupStorageLocation,
  type PodVolumeBackup,
  type VeleroBackup,
} from '../../velero/resources.js';
import type { Services } from '../services.js';
import { advance, isActive, loadFollowed, saveFollowed } from './followed.js';
import { exportDir, interruptedIfGone, registryExportOffer, startBackupRegistryExport } from './registryExport.js';
import { resolve } from 'node:path';
import { lastInstanceBackupSpec, parseHookOutcomes, podAnnotationHooks, specHooks, type PodLike } from './hooks.js';
import { BackupRowIndex, combineLogs, expectedCount, isInstanceBackup, memberType, mergeDetails, rowKey } from './replicated.js';

export interface BackupsOptions {
  /** How long to wait for the Velero Backup KOTS creates to appear (default 60 s). */
  appearMs?: number;
  /** Timeout of the kots command (default 2 min). */
  cliMs?: number;
  /** Batch window of `backups.delta` (default 15 ms). */
  deltaMs?: number;
  adminApi?: AdminApi;
  downloads?: (kc: KubeConfig) => UrlSource;
  /** This computer's clock (tests set one that runs ahead of the cluster's). */
  now?: () => number;
}

interface CachedLog {
  key: string;
  lines: string[];
  complete: boolean;
  error?: unknown;
  /** Resolves when more lines arrived (or the download ended). */
  more: () => Promise<void>;
}

export class BackupsService {
  private watch?: VeleroWatch;
  private kc?: KubeConfig;
  private offWatch?: () => void;
  private current: FollowedBackup | null;
  private dirty = new Set<string>();
  private removed = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private logs: CachedLog[] = [];
  private waiters = new Set<() => void>();
  private starting = false;
  /**
   * Summaries made once per change of their Backup (or its PodVolumeBackups, or its size), each
   * validated against the contract when made; the newest-first list is kept until something changes.
   * The watch is warm from the moment Lifeboat connects, so `backups.list` answers from memory.
   */
  private summaries = new Map<string, { rv: string | undefined; s: BackupSummary }>();
  private sorted?: { ns: string | undefined; list: BackupSummary[]; rows?: BackupRowsWire };
  private readonly sizes: BackupSizes;
  /** Rows of the list: `dirty` and `removed` hold row names (rowKey), not Velero Backup names. */
  private readonly rowIndex = new BackupRowIndex((b) => this.summary(b), checkedBackupSummary);
  readonly admin: AdminApi;

  constructor(
    private readonly s: Services,
    private readonly opts: BackupsOptions = {},
  ) {
    this.current = loadFollowed(s.dataDir);
    this.admin =
      opts.adminApi ??
      new AdminApi({
        kc: () => s.cluster.kubeConfig(),
        namespace: () => this.env()?.kots.namespace,
      });
    this.sizes = new BackupSizes({
      dataDir: s.dataDir,
      location: (name) => this.watch?.locations(this.veleroNs()).find((l) => l.metadata.name === name),
      // Main process only: the credentials are used for the listing and never leave it.
      readSecret: async (namespace, name) => {
        const secret = await this.s.cluster.kubeConfig().makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name }).catch((e: unknown) => {
          if ((e as { code?: number }).code === 404) return undefined;
          throw e;
        });
        return secret?.data ? Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) : undefined;
      },
      backups: () => this.backupsInScope(),
      onChange: (names) => this.sizesChanged(names),
    });
    s.cluster.onConnectionChange((kc) => void this.attach(kc));
  }

  private sizesChanged(names: string[] | 'all'): void {
    const ns = this.veleroNs();
    if (names === 'all') {
      this.summaries.clear();
      this.sorted = undefined;
      for (const b of this.backupsInScope()) this.dirty.add(rowKey(b));
    } else {
      for (const n of names) {
        this.invalidate(ns, n);
        const b = this.findBackup(n);
        this.dirty.add(b ? rowKey(b) : n);
      }
    }
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.emitDelta(false), this.opts.deltaMs ?? 15);
  }

  // -- lifecycle ---------------------------------------------------------------------------------

  async attach(kc: KubeConfig | undefined): Promise<void> {
    await this.stop();
    if (!kc) return;
    this.kc = kc;
    const w = new VeleroWatch(kc);
    this.watch = w;
    this.offWatch = w.on((kind, _verb, obj) => this.onChange(kind, obj));
    await w.start();
    this.emitDelta(true);
    this.reattach();
  }

  async stop(): Promise<void> {
    this.offWatch?.();
    this.summaries.clear();
    this.rowIndex.clear();
    this.sorted = undefined;
    clearTimeout(this.flushTimer);
    const w = this.watch;
    this.watch = undefined;
    await w?.stop();
  }

  private env(): Environment | null {
    return this.s.detector.get();
  }

  private veleroNs(): string | undefined {
    return this.env()?.velero.namespace;
  }

  private requireWatch(): VeleroWatch {
    this.s.cluster.kubeConfig(); // NOT_CONNECTED
    if (!this.watch) throw new LifeboatError('NOT_CONNECTED', 'Lifeboat is still connecting to the cluster.', 'Wait a moment and try again.');
    return this.watch;
  }

  private backupsInScope(): VeleroBackup[] {
    const ns = this.veleroNs();
    return this.watch?.backups(ns) ?? [];
  }

  private summary(b: VeleroBackup): BackupSummary {
    const key = `${b.metadata.namespace}/${b.metadata.name}`;
    const hit = this.summaries.get(key);
    if (hit && hit.rv === b.metadata.resourceVersion) return hit.s;
    const pvbs = this.pvbs(b);
    const size = this.sizes.info(b, pvbs.length > 0);
    const s = checkedBackupSummary({ ...summarizeBackup(b, pvbs, size.bytes), ...(size.note ? { sizeNote: size.note } : {}) });
    this.summaries.set(key, { rv: b.metadata.resourceVersion, s });
    return s;
  }

  private pvbs(b: VeleroBackup): PodVolumeBackup[] {
    // Most clusters have none: skip the scan.
    return this.watch && this.watch.count('podvolumebackups') > 0 ? this.watch.podVolumeBackupsFor(b.metadata.namespace, b.metadata.name) : [];
  }

  /** Forget a backup's summary (its object, volumes or size changed). */
  private invalidate(namespace: string | undefined, name: string): void {
    this.summaries.delete(`${namespace ?? ''}/${name}`);
    this.sorted = undefined;
  }

  private findBackup(name: string): VeleroBackup | undefined {
    return this.backupsInScope().find((b) => b.metadata.name === name);
  }

  /** The Velero Backups behind a row name that is not itself a Velero Backup's (a replicated backup). */
  private groupMembers(name: string): VeleroBackup[] | undefined {
    if (this.findBackup(name)) return undefined;
    const members = this.rowIndex.members(this.backupsInScope(), name);
    return members.length ? members : undefined;
  }

  // -- watch → events ----------------------------------------------------------------------------

  private onChange(kind: string, obj: KubernetesObject): void {
    const meta = obj.metadata ?? {};
    if (kind === 'backups') {
      const ns = this.veleroNs();
      if (ns && meta.namespace !== ns) return;
      const b = obj as VeleroBackup;
      this.invalidate(meta.namespace, b.metadata.name);
      const stillThere = this.watch?.get('backups', meta.namespace ?? '', meta.name ?? '');
      // A replicated backup's row outlives one of its Backups: emitDelta decides upsert or removal.
      (stillThere ? this.dirty : this.removed).add(rowKey(b));
    } else if (kind === 'podvolumebackups') {
      const label = meta.labels?.['velero.io/backup-name'];
      if (label) {
        const b = this.backupsInScope().find((x) => labelValue(x.metadata.name) === label);
        if (b) {
          this.invalidate(b.metadata.namespace, b.metadata.name);
          this.dirty.add(rowKey(b));
        }
      }
    } else if (kind === 'backupstoragelocations') {
      this.sizes.locationChanged(obj as BackupStorageLocation);
      return;
    } else {
      return;
    }
    for (const w of [...this.waiters]) w();
    if (this.current?.backupName && (this.dirty.has(this.current.backupName) || this.removed.has(this.current.backupName))) this.updateFollowed();
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.emitDelta(false), this.opts.deltaMs ?? 15);
  }

  private emitDelta(reset: boolean): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (reset) {
      this.dirty.clear();
      this.removed.clear();
      this.s.bus.emit('backups.delta', { upserted: this.list(), removed: [], reset: true });
      return;
    }
    const upserted: BackupSummary[] = [];
    const removed: string[] = [];
    const all = this.backupsInScope();
    for (const key of new Set([...this.dirty, ...this.removed])) {
      const row = this.rowIndex.row(all, key);
      if (row) upserted.push(row);
      else if (this.removed.has(key)) removed.push(key);
    }
    this.dirty.clear();
    this.removed.clear();
    if (upserted.length || removed.length) this.s.bus.emit('backups.delta', { upserted, removed });
  }

  // -- list / readiness --------------------------------------------------------------------------

  list(): BackupSummary[] {
    const ns = this.veleroNs();
    if (this.sorted && this.sorted.ns === ns && this.watch) return this.sorted.list;
    // Keys compared with < / > (ISO timestamps and names sort correctly that way; no localeCompare).
    const list = this.rowIndex
      .rows(this.backupsInScope())
      .sort((a, b) => {
        const x = a.createdAt ?? '';
        const y = b.createdAt ?? '';
        return x < y ? 1 : x > y ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
    if (this.watch) this.sorted = { ns, list };
    return list;
  }

  /** The list in its compact wire form, encoded once while nothing changes. */
  rows(): BackupRowsWire {
    const list = this.list();
    if (this.sorted?.list === list) return (this.sorted.rows ??= encodeBackupRows(list));
    return encodeBackupRows(list);
  }

  private defaultLocation(): BackupStorageLocation | undefined {
    const ns = this.veleroNs();
    const all = this.watch?.locations(ns) ?? [];
    return all.find((l) => l.metadata.name === 'default') ?? all.find((l) => l.spec?.default);
  }

  readiness(): BackupReadiness {
    const env = this.env();
    const checks: Check[] = [];
    const add = (ok: boolean, title: string, reason?: string, fix?: string, severity: Check['severity'] = ok ? 'ok' : 'error') => checks.push({ ok, severity, title, ...(reason ? { reason } : {}), ...(fix ? { fix } : {}) });
    if (!this.s.cluster.isConnected()) {
      add(false, 'Not connected to a cluster', 'Lifeboat needs a cluster connection to back it up.', 'Connect on the Overview screen.');
      return { ok: false, checks, partialAllowed: false, apps: [] };
    }
    if (!env) add(false, 'Environment not detected yet', 'Lifeboat is still reading what is installed.', 'Wait a moment, or press "Detect again" on the Overview.');
    const kots = env?.kots;
    if (env && !kots?.found) add(false, 'No KOTS admin console found', 'A KOTS backup needs the admin console (kotsadm) in the cluster.', 'Connect to the cluster where the application is installed.');
    else if (kots?.found) add(true, `KOTS admin console in namespace ${kots.namespace}`);
    const v = env?.velero;
    if (env && !v?.installed) add(false, 'Velero is not installed', 'KOTS backs up through Velero, and Lifeboat found no Velero Deployment in this cluster.', 'Install Velero on the Setup screen, then come back.');
    else if (v?.installed && !v.ready) add(false, 'Velero is not running', `The Velero Deployment in namespace ${v.namespace} has no available pod, so a backup would never start.`, `Check \`kubectl -n ${v.namespace} get pods\` (scaled to 0? image not pulled?) and bring Velero back, then try again.`);
    else if (v?.installed) add(true, `Velero ${v.version ?? ''} is running`.replace('  ', ' '));
    if (v?.installed) {
      const bsl = this.defaultLocation();
      const envBsl = v.storageLocations.find((l) => l.name === 'default') ?? v.storageLocations.find((l) => l.isDefault);
      const phase = bsl?.status?.phase ?? envBsl?.phase;
      const message = bsl?.status?.message ?? envBsl?.message;
      if (!bsl && !envBsl) add(false, 'No backup storage location', 'KOTS backs up to the storage location named "default", and there is none.', 'Configure a storage destination on the Setup screen.');
      else if (phase !== 'Available') add(false, `Storage location "${bsl?.metadata.name ?? envBsl?.name}" is ${phase ?? 'not yet validated'}`, `Velero would refuse the backup (FailedValidation)${message ? `: ${message}` : '.'}`, 'Check the bucket, endpoint and credentials on the Setup screen; Velero re-validates it every minute.');
      else add(true, `Storage location "${bsl?.metadata.name ?? envBsl?.name}" is Available`);
      const running = this.backupsInScope().filter(isRunningBackup);
      // A warning, not a block: KOTS itself starts a manual backup whatever is running (kots
      // pkg/handlers/backup.go CreateInstanceBackup at v1.131.4 has no such check; only its
      // scheduler skips a run then, pkg/snapshotscheduler/snapshotscheduler.go).
      if (running.length) add(true, 'Another backup is in progress', `${running.map((b) => `${b.metadata.name} (${b.status?.phase || 'New'})`).join(', ')} is still running. KOTS will start a new backup anyway; it may wait in Velero's queue until this one has finished.`, 'You can back up now, or wait for it to finish (its progress is in the Backups list).', 'warning');
    }
    if (this.starting || (isActive(this.current) && this.current?.state === 'starting')) add(false, 'A backup is being started', 'Lifeboat is already starting a backup.', 'Wait for it to appear in the list.');
    const flavour = env?.flavour;
    const registryExport = registryExportOffer(env, this.s.dataDir);
    const partialAllowed = !!kots?.found && flavour !== 'embedded-cluster' && (kots?.apps.length ?? 0) > 0;
    return {
      ok: checks.every((c) => c.ok || c.severity !== 'error'),
      checks,
      partialAllowed,
      ...(partialAllowed ? {} : { partialReason: flavour === 'embedded-cluster' ? 'Embedded Cluster installs take full backups only.' : 'No application found to back up on its own.' }),
      apps: kots?.apps.map((a) => a.slug) ?? [],
      registryExport,
    };
  }

  // -- create + follow ---------------------------------------------------------------------------

  followed(): FollowedBackup | null {
    return this.current;
  }

  private setFollowed(f: FollowedBackup): void {
    this.current = f;
    saveFollowed(this.s.dataDir, f);
    this.s.bus.emit('backups.followed', f);
  }

  /** f with the registry export's latest state (it reports on its own while create() runs). */
  private latest(f: FollowedBackup): FollowedBackup {
    return this.current?.id === f.id && this.current.registry ? { ...f, registry: this.current.registry } : f;
  }

  /** The registry export of the followed backup moved on: record it and settle the outcome. */
  private registryUpdate(id: string, reg: BackupRegistryExport): void {
    const f = this.current;
    if (!f || f.id !== id) return;
    const next: FollowedBackup = { ...f, registry: reg };
    // Velero may have finished first: its outcome is only final together with the export's.
    const settled = next.summary && (isActive(next) || next.state === 'running') ? advance(next, next.summary) : next;
    this.setFollowed(settled);
  }

  private updateFollowed(): void {
    let f = this.current;
    if (!f?.backupName) return;
    const backups = this.watch?.backups(f.veleroNamespace ?? this.veleroNs()) ?? [];
    // The row followed: a replicated backup's pair, or one Backup. A follow saved under a member's
    // own Velero name (before rows were grouped) moves to its row.
    const own = backups.find((b) => b.metadata.name === f!.backupName);
    if (own && rowKey(own) !== f.backupName) f = { ...f, backupName: rowKey(own) };
    const row = this.rowIndex.row(backups, f.backupName!);
    if (!row) {
      const pair = f.summary?.veleroBackups?.map((v) => v.name).join(' and ');
      if (isActive(f) && this.watch?.synced) this.setFollowed({ ...f, state: 'lost', finishedAt: new Date().toISOString(), message: `The Velero Backup ${pair ?? f.backupName} no longer exists (deleted?).` });
      return;
    }
    const next = advance(f, row);
    if (JSON.stringify(next) !== JSON.stringify(this.current)) this.setFollowed(next);
  }

  /** After a (re)connect: pick the followed backup up again. */
  private reattach(): void {
    let f = this.current;
    if (!f) return;
    const reg = interruptedIfGone(this.s, f.registry);
    if (reg !== f.registry) {
      f = { ...f, registry: reg };
      this.current = f;
      saveFollowed(this.s.dataDir, f);
    }
    if (f.backupName) {
      this.updateFollowed();
      if (isActive(this.current)) this.s.bus.emit('backups.followed', this.current!);
      return;
    }
    if (f.state === 'starting' && !this.starting) {
      // Lifeboat closed while the kots command ran: look for what it created.
      const found = this.findCreated(f, new Set());
      if (found) this.setFollowed({ ...f, state: 'running', backupName: rowKey(found), veleroNamespace: found.metadata.namespace });
      else this.setFollowed({ ...f, state: 'lost', finishedAt: new Date().toISOString(), message: 'Lifeboat closed while KOTS was starting the backup, and no Velero Backup from that request exists.' });
      this.updateFollowed();
    }
  }

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
   */
  private findCreated(f: FollowedBackup, before: Set<string>): VeleroBackup | undefined {
    const kotsNs = this.env()?.kots.namespace;
    if (f.kotsName) return this.backupsInScope().find((b) => b.metadata.name === f.kotsName) ?? this.backupsInScope().find((b) => rowKey(b) === f.kotsName);
    // No name from KOTS (an application backup: kots pkg/handlers/backup.go answers only success):
    // the new Backup is one that was not there before the request. Never by clock: the workstation's
    // clock may be ahead of the cluster's.
    return this.backupsInScope()
      .filter((b) => {
        const a = b.metadata.annotations ?? {};
        if (before.has(b.metadata.uid ?? b.metadata.name)) return false;
        if (f.kind === 'full') return isInstanceBackup(b) && (!kotsNs || a['kots.io/kotsadm-deploy-namespace'] === kotsNs);
        return !isInstanceBackup(b) && (a['kots.io/app-id'] !== undefined || b.metadata.name.startsWith(`${f.appSlug}-`)) && a['kots.io/snapshot-trigger'] !== 'schedule';
      })
      .sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? ''))[0];
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
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
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async create(input: { kind: 'full' | 'partial'; appSlug?: string; exportRegistry?: boolean; registryDest?: string }): Promise<FollowedBackup> {
    const w = this.requireWatch();
    await w.start();
    if (this.starting) throw new LifeboatError('BACKUP_IN_PROGRESS', 'Lifeboat is already starting a backup.', 'Wait for it to appear in the list.');
    const r = this.readiness();
    const blocking = r.checks.filter((c) => !c.ok && c.severity === 'error');
    if (blocking.length) {
      const first = blocking[0]!;
      throw new LifeboatError(first.title === 'Another backup is in progress' ? 'BACKUP_IN_PROGRESS' : 'VELERO_NOT_READY', `${first.title}: ${first.reason ?? ''}`.trim(), first.fix, { checks: blocking });
    }
    const env = this.env()!;
    const kotsNs = env.kots.namespace!;
    if (input.kind === 'partial') {
      if (!r.partialAllowed) throw new LifeboatError('BAD_INPUT', `A partial backup is not possible here: ${r.partialReason}`, 'Take a full backup instead.');
      if (!input.appSlug || !r.apps.includes(input.appSlug)) throw new LifeboatError('BAD_INPUT', `"${input.appSlug ?? ''}" is not an installed application.`, `Choose one of: ${r.apps.join(', ')}.`);
    }
    const withRegistry = input.kind === 'full' && !!r.registryExport?.offered && input.exportRegistry !== false;
    if (input.exportRegistry && input.kind === 'full' && !r.registryExport?.offered) throw new LifeboatError('BAD_INPUT', `The registry cannot be exported here: ${r.registryExport?.reason ?? ''}`, 'Take the backup without the registry export.');
    this.starting = true;
    const before = new Set(this.backupsInScope().map((b) => b.metadata.uid ?? b.metadata.name));
    const requestedAt = new Date(this.opts.now?.() ?? Date.now()).toISOString();
    let f: FollowedBackup = { id: randomUUID(), kind: input.kind, ...(input.appSlug && input.kind === 'partial' ? { appSlug: input.appSlug } : {}), state: 'starting', requestedAt, timeline: [] };
    let exportRun: Awaited<ReturnType<typeof startBackupRegistryExport>> | undefined;
    if (withRegistry) {
      // The export starts first: if the registry or the destination is not usable, nothing starts.
      const dest = exportDir(resolve(input.registryDest ?? r.registryExport!.defaultDest!), requestedAt);
      try {
        exportRun = await startBackupRegistryExport(this.s, dest, (reg) => this.registryUpdate(f.id, reg));
      } finally {
        if (!exportRun) this.starting = false;
      }
      f = { ...f, registry: exportRun.state };
    }
    this.setFollowed((f = this.latest(f)));
    try {
      if (input.kind === 'full') {
        let stdout: string;
        const handle = await this.s.tools.start('kubectl-kots', backupArgs(kotsNs), { timeoutMs: this.opts.cliMs ?? 120_000, summary: `Full backup (instance) of the admin console in ${kotsNs}` });
        f = { ...f, runId: handle.runId };
        this.setFollowed((f = this.latest(f)));
        stdout = (await handle.done).stdout;
        const out = parseBackupOutput(stdout);
        if (!out.success) throw backupFailure(out, kotsNs);
        if (out.backupName) f = { ...f, kotsName: out.backupName };
      } else {
        await this.admin.createAppBackup(input.appSlug!);
      }
      this.setFollowed((f = this.latest(f)));
      // Improved disaster recovery: KOTS creates the infra Backup, then the app one; wait for both
      // (replicated.com/backup-count). If the second never comes the pair is followed anyway and
      // its row says Failed and why.
      const complete = (b: VeleroBackup | undefined) => (b && this.rowIndex.members(this.backupsInScope(), rowKey(b)).length >= expectedCount(b) ? b : undefined);
      const found = (await this.waitFor(() => complete(this.findCreated(f, before)), this.opts.appearMs ?? 60_000)) ?? this.findCreated(f, before);
      if (!found) {
        throw new LifeboatError(
          'BACKUP_FAILED',
          `KOTS said it started the backup${f.kotsName ? ` (${f.kotsName})` : ''}, but no new Velero Backup appeared within ${Math.round((this.opts.appearMs ?? 60_000) / 1000)} s.`,
          'Nothing Lifeboat can verify was backed up. Check the admin console logs and the Velero namespace, then try again.',
        );
      }
      f = { ...f, ...(this.current?.id === f.id && this.current.registry ? { registry: this.current.registry } : {}), state: 'running', backupName: rowKey(found), veleroNamespace: found.metadata.namespace };
      this.setFollowed((f = this.latest(f)));
      this.updateFollowed();
      return this.current!;
    } catch (err) {
      const e = toErrorData(err);
      // No Velero backup: the registry export alone is not a backup; stop it.
      await exportRun?.cancel().catch(() => {});
      const registry = this.current?.id === f.id ? this.current.registry : f.registry;
      this.setFollowed({ ...f, ...(registry ? { registry } : {}), state: 'failed', finishedAt: new Date().toISOString(), message: e.message, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
      throw err;
    } finally {
      this.starting = false;
    }
  }

  // -- detail / logs -----------------------------------------------------------------------------

  private mustFind(name: string): VeleroBackup {
    this.requireWatch();
    const b = this.findBackup(name);
    if (!b) throw new LifeboatError('BACKUP_NOT_FOUND', `There is no Velero backup named ${name}${this.veleroNs() ? ` in namespace ${this.veleroNs()}` : ''}.`, 'It may have been deleted or expired; the list shows the backups that exist.');
    return b;
  }

  private source(): UrlSource {
    const kc = this.s.cluster.kubeConfig();
    return this.opts.downloads ? this.opts.downloads(kc) : new DownloadRequests(kc);
  }

  private target(b: VeleroBackup, kind: 'BackupLog' | 'BackupResults' | 'BackupResourceList') {
    return { veleroNamespace: b.metadata.namespace, kind, name: b.metadata.name, location: b.spec?.storageLocation };
  }

  /** The log as it streams in: the first lines can be shown before the whole file is read. */
  private async openLog(name: string): Promise<CachedLog> {
    const b = this.mustFind(name);
    if (!isTerminalBackup(b.status?.phase) && b.status?.phase !== 'Deleting') {
      throw new LifeboatError('BACKUP_IN_PROGRESS', `The log of ${name} is not available yet: Velero uploads it when the backup finishes (it is ${b.status?.phase || 'New'}).`, 'Follow the progress here; open the log once it has finished.');
    }
    const key = `${b.metadata.namespace}/${name}/${b.metadata.uid ?? ''}`;
    const hit = this.logs.find((l) => l.key === key && !l.error);
    if (hit) return hit;
    const stream = await openDownload(this.source(), this.target(b, 'BackupLog'));
    let wake: () => void = () => {};
    let next = new Promise<void>((r) => (wake = r));
    const log: CachedLog = { key, lines: [], complete: false, more: () => next };
    const bump = () => {
      const w = wake;
      next = new Promise<void>((r) => (wake = r));
      w();
    };
    const rl = createInterface({ input: stream!, crlfDelay: Infinity });
    let pending = 0;
    rl.on('line', (l) => {
      log.lines.push(l);
      if (++pending >= 2000) {
        pending = 0;
        bump();
      }
    });
    rl.on('close', () => {
      log.complete = true;
      bump();
    });
    stream!.on('error', (err) => {
      log.error = new LifeboatError('STORAGE_UNREACHABLE', `The backup log of ${name} could not be read to the end: ${(err as Error).message}.`, 'The file in the store may be damaged or the connection dropped. Try again.');
      log.complete = true;
      bump();
    });
    this.logs = [log, ...this.logs.filter((l) => l.key !== key)].slice(0, 3);
    return log;
  }

  /** Every line (waits for the whole download). */
  async logLines(name: string): Promise<string[]> {
    const log = await this.openLog(name);
    while (!log.complete) await log.more();
    if (log.error) throw log.error;
    return log.lines;
  }

  async log(name: string, offset: number, limit: number): Promise<BackupLogPage> {
    const members = this.groupMembers(name);
    if (members) {
      // A replicated backup: its Velero Backups' logs one after the other, each under its name.
      const lines = combineLogs(await Promise.all(members.map(async (m) => ({ name: m.metadata.name, type: memberType(m), lines: await this.logLines(m.metadata.name) }))));
      return { name, total: lines.length, complete: true, offset, lines: lines.slice(offset, offset + limit) };
    }
    const log = await this.openLog(name);
    while (!log.complete && log.lines.length < offset + limit) await log.more();
    if (log.error && log.lines.length <= offset) throw log.error;
    return { name, total: log.lines.length, complete: log.complete, offset, lines: log.lines.slice(offset, offset + limit) };
  }

  async detail(name: string): Promise<BackupDetail> {
    const members = this.groupMembers(name);
    if (members) {
      const parts = await Promise.all(members.map(async (m) => ({ name: m.metadata.name, type: memberType(m), detail: await this.detail(m.metadata.name) })));
      return mergeDetails(this.rowIndex.row(members, name)!, parts);
    }
    const b = this.mustFind(name);
    const summary = this.summary(b);
    const notes: string[] = [];
    const noteOf = (what: string, err: unknown) => {
      const e = toErrorData(err);
      notes.push(`${what}: ${e.message}${e.hint ? ` ${e.hint}` : ''}`);
    };
    const results: BackupDetail['results'] = [];
    const resources: Record<string, string[]> = {};
    let hooks: BackupDetail['hooks'] = [];
    const terminal = isTerminalBackup(b.status?.phase);
    if (!terminal) notes.push('Results, the resource list and hook outcomes are available once the backup has finished.');
    else if (b.status?.phase === 'FailedValidation') notes.push('Velero refused this backup before it started, so it has no log, results or resource list.');
    else {
      const src = this.source();
      const tasks: Array<Promise<void>> = [];
      if ((b.status?.errors ?? 0) > 0 || (b.status?.warnings ?? 0) > 0) {
        tasks.push(
          downloadText(src, this.target(b, 'BackupResults'), { optional: true })
            .then((t) => {
              if (!t) return void notes.push('The store has no results file for this backup.');
              const parsed = JSON.parse(t) as Record<'errors' | 'warnings', { velero?: unknown[]; cluster?: unknown[]; namespaces?: Record<string, unknown[]> } | undefined>;
              for (const kind of ['errors', 'warnings'] as const) {
                const r = parsed[kind];
                const k = kind === 'errors' ? 'error' : 'warning';
                const str = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));
                for (const m of r?.velero ?? []) results.push({ kind: k, scope: 'Velero', message: str(m) });
                for (const m of r?.cluster ?? []) results.push({ kind: k, scope: 'cluster', message: str(m) });
                for (const [ns, ms] of Object.entries(r?.namespaces ?? {})) for (const m of ms ?? []) results.push({ kind: k, scope: `namespace ${ns}`, message: str(m) });
              }
            })
            .catch((e) => noteOf('Results', e)),
        );
      }
      tasks.push(
        downloadText(src, this.target(b, 'BackupResourceList'), { optional: true })
          .then((t) => {
            if (!t) return void notes.push('The store has no resource list for this backup.');
            for (const [kind, items] of Object.entries(JSON.parse(t) as Record<string, string[]>)) resources[kind] = items;
          })
          .catch((e) => noteOf('Resource list', e)),
      );
      // Hook outcomes: when Velero counted hook runs, or errors (a hook failure is one, and a status
      // written around an API server restart may lack the hook counts).
      if ((b.status?.hookStatus?.hooksAttempted ?? 0) > 0 || (b.status?.errors ?? 0) > 0) {
        tasks.push(
          this.logLines(name)
            .then((lines) => void (hooks = parseHookOutcomes(lines)))
            .catch((e) => noteOf('Hook outcomes (from the log)', e)),
        );
      }
      await Promise.all(tasks);
    }
    const spec = b.spec ?? {};
    const pvbs: PodVolumeBackup[] = this.watch?.podVolumeBackupsFor(b.metadata.namespace, name) ?? [];
    return {
      summary,
      spec: {
        includedNamespaces: spec.includedNamespaces ?? ['*'],
        excludedNamespaces: spec.excludedNamespaces ?? [],
        ...(spec.includeClusterResources !== undefined ? { includeClusterResources: spec.includeClusterResources } : {}),
        ...(selectorText(spec.labelSelector) ? { labelSelector: selectorText(spec.labelSelector) } : {}),
        orLabelSelectors: (spec.orLabelSelectors ?? []).map((s) => selectorText(s) ?? '').filter(Boolean),
        ...(spec.ttl ? { ttl: spec.ttl } : {}),
        ...(spec.storageLocation ? { storageLocation: spec.storageLocation } : {}),
        ...(spec.defaultVolumesToFsBackup !== undefined ? { defaultVolumesToFsBackup: spec.defaultVolumesToFsBackup } : {}),
        hookResources: spec.hooks?.resources?.length ?? 0,
      },
      annotations: b.metadata.annotations ?? {},
      podVolumeBackups: pvbs.map((p) => ({
        name: p.metadata.name,
        pod: `${p.spec?.pod?.namespace ?? ''}/${p.spec?.pod?.name ?? ''}`,
        volume: p.spec?.volume ?? '',
        phase: p.status?.phase ?? 'New',
        bytesDone: p.status?.progress?.bytesDone ?? 0,
        totalBytes: p.status?.progress?.totalBytes ?? 0,
        ...(p.status?.message ? { message: p.status.message } : {}),
      })),
      results,
      resources,
      hooks,
      notes,
    };
  }

  // -- delete ------------------------------------------------------------------------------------

  private beingDeleted(b: VeleroBackup): boolean {
    const name = b.metadata.name;
    return !!b.metadata.deletionTimestamp || (this.watch?.list<KubernetesObject & { spec?: { backupName?: string }; status?: { phase?: string } }>('deletebackuprequests', b.metadata.namespace) ?? []).some((d) => d.spec?.backupName === name && d.status?.phase !== 'Processed');
  }

  /** A replicated backup's name deletes all its Velero Backups (kots pkg/kotsadmsnapshot/backup.go at v1.131.4, DeleteBackup). */
  async delete(name: string, confirm: string): Promise<{ requested: boolean; request: string }> {
    if (confirm !== name) throw new LifeboatError('CONFIRMATION_MISMATCH', 'The name typed does not match the backup.', `Type ${name} exactly to delete it.`);
    const targets = this.groupMembers(name) ?? [this.mustFind(name)];
    const todo = targets.filter((b) => !this.beingDeleted(b));
    if (!todo.length) return { requested: false, request: 'already being deleted' };
    const busy = targets.find(isRunningBackup);
    if (busy) {
      const which = busy.metadata.name === name ? name : `${name} (its Velero Backup ${busy.metadata.name})`;
      throw new LifeboatError('BACKUP_IN_PROGRESS', `${which} is still ${busy.status?.phase || 'New'}: Lifeboat does not delete a backup while Velero is writing it.`, 'Wait until it has finished (the list shows its progress), then delete it.');
    }
    const api = this.s.cluster.kubeConfig().makeApiClient(CustomObjectsApi);
    const requests: string[] = [];
    // Lifeboat's own change to the cluster goes into the operation journal (Activity), like the tools' runs.
    const journal = journalClusterWrites(this.s.journal);
    for (const b of todo) {
      const startedAt = new Date().toISOString();
      const path = `/apis/velero.io/v1/namespaces/${b.metadata.namespace}/deletebackuprequests (backup ${b.metadata.name})`;
      try {
        requests.push(await requestBackupDeletion(api, b));
        journal({ method: 'POST', path, startedAt, durationMs: Date.now() - Date.parse(startedAt), status: 201 });
      } catch (err) {
        const status = (err as { code?: unknown }).code;
        journal({ method: 'POST', path, startedAt, durationMs: Date.now() - Date.parse(startedAt), status: typeof status === 'number' ? status : undefined, error: (err as Error).message?.split('\n')[0] });
        throw err;
      }
    }
    return { requested: true, request: requests.join(', ') };
  }

  // -- hooks -------------------------------------------------------------------------------------

  async hooks(): Promise<HookPlan> {
    const kc = this.s.cluster.kubeConfig();
    const env = this.env();
    const kotsNs = env?.kots.namespace;
    if (!kotsNs) throw new LifeboatError('VELERO_NOT_READY', 'No KOTS admin console found, so there is no KOTS backup to plan.', 'Connect to the cluster where the application is installed.');
    const core = kc.makeApiClient(CoreV1Api);
    const notes: string[] = [];
    const namespaces = new Set<string>([kotsNs, ...(env?.kots.apps ?? []).map((a) => a.namespace).filter((n): n is string => !!n)]);
    // Vendor hooks: as KOTS merged them into the last full backup (hooks.ts lastInstanceBackupSpec);
    // the vendor Backup itself is inside kotsadm's release, which the cluster API does not expose.
    const last = lastInstanceBackupSpec(this.backupsInScope());
    if (last) {
      for (const n of last.namespaces) namespaces.add(n);
      notes.push(`Vendor hooks are those KOTS put into the last full backup, ${last.backup}; a release deployed since may have changed them.`);
    } else {
      notes.push('Vendor hooks show once KOTS has made a full backup (KOTS copies them into it from the release inside the admin console). Pod annotation hooks are listed now.');
    }
    const pods: PodLike[] = [];
    for (const ns of namespaces) {
      try {
        const list = await core.listNamespacedPod({ namespace: ns });
        // Full backups select kots.io/backup=velero (Embedded Cluster: replicated.com/disaster-recovery).
        pods.push(...list.items.filter((p) => p.metadata?.labels?.['kots.io/backup'] === 'velero' || p.metadata?.labels?.['replicated.com/disaster-recovery'] !== undefined) as PodLike[]);
      } catch (e) {
        notes.push(`Pods in ${ns} could not be listed: ${(e as Error).message?.split('\n')[0]}.`);
      }
    }
    const hooks: BackupHook[] = [];
    for (const p of pods) hooks.push(...podAnnotationHooks(p));
    if (last) hooks.push(...specHooks(last.resources, pods, `vendor hooks, as in backup ${last.backup}`));
    if (!hooks.length) notes.push('No backup hooks will run: no pod in the backed-up namespaces has hook annotations, and no vendor spec defines any.');
    return { hooks, namespaces: [...namespaces].sort(), notes };
  }

  // -- schedule / retention ----------------------------------------------------------------------

  checkCron(schedule: string): CronCheck {
    return checkCron(schedule);
  }

  async schedule(): Promise<BackupSchedule> {
    const { config, source } = await this.admin.snapshotConfig();
    const sched = config.autoSchedule?.schedule ?? '';
    const cron = checkCron(sched);
    const scheduled = this.backupsInScope()
      .filter((b) => b.metadata.annotations?.['kots.io/snapshot-trigger'] === 'schedule')
      .sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? ''))[0];
    const out: BackupSchedule = {
      source,
      autoEnabled: config.autoEnabled,
      schedule: sched,
      cron,
      retention: { value: config.ttl.inputValue, unit: config.ttl.inputTimeUnit, converted: config.ttl.converted, words: retentionWords(config.ttl.inputValue, config.ttl.inputTimeUnit, config.ttl.converted) },
      ...(scheduled ? { lastScheduled: { name: scheduled.metadata.name, phase: scheduled.status?.phase || 'New', ...(scheduled.status?.startTimestamp ? { startedAt: scheduled.status.startTimestamp } : {}) } } : {}),
    };
    if (config.autoEnabled && cron.ok) {
      const prev = previousRun(sched);
      if (prev) {
        out.lastExpectedRun = prev;
        // The admin console's scheduler looks every 60 s; allow it two rounds.
        if (Date.now() - Date.parse(prev) > 3 * 60_000) {
          const at = Date.parse(scheduled?.metadata.annotations?.['kots.io/snapshot-requested'] ?? scheduled?.metadata.creationTimestamp ?? '');
          out.ranAsExpected = !!scheduled && at >= Date.parse(prev) - 60_000;
          if (!out.ranAsExpected) out.note = `No scheduled backup was made for ${prev}. If the schedule was set after that time this is expected; otherwise the admin console may have postponed it (another backup in progress) or could not reach Velero.`;
        }
      }
    } else if (!config.autoEnabled) out.note = 'Scheduled backups are off: only backups taken by hand are made.';
    return out;
  }

  async setSchedule(autoEnabled: boolean, schedule: string): Promise<BackupSchedule> {
    const cron = checkCron(schedule);
    if (autoEnabled && !cron.ok) throw new LifeboatError('INVALID_SCHEDULE', `"${schedule}" is not a schedule KOTS accepts: ${cron.reason}`, cron.fix);
    await this.admin.putSchedule(schedule.trim(), autoEnabled);
    const now = await this.schedule();
    if (now.autoEnabled !== autoEnabled || (autoEnabled && now.schedule !== schedule.trim())) {
      throw new LifeboatError('TOOL_FAILED', `The admin console accepted the schedule but now reports ${now.autoEnabled ? `"${now.schedule}"` : 'scheduling off'}.`, 'Check the admin console\'s Snapshots page.');
    }
    return now;
  }

  async setRetention(value: number, unit: RetentionUnitName): Promise<BackupSchedule> {
    const expected = retentionToDuration(value, unit);
    await this.admin.putRetention(String(value), unit);
    const now = await this.schedule();
    if (now.retention.converted !== expected) {
      throw new LifeboatError('TOOL_FAILED', `The admin console accepted the retention but now reports ${now.retention.converted} instead of ${expected}.`, "Check the admin console's Snapshots page.");
    }
    return now;
  }
}
