/**
 * The backups area: one-click backups followed to the end, the live list, detail and logs,
 * deletion, hooks, and the admin console's schedule and retention. This class only composes the
 * modules that do each (below) and owns the Velero watch they all read through BackupScope.
 *
 * Data flows one way: VeleroWatch (informers over Backups, PodVolumeBackups, storage locations,
 * DeleteBackupRequests) → summaries → `backups.delta` (batched, rows.ts) and the followed backup →
 * `backups.followed` (follow.ts). Nothing here polls the cluster.
 *
 * "Back up now" (create.ts) never trusts the kots CLI's word: it finds the Velero Backup KOTS
 * created and follows THAT object; only Velero's Completed counts.
 *
 * Improved disaster recovery (Embedded Cluster): one backup is two Velero Backups under one
 * replicated.com/backup-name (replicated.ts). The list has ONE row for them, named by that label;
 * "Back up now" follows the pair; detail, log and delete take that name for both.
 */
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { BackupDetail, BackupLogPage, BackupReadiness, BackupSchedule, BackupSummary, CronCheck, FollowedBackup, HookPlan } from '../../api/contract.js';
import type { BackupRowsWire } from '../../api/backupRows.js';
import { AdminApi } from '../../kots/adminApi.js';
import { checkCron, type RetentionUnitName } from '../../kots/schedule.js';
import type { ClusterService } from '../../cluster/service.js';
import { findInCluster } from '../../cluster/connection.js';
import { kubeRest } from '../../cluster/rest.js';
import { DownloadRequests, type UrlSource } from '../../velero/downloadRequests.js';
import { BackupSizes } from '../../velero/sizes.js';
import { VeleroWatch } from '../../velero/resources.js';
import { newRegistryService } from '../registry/handlers.js';
import type { Services } from '../services.js';
import { findCreated, Waiters } from './appear.js';
import { createBackup, type CreateInput } from './create.js';
import { deleteBackup } from './delete.js';
import { backupDetail } from './detail.js';
import { Follow } from './follow.js';
import { planHooks } from './hookPlan.js';
import { BackupLogs } from './logs.js';
import { backupReadiness } from './readiness.js';
import { interruptedIfGone, startBackupRegistryExport, type BackupRegistry } from './registryExport.js';
import { BackupRows } from './rows.js';
import { readSchedule, writeRetention, writeSchedule } from './schedule.js';
import { BackupScope } from './scope.js';

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
  /** The app's RegistryService (app.ts); without one, this service makes its own on first use. */
  registry?: BackupRegistry;
}

export class BackupsService {
  /** Replaced on every (re)connect; the modules read it through `scope`, never keep it. */
  private watch?: VeleroWatch;
  private offWatch?: () => void;
  readonly admin: AdminApi;
  private readonly scope: BackupScope;
  private readonly follow: Follow;
  private readonly listing: BackupRows;
  private readonly waiters = new Waiters();
  private readonly logs: BackupLogs;
  private ownRegistry?: BackupRegistry;

  constructor(
    private readonly s: Services,
    private readonly opts: BackupsOptions = {},
  ) {
    const scope = (this.scope = new BackupScope({ watch: () => this.watch, env: () => s.detector.get(), kubeConfig: () => s.cluster.kubeConfig() }));
    this.follow = new Follow({
      dataDir: s.dataDir,
      scope,
      row: (backups, key) => this.listing.row(backups, key),
      emit: (f) => s.bus.emit('backups.followed', f),
    });
    this.admin = opts.adminApi ?? new AdminApi({ kc: () => s.cluster.kubeConfig(), namespace: () => scope.env()?.kots.namespace });
    const sizes = new BackupSizes({
      dataDir: s.dataDir,
      location: (name) => scope.location(name),
      readSecret: secretReader(s.cluster),
      backups: () => scope.backups(),
      onChange: (names) => this.listing.sizesChanged(names),
    });
    this.listing = new BackupRows({ scope, sizes, emit: (d) => s.bus.emit('backups.delta', d), deltaMs: opts.deltaMs });
    this.logs = new BackupLogs({ scope, source: () => this.source() });
    s.cluster.onConnectionChange((kc) => void this.attach(kc));
  }

  // -- lifecycle ---------------------------------------------------------------------------------

  async attach(kc: KubeConfig | undefined): Promise<void> {
    await this.stop();
    if (!kc) return;
    // Storage locations come from the environment detector's watch (one watch of them, not two).
    const w = new VeleroWatch(kc, { locations: this.s.detector.locations });
    this.watch = w;
    this.offWatch = w.on((kind, _verb, obj) => this.onChange(kind, obj));
    await w.start();
    this.listing.reset();
    this.follow.reattach(
      (r) => interruptedIfGone(() => this.registry(), r),
      (f) => findCreated(this.scope.backups(), f, new Set(), this.scope.env()?.kots.namespace),
    );
  }

  async stop(): Promise<void> {
    this.offWatch?.();
    this.listing.clear();
    const w = this.watch;
    this.watch = undefined;
    await w?.stop();
  }

  /**
   * One watch event, in this order: the list marks the row, "Back up now" waiting for its Backup
   * looks again, the followed backup takes its row's change, and the batch is sent later.
   */
  private onChange(kind: string, obj: KubernetesObject): void {
    if (!this.listing.apply(kind, obj)) return;
    this.waiters.wake();
    const followed = this.follow.get()?.backupName;
    if (followed && this.listing.touched(followed)) this.follow.track();
    this.listing.scheduleFlush();
  }

  private registry(): BackupRegistry {
    return this.opts.registry ?? (this.ownRegistry ??= newRegistryService(this.s));
  }

  private source(): UrlSource {
    const kc = this.s.cluster.kubeConfig();
    return this.opts.downloads ? this.opts.downloads(kc) : new DownloadRequests(kubeRest(kc, { journal: this.s.journal }), { kc });
  }

  // -- list / readiness --------------------------------------------------------------------------

  list(): BackupSummary[] {
    return this.listing.list();
  }

  rows(): BackupRowsWire {
    return this.listing.rows();
  }

  readiness(): BackupReadiness {
    return backupReadiness({
      scope: this.scope,
      connected: () => this.s.cluster.isConnected(),
      starting: () => this.follow.isStarting(),
      dataDir: this.s.dataDir,
    });
  }

  // -- create + follow ---------------------------------------------------------------------------

  followed(): FollowedBackup | null {
    return this.follow.get();
  }

  create(input: CreateInput): Promise<FollowedBackup> {
    return createBackup(
      {
        scope: this.scope,
        follow: this.follow,
        waiters: this.waiters,
        readiness: () => this.readiness(),
        members: (backups, key) => this.listing.members(backups, key),
        admin: this.admin,
        tools: this.s.tools,
        startExport: (dest, onUpdate) => startBackupRegistryExport({ bus: this.s.bus, registry: this.registry() }, dest, onUpdate),
        appearMs: this.opts.appearMs,
        cliMs: this.opts.cliMs,
        now: this.opts.now,
      },
      input,
    );
  }

  // -- detail / logs -----------------------------------------------------------------------------

  /** Every line (waits for the whole download). */
  logLines(name: string): Promise<string[]> {
    return this.logs.lines(name);
  }

  log(name: string, offset: number, limit: number): Promise<BackupLogPage> {
    return this.logs.page(name, offset, limit);
  }

  detail(name: string): Promise<BackupDetail> {
    return backupDetail(
      {
        scope: this.scope,
        summary: (b) => this.listing.summary(b),
        row: (backups, key) => this.listing.row(backups, key),
        logLines: (n) => this.logLines(n),
        source: () => this.source(),
      },
      name,
    );
  }

  // -- delete, hooks, schedule / retention -------------------------------------------------------

  delete(name: string, confirm: string): Promise<{ requested: boolean; request: string }> {
    return deleteBackup({ scope: this.scope, api: () => kubeRest(this.s.cluster.kubeConfig()), journal: this.s.journal }, name, confirm);
  }

  hooks(): Promise<HookPlan> {
    return planHooks(this.scope);
  }

  checkCron(schedule: string): CronCheck {
    return checkCron(schedule);
  }

  schedule(): Promise<BackupSchedule> {
    return readSchedule(this.scheduleDeps());
  }

  setSchedule(autoEnabled: boolean, schedule: string): Promise<BackupSchedule> {
    return writeSchedule(this.scheduleDeps(), autoEnabled, schedule);
  }

  setRetention(value: number, unit: RetentionUnitName): Promise<BackupSchedule> {
    return writeRetention(this.scheduleDeps(), value, unit);
  }

  private scheduleDeps() {
    return { admin: this.admin, backups: () => this.scope.backups() };
  }
}

/** Main process only: the store's credentials are used for the size listing and never leave it. */
function secretReader(cluster: ClusterService): (namespace: string, name: string) => Promise<Record<string, string> | undefined> {
  return async (namespace, name) => {
    const kc = cluster.kubeConfig();
    const secret = await findInCluster(kc, { verb: 'get', resource: 'secrets', namespace }, () =>
      kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name }),
    );
    return secret?.data ? Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) : undefined;
  };
}
