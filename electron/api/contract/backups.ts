/** Contract area "backups": one-click backups, list, progress, logs, delete, schedules. */
import { z } from 'zod';
import { isBackupRowsWire, type BackupRowsWire } from '../backupRows.js';
import { AppVersion, Check, empty, ErrorData, LocalPath, method, VeleroBackupName, VeleroBackupPart } from './shared.js';

/** full: a KOTS instance backup (disaster recovery); partial: a legacy app-only backup; other: not made by KOTS. */
export const BackupType = z.enum(['full', 'partial', 'other']);
export type BackupType = z.infer<typeof BackupType>;

export const BackupVolumes = z.object({
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  bytesDone: z.number(),
  totalBytes: z.number(),
});
export type BackupVolumes = z.infer<typeof BackupVolumes>;

/** One Velero Backup as the list shows it (from the watched object and its PodVolumeBackups). */
export const BackupSummary = z.object({
  name: z.string(),
  namespace: z.string(),
  uid: z.string().optional(),
  type: BackupType,
  /** Velero phase; "Deleting" while a DeleteBackupRequest is being processed. */
  phase: z.string(),
  /** kots.io/snapshot-trigger: manual or schedule (absent for backups KOTS did not make). */
  trigger: z.string().optional(),
  requestedAt: z.string().optional(),
  createdAt: z.string().optional(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  storageLocation: z.string().optional(),
  apps: z.array(AppVersion),
  itemsBackedUp: z.number().optional(),
  totalItems: z.number().optional(),
  errors: z.number().int(),
  warnings: z.number().int(),
  hooksAttempted: z.number().int().optional(),
  hooksFailed: z.number().int().optional(),
  volumes: BackupVolumes,
  failureReason: z.string().optional(),
  validationErrors: z.array(z.string()).optional(),
  /** Bytes in the storage location, when Lifeboat could read it. */
  sizeBytes: z.number().optional(),
  /** Why the size is not known ("—" in the list, this as its tooltip). */
  sizeNote: z.string().optional(),
  /**
   * Improved disaster recovery (Embedded Cluster): KOTS makes one backup as several Velero Backups
   * sharing label replicated.com/backup-name; the row is named by that label and lists them here
   * (replicated.com/backup-type infra / app, each with its own phase, log and detail). Absent when
   * the backup is one Velero Backup.
   */
  veleroBackups: z.array(VeleroBackupPart).optional(),
  /** How many Velero Backups KOTS made for it (replicated.com/backup-count); fewer existing = Failed. */
  expectedBackups: z.number().int().optional(),
});
export type BackupSummary = z.infer<typeof BackupSummary>;

/**
 * Summaries the main process validated once, when it made them (they are immutable after that).
 * A list of thousands then costs one set lookup per row instead of re-checking every field of
 * every row on every call; anything not made through checkedBackupSummary is checked in full.
 */
const checkedSummaries = new WeakSet<object>();
export function checkedBackupSummary(s: BackupSummary): BackupSummary {
  BackupSummary.parse(s);
  checkedSummaries.add(Object.freeze(s));
  return s;
}
/** `backups.rows`: the same list, compact on the wire (electron/api/backupRows.ts). */
export const BackupRows = z.custom<BackupRowsWire>((v) => isBackupRowsWire(v), { message: 'not the compact backup list' });
export const BackupSummaryList = z.array(
  z.custom<BackupSummary>((v) => typeof v === 'object' && v !== null && (checkedSummaries.has(v) || BackupSummary.safeParse(v).success), {
    message: 'not a BackupSummary',
  }),
);

/**
 * The embedded registry's export that a full backup on kURL / Embedded Cluster also makes (a
 * registry job, origin "backup"): where it goes, its live progress, and how it ended.
 */
export const BackupRegistryExport = z.object({
  state: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  /** The OCI layout directory written on this machine. */
  dest: z.string(),
  jobId: z.string().optional(),
  registry: z.string().optional(),
  phase: z.string().optional(),
  bytesDone: z.number().optional(),
  bytesTotal: z.number().optional(),
  blobsDone: z.number().optional(),
  blobsTotal: z.number().optional(),
  tags: z.number().int().optional(),
  bytes: z.number().optional(),
  /** Every blob's digest checked and the layout's index.json read back. */
  verified: z.boolean().optional(),
  finishedAt: z.string().optional(),
  error: ErrorData.optional(),
});
export type BackupRegistryExport = z.infer<typeof BackupRegistryExport>;

/** A backup Lifeboat started and follows to its end (persisted: it re-attaches after a restart). */
export const FollowedBackup = z.object({
  id: z.string(),
  kind: z.enum(['full', 'partial']),
  appSlug: z.string().optional(),
  /** starting: the kots command runs; running: the Velero Backup is being followed. */
  state: z.enum(['starting', 'running', 'succeeded', 'attention', 'failed', 'lost']),
  requestedAt: z.string(),
  finishedAt: z.string().optional(),
  /** KOTS's own name for it (what `kubectl kots backup` prints; not the Velero object's). */
  kotsName: z.string().optional(),
  /** The Velero Backup object being followed (improved disaster recovery: the list row's name, replicated.com/backup-name, and all its Velero Backups are followed). */
  backupName: z.string().optional(),
  veleroNamespace: z.string().optional(),
  runId: z.string().optional(),
  /** Each phase the Backup went through, with when Lifeboat saw it. */
  timeline: z.array(z.object({ phase: z.string(), at: z.string() })),
  summary: BackupSummary.optional(),
  /** kURL / Embedded Cluster: the registry export made with it ("complete with registry" needs both). */
  registry: BackupRegistryExport.optional(),
  message: z.string().optional(),
  error: ErrorData.optional(),
});
export type FollowedBackup = z.infer<typeof FollowedBackup>;

/** May a backup start now? Each check with reason and fix. */
export const BackupReadiness = z.object({
  ok: z.boolean(),
  checks: z.array(Check),
  /** Partial (app-only) backups: offered where KOTS allows them (not Embedded Cluster). */
  partialAllowed: z.boolean(),
  partialReason: z.string().optional(),
  apps: z.array(z.string()),
  /** kURL / Embedded Cluster: a full backup can also export the cluster's registry (ticked by default). */
  registryExport: z.object({ offered: z.boolean(), reason: z.string().optional(), defaultDest: z.string().optional() }).optional(),
});
export type BackupReadiness = z.infer<typeof BackupReadiness>;

export const BackupHook = z.object({
  phase: z.enum(['pre', 'post']),
  /** pod-annotation or vendor-spec (the application's velero.io/v1 Backup). */
  source: z.enum(['pod-annotation', 'vendor-spec']),
  /** Where the vendor spec was read from, or the pod the annotation is on. */
  origin: z.string(),
  namespace: z.string().optional(),
  pod: z.string().optional(),
  name: z.string().optional(),
  container: z.string().optional(),
  command: z.array(z.string()),
  onError: z.string(),
  timeout: z.string(),
});
export type BackupHook = z.infer<typeof BackupHook>;

export const HookPlan = z.object({ hooks: z.array(BackupHook), namespaces: z.array(z.string()), notes: z.array(z.string()) });
export type HookPlan = z.infer<typeof HookPlan>;

export const HookOutcome = z.object({
  namespace: z.string().optional(),
  pod: z.string().optional(),
  container: z.string().optional(),
  name: z.string().optional(),
  phase: z.string().optional(),
  command: z.string().optional(),
  startedAt: z.string().optional(),
  ok: z.boolean(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  error: z.string().optional(),
});
export type HookOutcome = z.infer<typeof HookOutcome>;

export const BackupResultEntry = z.object({ kind: z.enum(['error', 'warning']), scope: z.string(), message: z.string() });

export const BackupDetail = z.object({
  summary: BackupSummary,
  spec: z.object({
    includedNamespaces: z.array(z.string()),
    excludedNamespaces: z.array(z.string()),
    includeClusterResources: z.boolean().optional(),
    labelSelector: z.string().optional(),
    orLabelSelectors: z.array(z.string()),
    ttl: z.string().optional(),
    storageLocation: z.string().optional(),
    defaultVolumesToFsBackup: z.boolean().optional(),
    hookResources: z.number().int(),
  }),
  annotations: z.record(z.string(), z.string()),
  podVolumeBackups: z.array(
    z.object({
      name: z.string(),
      pod: z.string(),
      volume: z.string(),
      phase: z.string(),
      bytesDone: z.number(),
      totalBytes: z.number(),
      message: z.string().optional(),
    }),
  ),
  /** From BackupResults (only read when the backup reported errors or warnings). */
  results: z.array(BackupResultEntry),
  /** From BackupResourceList: resource kind → "namespace/name" entries. */
  resources: z.record(z.string(), z.array(z.string())),
  /** Hook outcomes parsed from the backup log (finished backups). */
  hooks: z.array(HookOutcome),
  /** Things Lifeboat could not read, and why. */
  notes: z.array(z.string()),
});
export type BackupDetail = z.infer<typeof BackupDetail>;

/** `total` is the lines read so far until `complete` (the log streams in while it downloads). */
export const BackupLogPage = z.object({
  name: z.string(),
  total: z.number().int(),
  complete: z.boolean(),
  offset: z.number().int(),
  lines: z.array(z.string()),
});
export type BackupLogPage = z.infer<typeof BackupLogPage>;

export const RetentionUnit = z.enum(['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'years']);
export const CronCheck = z.object({
  ok: z.boolean(),
  reason: z.string().optional(),
  fix: z.string().optional(),
  /** The schedule in words ("every Monday at 00:00"). */
  words: z.string().optional(),
  /** The next runs (ISO, admin console's local time = UTC). */
  nextRuns: z.array(z.string()),
});
export type CronCheck = z.infer<typeof CronCheck>;

export const BackupSchedule = z.object({
  /** Where the settings were read: the admin console API address Lifeboat used. */
  source: z.string(),
  autoEnabled: z.boolean(),
  schedule: z.string(),
  cron: CronCheck,
  retention: z.object({ value: z.string(), unit: z.string(), converted: z.string(), words: z.string() }),
  /** The newest backup with trigger=schedule, and whether the last scheduled time produced one. */
  lastScheduled: z.object({ name: z.string(), phase: z.string(), startedAt: z.string().optional() }).optional(),
  lastExpectedRun: z.string().optional(),
  ranAsExpected: z.boolean().optional(),
  note: z.string().optional(),
});
export type BackupSchedule = z.infer<typeof BackupSchedule>;

export const backupsMethods = {
  /** Every Velero Backup, newest first (kept current by `backups.delta`). */
  'backups.list': method(empty, BackupSummaryList),
  /** The same list in its compact wire form (what the window loads: thousands of rows, fast). */
  'backups.rows': method(empty, BackupRows),
  /** Whether a backup may start now (Velero running, storage Available, none in progress). */
  'backups.readiness': method(empty, BackupReadiness),
  /**
   * Start a backup: full (instance) through `kubectl kots backup`, or partial (legacy, one app)
   * through the admin console API. Refused (VELERO_NOT_READY / BACKUP_IN_PROGRESS) before anything
   * starts; resolves once the Velero Backup is found; progress arrives as `backups.followed`.
   */
  'backups.create': method(
    z
      .object({
        kind: z.enum(['full', 'partial']).default('full'),
        appSlug: z.string().min(1).max(253).optional(),
        /** Full backups on kURL / Embedded Cluster: also export the registry (default: yes where offered). */
        exportRegistry: z.boolean().optional(),
        /** Where the registry export goes on this machine (default: under Lifeboat's data directory). */
        registryDest: LocalPath.optional(),
      })
      .strict(),
    FollowedBackup,
  ),
  /** The backup Lifeboat follows (or followed last), re-attached after a restart. */
  'backups.followed': method(empty, FollowedBackup.nullable()),
  'backups.detail': method(z.object({ name: VeleroBackupName }).strict(), BackupDetail),
  /** The backup log (DownloadRequest, gunzipped), a page of lines at a time. */
  'backups.log': method(
    z.object({ name: VeleroBackupName, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(250_000).default(5000) }).strict(),
    BackupLogPage,
  ),
  /** Delete through a DeleteBackupRequest; `confirm` must equal the name. Refused while InProgress. */
  'backups.delete': method(
    z.object({ name: VeleroBackupName, confirm: z.string().max(253) }).strict(),
    z.object({ requested: z.boolean(), request: z.string() }),
  ),
  /** Pre/post hooks a full backup would run now, and where each was read. */
  'backups.hooks': method(empty, HookPlan),
  'backups.schedule': method(empty, BackupSchedule),
  'backups.checkCron': method(z.object({ schedule: z.string().max(200) }).strict(), CronCheck),
  'backups.setSchedule': method(z.object({ autoEnabled: z.boolean(), schedule: z.string().max(200) }).strict(), BackupSchedule),
  'backups.setRetention': method(z.object({ value: z.number().int().min(1).max(100_000), unit: RetentionUnit }).strict(), BackupSchedule),
} as const;

export const backupsEvents = {
  /** Backups added/changed (`upserted`) or gone (`removed`); `reset` replaces the whole list. */
  'backups.delta': z.object({ upserted: z.array(BackupSummary), removed: z.array(z.string()), reset: z.boolean().optional() }),
  /** The followed backup changed (phase, progress, outcome). */
  'backups.followed': FollowedBackup,
} as const;
