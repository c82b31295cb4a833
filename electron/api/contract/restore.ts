/** Contract area "restore": the disaster-recovery restore wizard. */
import { z } from 'zod';
import { AppVersion, Check, ConfirmInput, empty, ErrorData, LocalPath, method, VeleroBackupName, VeleroBackupPart } from './shared.js';

export const RestoreType = z.enum(['full', 'app', 'admin-console']);
export type RestoreType = z.infer<typeof RestoreType>;
export const RestoreSituation = z.enum(['same-cluster', 'new-cluster']);
export type RestoreSituation = z.infer<typeof RestoreSituation>;
/** The wizard's ordered steps; the current one is persisted before it runs. */
export const RestoreStep = z.enum(['situation', 'backup', 'type', 'registry', 'confirm', 'run', 'verify', 'report']);
export type RestoreStep = z.infer<typeof RestoreStep>;

/** A Velero Backup as the wizard shows it, with Lifeboat's own verdict on restoring it here. */
export const RestoreBackup = z.object({
  name: z.string(),
  phase: z.string().optional(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  storageLocation: z.string().optional(),
  /** KOTS version from the kots.io/kotsadm-image annotation. */
  kotsVersion: z.string().optional(),
  kotsadmNamespace: z.string().optional(),
  apps: z.array(AppVersion),
  airgap: z.boolean().optional(),
  embeddedCluster: z.boolean(),
  instance: z.boolean(),
  trigger: z.string().optional(),
  itemsBackedUp: z.number().optional(),
  errors: z.number(),
  warnings: z.number(),
  restorable: z.boolean(),
  /** Every check that did not pass (errors block, warnings do not), each with its fix. */
  checks: z.array(Check),
  /**
   * The Velero Backups of an improved-disaster-recovery backup (listed as one, under its
   * replicated.com/backup-name), infra first; absent for a backup that is one Velero Backup.
   */
  veleroBackups: z.array(VeleroBackupPart).optional(),
});
export type RestoreBackup = z.infer<typeof RestoreBackup>;

/** Where the backups live and whether this cluster can see them (the situation step). */
export const RestoreStorage = z.object({
  veleroInstalled: z.boolean(),
  veleroNamespace: z.string().optional(),
  veleroVersion: z.string().optional(),
  location: z
    .object({
      name: z.string(),
      provider: z.string(),
      bucket: z.string().optional(),
      prefix: z.string().optional(),
      phase: z.string().optional(),
      accessMode: z.enum(['ReadWrite', 'ReadOnly']),
      lastSyncedTime: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  backupCount: z.number().int(),
  /** Velero is installed, its storage is Available and it has synced at least once. */
  ready: z.boolean(),
  checks: z.array(Check),
});
export type RestoreStorage = z.infer<typeof RestoreStorage>;

export const RestoreObjectRef = z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() });
export type RestoreObjectRef = z.infer<typeof RestoreObjectRef>;

/** What a restore would delete and bring back: the backup's resource list + the live cluster. */
export const RestoreImpact = z.object({
  backup: z.string(),
  type: RestoreType,
  /** The consequences in plain words, worst first. */
  consequences: z.array(z.string()),
  /** Namespaces KOTS clears before restoring. */
  namespacesCleared: z.array(z.string()),
  /** Live objects KOTS deletes first (PVCs included: their data is gone). */
  toDelete: z.array(RestoreObjectRef),
  toDeleteTotal: z.number().int(),
  /** Objects in the backup that this restore brings back. */
  toRestore: z.array(RestoreObjectRef.extend({ existsNow: z.boolean() })),
  toRestoreTotal: z.number().int(),
  /** False when the backup's resource list could not be read (the reason is in `notes`). */
  resourceListRead: z.boolean(),
  notes: z.array(z.string()),
});
export type RestoreImpact = z.infer<typeof RestoreImpact>;

/** One Velero Restore Lifeboat follows. */
export const RestoreProgress = z.object({
  name: z.string(),
  component: z.enum(['admin-console', 'app']),
  appSlug: z.string().optional(),
  phase: z.string().optional(),
  itemsRestored: z.number().optional(),
  totalItems: z.number().optional(),
  warnings: z.number(),
  errors: z.number(),
  podVolumeRestores: z.object({ total: z.number(), completed: z.number(), failed: z.number(), bytesDone: z.number(), totalBytes: z.number() }),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  failureReason: z.string().optional(),
  validationErrors: z.array(z.string()).optional(),
});
export type RestoreProgress = z.infer<typeof RestoreProgress>;

/** One ordered, persisted step of the run: the admin console, then the application. */
export const RestoreRunStep = z.object({
  component: z.enum(['admin-console', 'app']),
  state: z.enum(['pending', 'starting', 'running', 'succeeded', 'attention', 'failed', 'interrupted']),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** Activity run id of the kubectl-kots command. */
  runId: z.string().optional(),
  /** The Velero Restores this step follows. */
  restoreNames: z.array(z.string()),
  /** Restores with these names that existed before the step started (older runs): not ours. */
  ignoreUids: z.array(z.string()).optional(),
  message: z.string().optional(),
});
export type RestoreRunStep = z.infer<typeof RestoreRunStep>;

export const RestoreResultEntry = z.object({ restore: z.string(), scope: z.string(), message: z.string() });
export const RestoreVerification = z.object({
  checkedAt: z.string(),
  checks: z.array(Check),
  workloads: z.array(z.object({ kind: z.string(), namespace: z.string(), name: z.string(), ready: z.number(), desired: z.number() })),
  warnings: z.array(RestoreResultEntry),
  errors: z.array(RestoreResultEntry),
  /** The restore logs' warning and error lines (and the last lines), per Restore. */
  logExcerpts: z.array(z.object({ restore: z.string(), lines: z.array(z.string()) })),
});
export type RestoreVerification = z.infer<typeof RestoreVerification>;

export const RestoreRun = z.object({
  id: z.string(),
  backup: z.string(),
  type: RestoreType,
  appSlugs: z.array(z.string()),
  /** The API server the restore runs against: Lifeboat follows it only while connected there. */
  server: z.string().optional(),
  kotsadmNamespace: z.string(),
  veleroNamespace: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  state: z.enum(['running', 'verifying', 'succeeded', 'attention', 'failed', 'interrupted']),
  steps: z.array(RestoreRunStep),
  restores: z.array(RestoreProgress),
  /** Set while the storage location was made read-only for the restore (and what to set back). */
  readOnlyLocation: z.object({ name: z.string(), previous: z.enum(['ReadWrite', 'ReadOnly']), restored: z.boolean() }).optional(),
  error: ErrorData.optional(),
  verification: RestoreVerification.optional(),
  reportPath: z.string().optional(),
});
export type RestoreRun = z.infer<typeof RestoreRun>;

/**
 * The rebuilt-cluster path's "Re-seed the registry" step: the cluster's own registry gets the
 * backup's images back before the application is restored, the order of Embedded Cluster's own
 * restore (cmd/installer/cli/restore.go at 2.19.4+k8s-1.36: restore-registry before restore-app);
 * full backups need not hold the images (kURL addons/registry/template/base/deployment-pvc.yaml at
 * v2026.08.06-0 opts no volume in). Persisted before the
 * re-seed runs; `skipped` only by an explicit choice, with the consequence the operator accepted.
 */
export const RestoreRegistryStep = z.object({
  /** Why the wizard asks for it, in words. */
  reason: z.string(),
  state: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'skipped']),
  /** The archive (export directory or .tar) chosen. */
  source: z.string().optional(),
  caPath: z.string().optional(),
  /** The registry job (follow `registry.progress` / `registry.job`; cancel with `registry.cancel`). */
  jobId: z.string().optional(),
  /** The registry pushed to (host:port). */
  registry: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  tagsTotal: z.number().int().optional(),
  tagsOk: z.number().int().optional(),
  blobsUploaded: z.number().int().optional(),
  blobsSkipped: z.number().int().optional(),
  blobsMounted: z.number().int().optional(),
  bytesUploaded: z.number().optional(),
  /** Tags that do not resolve to the archive's digest after the push. */
  mismatches: z.array(z.object({ repo: z.string(), tag: z.string(), expected: z.string(), actual: z.string().nullable() })).optional(),
  /** The consequence the operator accepted when skipping. */
  skippedConsequence: z.string().optional(),
  error: ErrorData.optional(),
});
export type RestoreRegistryStep = z.infer<typeof RestoreRegistryStep>;

/** An archive compared with the cluster's registry: which tags are there with the same digest. */
export const RestoreRegistryPlan = z.object({
  source: z.string(),
  registry: z.string(),
  /** Where the address and credentials came from (detection), in words. */
  registrySource: z.string().optional(),
  tags: z.array(z.object({ repo: z.string(), tag: z.string(), digest: z.string(), actual: z.string().nullable(), present: z.boolean() })),
  missing: z.number().int(),
  blobs: z.number().int(),
  bytes: z.number(),
  /** The archive's own source registry and creation time (index.json annotations). */
  exportedFrom: z.string().optional(),
  exportedAt: z.string().optional(),
});
export type RestoreRegistryPlan = z.infer<typeof RestoreRegistryPlan>;

/** An export Lifeboat made earlier (Registry screen or with a backup) that the step can offer. */
export const RestoreRegistryArchive = z.object({
  path: z.string(),
  registry: z.string(),
  finishedAt: z.string().optional(),
  origin: z.string(),
  tags: z.number().int().optional(),
  bytes: z.number().optional(),
});
export type RestoreRegistryArchive = z.infer<typeof RestoreRegistryArchive>;

export const RestoreWizard = z.object({
  step: RestoreStep,
  situation: RestoreSituation.optional(),
  /** Set the storage location read-only while restoring on a new cluster, and back afterwards. */
  readOnlyDuringRestore: z.boolean(),
  backup: z.string().optional(),
  type: RestoreType.optional(),
  /** The slug the operator must type to confirm. */
  appSlug: z.string().optional(),
  /** Present when the restore needs the cluster registry re-seeded first (rebuilt kURL / Embedded Cluster). */
  registry: RestoreRegistryStep.optional(),
  run: RestoreRun.optional(),
  updatedAt: z.string(),
});
export type RestoreWizard = z.infer<typeof RestoreWizard>;

export const RestoreReport = z.object({ fileName: z.string(), json: z.string(), markdown: z.string(), savedTo: z.array(z.string()) });
export type RestoreReport = z.infer<typeof RestoreReport>;

/** Registry step: an archive to compare with or push into the cluster's registry. */
const RegistryArchiveInput = z.object({ source: LocalPath, caPath: LocalPath.optional() }).strict();

export const restoreMethods = {
  /** The wizard as persisted (re-attaches to a restore that was running when Lifeboat closed). */
  'restore.state': method(empty, RestoreWizard),
  'restore.setSituation': method(z.object({ situation: RestoreSituation, readOnlyDuringRestore: z.boolean().optional() }).strict(), RestoreWizard),
  /** Velero, its storage location and how many backups it has synced (new-cluster situation). */
  'restore.storage': method(empty, RestoreStorage),
  /** Every Velero Backup, newest first, each restorable or with why not and what would fix it. */
  'restore.backups': method(empty, z.array(RestoreBackup)),
  /** Choose a backup; refused (BACKUP_NOT_RESTORABLE) with the reasons when it is not restorable. */
  'restore.selectBackup': method(z.object({ backup: VeleroBackupName }).strict(), RestoreWizard),
  'restore.selectType': method(z.object({ type: RestoreType }).strict(), RestoreWizard),
  /** What the chosen restore would delete and bring back. */
  'restore.preview': method(empty, RestoreImpact),
  /** Go back to an earlier step (not while a restore runs). */
  'restore.back': method(z.object({ step: z.enum(['situation', 'backup', 'type', 'registry', 'confirm']) }).strict(), RestoreWizard),
  /** Registry step: exports Lifeboat made earlier, newest first (offered as the archive to push). */
  'restore.registryArchives': method(empty, z.array(RestoreRegistryArchive)),
  /** Registry step: compare an archive with the cluster's registry (what is missing). Changes nothing. */
  'restore.registryPlan': method(RegistryArchiveInput, RestoreRegistryPlan),
  /** Registry step: persist the choice, then push the archive into the cluster's registry and verify every tag (a rerun resumes). */
  'restore.registryReseed': method(RegistryArchiveInput, RestoreWizard),
  /** Registry step: skip it, explicitly accepting the consequence (pods cannot pull their images in air gap). */
  'restore.registrySkip': method(z.object({ acceptConsequence: z.literal(true) }).strict(), RestoreWizard),
  /** Registry step: the re-seed succeeded; go on to confirm the restore. */
  'restore.registryContinue': method(empty, RestoreWizard),
  /**
   * Start the restore: `confirm` must equal the application's slug. Refused while another restore
   * is in progress (here or in Velero), or when the backup is not restorable. Resolves once started;
   * progress arrives as `restore.changed`.
   */
  'restore.start': method(ConfirmInput, RestoreWizard),
  /** Run an interrupted step again (the operator confirms again with the slug). */
  'restore.resume': method(ConfirmInput, RestoreWizard),
  /** Check again: admin console, workloads, restore results and logs. */
  'restore.verify': method(empty, RestoreWizard),
  /** The final report as JSON and Markdown (also saved in Lifeboat's data directory). */
  'restore.report': method(empty, RestoreReport),
  /** Start a new restore (refused while one runs); finished runs stay in the reports. */
  'restore.reset': method(empty, RestoreWizard),
} as const;

export const restoreEvents = {
  /** The wizard changed: step, run progress, verification. */
  'restore.changed': RestoreWizard,
} as const;
