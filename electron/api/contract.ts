/**
 * The one API contract between Lifeboat's main process and its renderer, grouped by area.
 *
 * Both transports (Electron IPC and web mode's HTTP + server-sent events) are generic over this
 * file: they validate every input and output with these schemas, so a method added here is
 * validated everywhere at once. The renderer gets its types from here too. This file imports
 * nothing of ours but errors.ts, so every layer may import it.
 */
import { z } from 'zod';
import { isBackupRowsWire, type BackupRowsWire } from './backupRows.js';
import { RegistryHost, RegistryNamespace } from './registryRef.js';

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/** An eligibility or health check: ok, and when not, why and how to fix it. */
export const Check = z.object({
  ok: z.boolean(),
  /** "warning" is ok-but-attention; "error" blocks. */
  severity: z.enum(['ok', 'warning', 'error']),
  title: z.string(),
  reason: z.string().optional(),
  fix: z.string().optional(),
});
export type Check = z.infer<typeof Check>;

export const KubeconfigSource = z.object({
  path: z.string(),
  /** Where it was found: the KUBECONFIG list, ~/.kube/config, a kURL or Embedded Cluster host. */
  origin: z.enum(['KUBECONFIG', 'home', 'kurl', 'embedded-cluster', 'chosen']),
  exists: z.boolean(),
});
export type KubeconfigSource = z.infer<typeof KubeconfigSource>;

export const KubeContext = z.object({
  name: z.string(),
  cluster: z.string(),
  user: z.string(),
  namespace: z.string().optional(),
  server: z.string().optional(),
});
export type KubeContext = z.infer<typeof KubeContext>;

export const PermissionCheck = z.object({
  verb: z.string(),
  group: z.string(),
  resource: z.string(),
  namespace: z.string().optional(),
  allowed: z.boolean(),
  /** Why Lifeboat needs it, in the operator's words. */
  purpose: z.string(),
});
export type PermissionCheck = z.infer<typeof PermissionCheck>;

export const ClusterStatus = z.object({
  state: z.enum(['disconnected', 'connecting', 'connected', 'error']),
  kubeconfigPath: z.string().optional(),
  context: z.string().optional(),
  contexts: z.array(KubeContext),
  server: z.string().optional(),
  user: z.string().optional(),
  kubernetesVersion: z.string().optional(),
  permissions: z.array(PermissionCheck),
  missingPermissions: z.array(PermissionCheck),
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .optional(),
  checkedAt: z.string().optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const Flavour = z.enum(['kurl', 'embedded-cluster', 'existing', 'unknown']);
export type Flavour = z.infer<typeof Flavour>;

export const KotsInfo = z.object({
  found: z.boolean(),
  namespace: z.string().optional(),
  version: z.string().optional(),
  image: z.string().optional(),
  ready: z.boolean().optional(),
  apps: z.array(z.object({ slug: z.string(), namespace: z.string().optional() })),
  /** From ConfigMap kotsadm-confg: the private registry an air-gapped install pulls from. */
  registry: z
    .object({ host: z.string(), namespace: z.string().optional(), hasCredentials: z.boolean() })
    .optional(),
  minimalRbac: z.boolean().optional(),
  /**
   * How KOTS would store NFS / host-path snapshots (kots IsFileSystemMinioDisabled): through its own
   * MinIO, or the local-volume provider (refused by Velero 1.17+); unknown when Lifeboat cannot see
   * enough; invalid when kotsadm-confg holds a value KOTS cannot parse. Absent without KOTS.
   */
  fileSystemStore: z
    .object({ via: z.enum(['minio', 'local-volume-provider', 'unknown', 'invalid']), reason: z.string() })
    .optional(),
});
export type KotsInfo = z.infer<typeof KotsInfo>;

export const BackupStorageLocationInfo = z.object({
  name: z.string(),
  provider: z.string(),
  bucket: z.string().optional(),
  prefix: z.string().optional(),
  isDefault: z.boolean(),
  phase: z.string().optional(),
  lastSyncedTime: z.string().optional(),
  lastValidationTime: z.string().optional(),
  message: z.string().optional(),
  config: z.record(z.string(), z.string()).optional(),
});
export type BackupStorageLocationInfo = z.infer<typeof BackupStorageLocationInfo>;

export const VeleroInfo = z.object({
  installed: z.boolean(),
  namespace: z.string().optional(),
  version: z.string().optional(),
  versionSource: z.enum(['server', 'image', 'unknown']).optional(),
  image: z.string().optional(),
  ready: z.boolean().optional(),
  plugins: z.array(z.object({ name: z.string(), image: z.string() })),
  fileSystemBackup: z
    .object({
      kind: z.enum(['node-agent', 'restic']),
      ready: z.boolean(),
      desired: z.number(),
      available: z.number(),
    })
    .optional(),
  storageLocations: z.array(BackupStorageLocationInfo),
});
export type VeleroInfo = z.infer<typeof VeleroInfo>;

export const CompatibilityVerdict = z.object({
  verdict: z.enum(['compatible', 'warning', 'incompatible', 'unknown']),
  reason: z.string(),
  fix: z.string().optional(),
  kotsVersion: z.string().optional(),
  veleroVersion: z.string().optional(),
  kubernetesVersion: z.string().optional(),
});
export type CompatibilityVerdict = z.infer<typeof CompatibilityVerdict>;

export const Environment = z.object({
  detectedAt: z.string(),
  kots: KotsInfo,
  flavour: Flavour,
  flavourReason: z.string(),
  /** outboundDisabled: the running kotsadm's DISABLE_OUTBOUND_CONNECTIONS (what KOTS records as kots.io/is-airgap); absent without one. */
  airgap: z.object({ airgapped: z.boolean(), reason: z.string(), outboundDisabled: z.boolean().optional() }),
  velero: VeleroInfo,
  compatibility: CompatibilityVerdict,
  /** Every problem found, each with its fix: the Overview lists these. */
  problems: z.array(Check),
});
export type Environment = z.infer<typeof Environment>;

export const BundledTool = z.object({
  name: z.enum(['velero', 'kubectl-kots']),
  version: z.string(),
  path: z.string().optional(),
  status: z.enum(['ok', 'missing', 'tampered', 'unverified']),
  message: z.string().optional(),
  source: z.enum(['bundled', 'override']),
});
export type BundledTool = z.infer<typeof BundledTool>;

export const JournalEntry = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  tool: z.string(),
  /** argv with secrets redacted */
  args: z.array(z.string()),
  exitCode: z.number().nullable().optional(),
  durationMs: z.number().optional(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'timed-out']),
  summary: z.string().optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const ToolOutputLine = z.object({
  runId: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  at: z.string(),
  /** Why this line is not what its stream suggests (e.g. kots's version check on stderr: not an error). */
  note: z.string().optional(),
});
export type ToolOutputLine = z.infer<typeof ToolOutputLine>;

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  /** Packaged build started with --allow-dev-overrides: the LIFEBOAT_* overrides in effect (NAME=value), shown as a banner. */
  devOverrides: z.array(z.string()).optional(),
  /** Built without pinned tools or images (placeholders in resources/*.lock.json), or run with overrides: nothing was checked against a pinned digest. */
  unverifiedBuild: z.boolean(),
  unverifiedReasons: z.array(z.string()),
});
export type AppInfo = z.infer<typeof AppInfo>;

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

const empty = z.object({}).strict();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const coreMethods = {
  'app.info': method(empty, AppInfo),

  'cluster.kubeconfigs': method(empty, z.array(KubeconfigSource)),
  'cluster.status': method(empty, ClusterStatus),
  /**
   * Connect with a kubeconfig (a discovered or chosen path) and optionally a context. Without a
   * path: the current one, else the first discovered kubeconfig that exists. Connection failures
   * (KUBECONFIG_MISSING/INVALID, CONTEXT_UNKNOWN, CLUSTER_UNREACHABLE, CLUSTER_AUTH_FAILED,
   * CERTIFICATE_EXPIRED) come back in the status (state "error", `error` with code, message, hint)
   * and in `cluster.changed`, not as a rejected call. `cluster.useContext` with a name the loaded
   * kubeconfig does not have rejects with CONTEXT_UNKNOWN and leaves the status as it was.
   */
  'cluster.connect': method(
    z
      .object({
        kubeconfigPath: z.string().min(1).max(4096).optional(),
        context: z.string().min(1).max(253).optional(),
      })
      .strict(),
    ClusterStatus,
  ),
  'cluster.useContext': method(z.object({ context: z.string().min(1).max(253) }).strict(), ClusterStatus),
  'cluster.disconnect': method(empty, ClusterStatus),

  'environment.get': method(empty, Environment.nullable()),
  'environment.refresh': method(empty, Environment.nullable()),

  'tools.list': method(empty, z.array(BundledTool)),

  'activity.list': method(
    z.object({ limit: z.number().int().min(1).max(5000).default(200) }).strict(),
    z.array(JournalEntry),
  ),
  'activity.output': method(
    z.object({ runId: z.string().min(1).max(100) }).strict(),
    z.array(ToolOutputLine),
  ),
  'activity.cancel': method(z.object({ runId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
} as const;

// Each feature area keeps its methods in its own block below (and its handlers in
// electron/workflows/<area>/handlers.ts), so the areas grow without stepping on each other.

// ---- setup: the Velero setup wizard (storage destination, images, install, KOTS wiring) ----
export const SetupStep = z.enum(['preflight', 'destination', 'images', 'review', 'apply', 'done']);
export type SetupStep = z.infer<typeof SetupStep>;
/** install: no Velero yet; keep: leave the existing Velero as it is; reconfigure: existing Velero,
 * new destination only; upgrade: existing older Velero, install the bundled version over it. */
export const SetupMode = z.enum(['install', 'keep', 'reconfigure', 'upgrade']);
export type SetupMode = z.infer<typeof SetupMode>;
const Name = z.string().trim().min(1).max(253);
const OptPrefix = z.string().trim().max(512).optional();
/** The storage destination without its secrets (those travel in SetupSecrets, once). */
export const SetupDestination = z.discriminatedUnion('provider', [
  // checkFromHere: false = neither Lifeboat nor KOTS (--skip-validation) contacts the store from this
  // computer; the cluster's BackupStorageLocation must become Available instead.
  z.object({ provider: z.literal('aws'), auth: z.enum(['access-key', 'instance-role']), bucket: Name, region: Name, prefix: OptPrefix, checkFromHere: z.boolean().optional() }).strict(),
  z.object({ provider: z.literal('s3-compatible'), bucket: Name, region: Name, endpoint: z.string().trim().min(1).max(2048), prefix: OptPrefix, caCertPem: z.string().max(65536).optional() }).strict(),
  // endpoint: optional custom API endpoint (Private Service Connect / private endpoint, sovereign cloud, emulator).
  z.object({ provider: z.literal('gcp'), auth: z.enum(['service-account', 'workload-identity']), bucket: Name, prefix: OptPrefix, serviceAccount: z.string().trim().max(253).optional(), endpoint: z.string().trim().max(2048).optional(), checkFromHere: z.boolean().optional() }).strict(),
  z.object({ provider: z.literal('azure'), container: Name, resourceGroup: Name, storageAccount: Name, subscriptionId: Name, tenantId: Name, clientId: Name, cloudName: z.string().default('AzurePublicCloud'), prefix: OptPrefix, endpoint: z.string().trim().max(2048).optional(), checkFromHere: z.boolean().optional() }).strict(),
  z.object({ provider: z.literal('nfs'), server: Name, path: z.string().trim().min(1).max(4096) }).strict(),
  z.object({ provider: z.literal('hostpath'), path: z.string().trim().min(1).max(4096) }).strict(),
]);
export type SetupDestination = z.infer<typeof SetupDestination>;
/** Submitted once; kept only in the main process (memory, or safeStorage when remembered in Electron). */
export const SetupSecrets = z
  .object({
    accessKeyId: z.string().max(1024).optional(),
    secretAccessKey: z.string().max(4096).optional(),
    serviceAccountJson: z.string().max(65536).optional(),
    clientSecret: z.string().max(4096).optional(),
  })
  .strict();
export type SetupSecrets = z.infer<typeof SetupSecrets>;
export const SetupValidation = z.object({ ok: z.boolean(), online: z.boolean(), checks: z.array(Check), note: z.string(), at: z.string() });
export type SetupValidation = z.infer<typeof SetupValidation>;
export const SetupRegistry = z.object({
  host: z.string(),
  namespace: z.string().optional(),
  /** Where the address came from, in words. */
  source: z.string(),
  username: z.string().optional(),
  /** kots: the credentials of Secret kotsadm-private-registry (read in the main process). */
  credentials: z.enum(['kots', 'entered', 'none']),
  caPath: z.string().optional(),
});
export type SetupRegistry = z.infer<typeof SetupRegistry>;
export const SetupImage = z.object({
  /** e.g. velero/velero:v1.18.3 */
  upstream: z.string(),
  /** e.g. registry:5000/lifeboat/velero:v1.18.3 */
  target: z.string(),
  role: z.string(),
  /** The archive Lifeboat pushes it from, when it has one. */
  archive: z.string().optional(),
  state: z.enum(['unknown', 'checking', 'present', 'missing', 'pushing', 'pushed', 'error']),
  digest: z.string().optional(),
  /** The digest resources/images.lock.json pins (its upstream index): present means this digest is there, and Velero is installed by it. */
  pinned: z.string().optional(),
  /** The per-platform manifests the lock pins (linux/amd64, linux/arm64). */
  pinnedPlatforms: z.record(z.string(), z.string()).optional(),
  /** Why this image is trusted by tag only (a placeholder in the lock: an unverified build). */
  unverified: z.string().optional(),
  bytesDone: z.number().optional(),
  bytesTotal: z.number().optional(),
  message: z.string().optional(),
});
export type SetupImage = z.infer<typeof SetupImage>;
export const SetupCommand = z.object({ title: z.string(), command: z.string(), note: z.string().optional() });
export const SetupObjectChange = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  /** create: new; exists: already there and left as is (velero install does not update); change: patched/upserted. */
  action: z.enum(['create', 'exists', 'change']),
  by: z.string(),
});
export type SetupObjectChange = z.infer<typeof SetupObjectChange>;
export const SetupReview = z.object({
  commands: z.array(SetupCommand),
  objects: z.array(SetupObjectChange),
  /** The `velero install --dry-run -o yaml` manifests (no secrets in them: --no-secret). */
  manifests: z.string(),
  notes: z.array(z.string()),
  runbook: z.string(),
  at: z.string(),
});
export type SetupReview = z.infer<typeof SetupReview>;
export const SetupPhaseId = z.enum(['prepare', 'install', 'patch', 'wait-deployment', 'wait-node-agent', 'configure', 'permissions', 'verify', 'uninstall']);
export const SetupPhase = z.object({
  id: SetupPhaseId,
  title: z.string(),
  state: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted']),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  runId: z.string().optional(),
  message: z.string().optional(),
});
export type SetupPhase = z.infer<typeof SetupPhase>;
export const SetupApply = z.object({
  kind: z.enum(['install', 'reconfigure', 'upgrade', 'uninstall']),
  state: z.enum(['running', 'succeeded', 'failed', 'interrupted', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** The API server it ran against. */
  server: z.string().optional(),
  phases: z.array(SetupPhase),
  /** Tool output lines and cluster Events that explain a failure. */
  diagnosis: z.array(z.string()),
  nextStep: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type SetupApply = z.infer<typeof SetupApply>;
export const SetupVerification = z.object({
  ok: z.boolean(),
  checks: z.array(Check),
  serverVersion: z.string().optional(),
  plugins: z.array(z.string()),
  location: z.object({ phase: z.string().optional(), lastSyncedTime: z.string().optional(), message: z.string().optional() }).optional(),
  at: z.string(),
});
export type SetupVerification = z.infer<typeof SetupVerification>;
export const SetupWizard = z.object({
  step: SetupStep,
  mode: SetupMode.optional(),
  veleroNamespace: z.string(),
  kotsNamespace: z.string().optional(),
  /** The Velero version Lifeboat installs (its bundled CLI). */
  veleroVersion: z.string().optional(),
  preflight: z.object({ checks: z.array(Check), at: z.string(), existingVelero: z.object({ namespace: z.string(), version: z.string().optional() }).optional(), minimalRbac: z.boolean().optional(), airgap: z.boolean() }).optional(),
  destination: SetupDestination.optional(),
  /** Whether the main process holds the destination's secrets right now (never the values). */
  credentials: z.object({ held: z.boolean(), remembered: z.boolean(), rememberAvailable: z.boolean(), rememberNote: z.string() }),
  validation: SetupValidation.optional(),
  registry: SetupRegistry.optional(),
  images: z.array(SetupImage).optional(),
  review: SetupReview.optional(),
  apply: SetupApply.optional(),
  verification: SetupVerification.optional(),
  updatedAt: z.string(),
  /** Increases with every save: the renderer keeps the newest snapshot whether it came as an event or
   * as a (possibly later-arriving) method result. */
  rev: z.number().int().optional(),
});
export type SetupWizard = z.infer<typeof SetupWizard>;

const setupMethods = {
  /** The wizard as persisted (an apply that was running when Lifeboat closed shows as interrupted). */
  'setup.state': method(empty, SetupWizard),
  /** Run the preflight checks again (cluster, permissions, KOTS, flavour, air gap, Velero, compatibility, tools). */
  'setup.preflight': method(empty, SetupWizard),
  /** Decide what to do with the cluster's Velero: install (none yet), keep, reconfigure or upgrade. */
  'setup.chooseMode': method(z.object({ mode: SetupMode }).strict(), SetupWizard),
  /** Check a destination from this computer BEFORE anything changes; secrets are kept in the main process. */
  'setup.validateDestination': method(z.object({ destination: SetupDestination, secrets: SetupSecrets.optional(), remember: z.boolean().optional() }).strict(), SetupWizard),
  /** Forget the held (and remembered) destination secrets. */
  'setup.forgetSecrets': method(empty, SetupWizard),
  /** The private registry for the images (prefilled from KOTS); checks each image there. */
  'setup.setRegistry': method(
    z.object({ host: RegistryHost, namespace: RegistryNamespace.optional(), useKotsCredentials: z.boolean().optional(), username: z.string().max(512).optional(), password: z.string().max(4096).optional(), caPath: z.string().max(4096).optional() }).strict(),
    SetupWizard,
  ),
  'setup.checkImages': method(empty, SetupWizard),
  /** Push the missing images from Lifeboat's archives; resolves once started (progress in setup.changed). */
  'setup.pushImages': method(empty, SetupWizard),
  /** Build the review: exact commands, the dry-run manifests, what changes in the cluster, a runbook. */
  'setup.review': method(empty, SetupWizard),
  /** Start applying (refused when an apply is running/finished here or Velero is already installed). Resolves once started. */
  'setup.apply': method(empty, SetupWizard),
  /** Continue an interrupted or failed apply from its first unfinished phase (never re-installs over a Velero it finds). */
  'setup.resume': method(empty, SetupWizard),
  'setup.cancel': method(empty, SetupWizard),
  /** Check again: storage location Available and synced, server answers, plugins. */
  'setup.verify': method(empty, SetupWizard),
  'setup.back': method(z.object({ step: z.enum(['preflight', 'destination', 'images', 'review']) }).strict(), SetupWizard),
  /** Switch destination on an installed Velero (KOTS restarts Velero: running backups fail). */
  'setup.changeDestination': method(empty, SetupWizard),
  /** Remove Velero (CRDs, namespace, cluster role binding): `confirm` must equal the Velero namespace. */
  'setup.uninstall': method(z.object({ confirm: z.string().max(253) }).strict(), SetupWizard),
  /** Start over (refused while an apply runs). */
  'setup.reset': method(empty, SetupWizard),
} as const;

// ---- backups: one-click backups, list, progress, logs, delete, schedules ----

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
  apps: z.array(z.object({ slug: z.string(), version: z.string().optional() })),
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
  veleroBackups: z.array(z.object({ name: z.string(), type: z.string(), phase: z.string() })).optional(),
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
  z.custom<BackupSummary>((v) => typeof v === 'object' && v !== null && (checkedSummaries.has(v) || BackupSummary.safeParse(v).success), { message: 'not a BackupSummary' }),
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
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
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
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
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
  podVolumeBackups: z.array(z.object({ name: z.string(), pod: z.string(), volume: z.string(), phase: z.string(), bytesDone: z.number(), totalBytes: z.number(), message: z.string().optional() })),
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
export const BackupLogPage = z.object({ name: z.string(), total: z.number().int(), complete: z.boolean(), offset: z.number().int(), lines: z.array(z.string()) });
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

/** A Velero Backup's name (RFC 1123 subdomain). */
const VeleroBackupName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Velero backup name (lower-case letters, digits, - and .)');

const backupsMethods = {
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
        registryDest: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    FollowedBackup,
  ),
  /** The backup Lifeboat follows (or followed last), re-attached after a restart. */
  'backups.followed': method(empty, FollowedBackup.nullable()),
  'backups.detail': method(z.object({ name: VeleroBackupName }).strict(), BackupDetail),
  /** The backup log (DownloadRequest, gunzipped), a page of lines at a time. */
  'backups.log': method(z.object({ name: VeleroBackupName, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(250_000).default(5000) }).strict(), BackupLogPage),
  /** Delete through a DeleteBackupRequest; `confirm` must equal the name. Refused while InProgress. */
  'backups.delete': method(z.object({ name: VeleroBackupName, confirm: z.string().max(253) }).strict(), z.object({ requested: z.boolean(), request: z.string() })),
  /** Pre/post hooks a full backup would run now, and where each was read. */
  'backups.hooks': method(empty, HookPlan),
  'backups.schedule': method(empty, BackupSchedule),
  'backups.checkCron': method(z.object({ schedule: z.string().max(200) }).strict(), CronCheck),
  'backups.setSchedule': method(z.object({ autoEnabled: z.boolean(), schedule: z.string().max(200) }).strict(), BackupSchedule),
  'backups.setRetention': method(z.object({ value: z.number().int().min(1).max(100_000), unit: RetentionUnit }).strict(), BackupSchedule),
} as const;

// ---- restore: the disaster-recovery restore wizard ----

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
  apps: z.array(z.object({ slug: z.string(), version: z.string().optional() })),
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
  veleroBackups: z.array(z.object({ name: z.string(), type: z.string(), phase: z.string() })).optional(),
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
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
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
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
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
export const RestoreRegistryArchive = z.object({ path: z.string(), registry: z.string(), finishedAt: z.string().optional(), origin: z.string(), tags: z.number().int().optional(), bytes: z.number().optional() });
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

const BackupName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Velero backup name (lower-case letters, digits, - and .)');

const restoreMethods = {
  /** The wizard as persisted (re-attaches to a restore that was running when Lifeboat closed). */
  'restore.state': method(empty, RestoreWizard),
  'restore.setSituation': method(z.object({ situation: RestoreSituation, readOnlyDuringRestore: z.boolean().optional() }).strict(), RestoreWizard),
  /** Velero, its storage location and how many backups it has synced (new-cluster situation). */
  'restore.storage': method(empty, RestoreStorage),
  /** Every Velero Backup, newest first, each restorable or with why not and what would fix it. */
  'restore.backups': method(empty, z.array(RestoreBackup)),
  /** Choose a backup; refused (BACKUP_NOT_RESTORABLE) with the reasons when it is not restorable. */
  'restore.selectBackup': method(z.object({ backup: BackupName }).strict(), RestoreWizard),
  'restore.selectType': method(z.object({ type: RestoreType }).strict(), RestoreWizard),
  /** What the chosen restore would delete and bring back. */
  'restore.preview': method(empty, RestoreImpact),
  /** Go back to an earlier step (not while a restore runs). */
  'restore.back': method(z.object({ step: z.enum(['situation', 'backup', 'type', 'registry', 'confirm']) }).strict(), RestoreWizard),
  /** Registry step: exports Lifeboat made earlier, newest first (offered as the archive to push). */
  'restore.registryArchives': method(empty, z.array(RestoreRegistryArchive)),
  /** Registry step: compare an archive with the cluster's registry (what is missing). Changes nothing. */
  'restore.registryPlan': method(z.object({ source: z.string().min(1).max(4096), caPath: z.string().min(1).max(4096).optional() }).strict(), RestoreRegistryPlan),
  /** Registry step: persist the choice, then push the archive into the cluster's registry and verify every tag (a rerun resumes). */
  'restore.registryReseed': method(z.object({ source: z.string().min(1).max(4096), caPath: z.string().min(1).max(4096).optional() }).strict(), RestoreWizard),
  /** Registry step: skip it, explicitly accepting the consequence (pods cannot pull their images in air gap). */
  'restore.registrySkip': method(z.object({ acceptConsequence: z.literal(true) }).strict(), RestoreWizard),
  /** Registry step: the re-seed succeeded; go on to confirm the restore. */
  'restore.registryContinue': method(empty, RestoreWizard),
  /**
   * Start the restore: `confirm` must equal the application's slug. Refused while another restore
   * is in progress (here or in Velero), or when the backup is not restorable. Resolves once started;
   * progress arrives as `restore.changed`.
   */
  'restore.start': method(z.object({ confirm: z.string().max(253) }).strict(), RestoreWizard),
  /** Run an interrupted step again (the operator confirms again with the slug). */
  'restore.resume': method(z.object({ confirm: z.string().max(253) }).strict(), RestoreWizard),
  /** Check again: admin console, workloads, restore results and logs. */
  'restore.verify': method(empty, RestoreWizard),
  /** The final report as JSON and Markdown (also saved in Lifeboat's data directory). */
  'restore.report': method(empty, RestoreReport),
  /** Start a new restore (refused while one runs); finished runs stay in the reports. */
  'restore.reset': method(empty, RestoreWizard),
} as const;

// ---- registry: the embedded cluster's registry: coverage, export, re-seed ----

/** A local path the operator chose (export destination, archive, CA PEM). */
const LocalPath = z.string().min(1).max(4096);

/**
 * The operator's confirmation of a registry address that only a backup's kots.io/embedded-registry
 * annotation names (RegistryInfo.hostConfirmation): `confirmHost` equal to that host, and
 * `confirmPlainHttp` when it is an http:// address. Without it no credential is sent there.
 */
const RegistryConfirm = {
  confirmHost: z.string().min(1).max(512).optional(),
  confirmPlainHttp: z.boolean().optional(),
};

export const RegistryInfo = z.object({
  /** Whether the cluster has a kURL / Embedded Cluster registry Lifeboat could find. */
  found: z.boolean(),
  flavour: Flavour,
  namespace: z.string().optional(),
  /** host:port Lifeboat talks to. */
  host: z.string().optional(),
  /** Where the address came from, in words (Secret registry-creds, backup annotation, Service). */
  hostSource: z.string().optional(),
  /** Which Secret's credentials are used (the credentials themselves stay in the main process). */
  credentialsSource: z.string().optional(),
  /**
   * Present while the address comes only from a backup annotation and the operator has not
   * confirmed it: Lifeboat sends nothing there until `confirmHost` (and `confirmPlainHttp`) is given.
   */
  hostConfirmation: z.object({ host: z.string(), source: z.string(), plainHttp: z.boolean() }).optional(),
  /** Where the TLS CA comes from: the path given, LIFEBOAT_REGISTRY_CA, or the system roots. */
  caSource: z.string().optional(),
  reachable: z.boolean(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
  repositories: z.array(z.object({ name: z.string(), tags: z.number().int() })),
  tagCount: z.number().int(),
  /** Do full backups cover the registry? One Check per aspect, each with its fix. */
  coverage: z.array(Check),
  detectedAt: z.string(),
});
export type RegistryInfo = z.infer<typeof RegistryInfo>;

export const RegistryPhase = z.enum(['queued', 'listing', 'manifests', 'blobs', 'packing', 'reading', 'verifying', 'pushing-blobs', 'pushing-manifests', 'checking', 'done']);

export const RegistryJobProgress = z.object({
  jobId: z.string(),
  phase: RegistryPhase,
  bytesDone: z.number(),
  bytesTotal: z.number(),
  blobsDone: z.number(),
  blobsTotal: z.number(),
  blobsSkipped: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  current: z.string().optional(),
});
export type RegistryJobProgress = z.infer<typeof RegistryJobProgress>;

export const RegistryExportSummary = z.object({
  repositories: z.number().int(),
  tags: z.number().int(),
  manifests: z.number().int(),
  blobs: z.number().int(),
  bytes: z.number(),
  blobsFetched: z.number().int(),
  bytesFetched: z.number(),
  blobsReused: z.number().int(),
  warnings: z.array(z.string()),
  durationMs: z.number(),
});
export type RegistryExportSummary = z.infer<typeof RegistryExportSummary>;

export const RegistryReseedReport = z.object({
  ok: z.boolean(),
  tags: z.array(z.object({ repo: z.string(), tag: z.string(), expected: z.string(), actual: z.string().nullable(), ok: z.boolean() })),
  blobsUploaded: z.number().int(),
  blobsMounted: z.number().int(),
  blobsSkipped: z.number().int(),
  bytesUploaded: z.number(),
  manifestsPushed: z.number().int(),
  warnings: z.array(z.string()),
  durationMs: z.number(),
});
export type RegistryReseedReport = z.infer<typeof RegistryReseedReport>;

export const RegistryJob = z.object({
  id: z.string(),
  kind: z.enum(['export', 'reseed']),
  /** "interrupted": Lifeboat closed while it ran; `registry.resume` continues it. */
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** The registry read from (export) or pushed to (re-seed). */
  registry: z.string(),
  /** Export: the layout directory written. Re-seed: the layout directory or .tar read. */
  path: z.string(),
  tarPath: z.string().optional(),
  /** Re-seed into the detected registry (true) or one the operator entered. */
  detectedTarget: z.boolean().optional(),
  /** Who started it: the Registry screen, a full backup, the restore wizard. */
  origin: z.enum(['registry', 'backup', 'restore']).default('registry'),
  progress: RegistryJobProgress.optional(),
  exportSummary: RegistryExportSummary.optional(),
  reseedReport: RegistryReseedReport.optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type RegistryJob = z.infer<typeof RegistryJob>;

/** A registry the operator enters (re-seed target). The password never leaves the main process again. */
export const RegistryTarget = z
  .object({
    registry: z.string().min(1).max(512),
    username: z.string().max(512).optional(),
    password: z.string().max(4096).optional(),
    caPath: LocalPath.optional(),
    skipTlsVerify: z.boolean().optional(),
  })
  .strict();
export type RegistryTarget = z.infer<typeof RegistryTarget>;

export const RegistryExportInput = z
  .object({
    /** Layout directory on this machine; an earlier export there is resumed/updated. */
    dest: LocalPath,
    /** Also pack the layout into this .tar. */
    tarPath: LocalPath.optional(),
    /** CA PEM for the detected registry (else LIFEBOAT_REGISTRY_CA, else the system roots). */
    caPath: LocalPath.optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    origin: z.enum(['registry', 'backup', 'restore']).optional(),
    ...RegistryConfirm,
  })
  .strict();
export type RegistryExportInput = z.infer<typeof RegistryExportInput>;

export const RegistryReseedInput = z
  .object({
    /** Layout directory or .tar written by registry.export. */
    source: LocalPath,
    /** Where to push; absent: the detected registry. */
    target: RegistryTarget.optional(),
    /** CA PEM for the detected registry, when no target is given. */
    caPath: LocalPath.optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    origin: z.enum(['registry', 'backup', 'restore']).optional(),
    /** For the detected registry (no target): see RegistryConfirm. */
    ...RegistryConfirm,
  })
  .strict();
export type RegistryReseedInput = z.infer<typeof RegistryReseedInput>;

export const RegistryPathCheck = z.object({
  ok: z.boolean(),
  /** An earlier export is there: running again continues/updates it. */
  resumable: z.boolean(),
  reason: z.string().optional(),
  fix: z.string().optional(),
});
export type RegistryPathCheck = z.infer<typeof RegistryPathCheck>;

const registryMethods = {
  /** Find the cluster's registry, log in, list it, and say whether full backups cover it. */
  'registry.detect': method(z.object({ caPath: LocalPath.optional(), ...RegistryConfirm }).strict(), RegistryInfo),
  /** Is this a writable export destination (and is an earlier export there to continue)? */
  'registry.checkDestination': method(z.object({ dest: LocalPath, tarPath: LocalPath.optional() }).strict(), RegistryPathCheck),
  /**
   * Start exporting the detected registry; resolves once started (refusals — bad destination,
   * unreachable registry, a job already running — reject). Progress: `registry.progress`; state
   * changes and the summary: `registry.job`. The Backups area offers it as "also export the registry".
   */
  'registry.export': method(RegistryExportInput, RegistryJob),
  /** Start pushing an archive into a registry, then verify every tag's digest (report in the job). */
  'registry.reseed': method(RegistryReseedInput, RegistryJob),
  /** Jobs, newest first (the running one, the last few finished, interrupted ones to resume). */
  'registry.jobs': method(empty, z.array(RegistryJob)),
  'registry.cancel': method(z.object({ jobId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
  /** Continue an interrupted, failed or cancelled job (a re-seed to an entered registry needs its password again). */
  'registry.resume': method(
    z.object({ jobId: z.string().min(1).max(100), password: z.string().max(4096).optional(), caPath: LocalPath.optional(), ...RegistryConfirm }).strict(),
    RegistryJob,
  ),
} as const;

export const methods = {
  ...coreMethods,
  ...setupMethods,
  ...backupsMethods,
  ...restoreMethods,
  ...registryMethods,
} as const;

export type CoreMethods = typeof coreMethods;
export type SetupMethods = typeof setupMethods;
export type BackupsMethods = typeof backupsMethods;
export type RestoreMethods = typeof restoreMethods;
export type RegistryMethods = typeof registryMethods;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)
// ---------------------------------------------------------------------------------------------

const coreEvents = {
  'cluster.changed': ClusterStatus,
  'environment.changed': Environment.nullable(),
  'activity.entry': JournalEntry,
  'activity.output': ToolOutputLine,
} as const;

// ---- setup events ----
const setupEvents = {
  /** The setup wizard changed: step, checks, image progress, apply phases, verification. */
  'setup.changed': SetupWizard,
} as const;
// ---- backups events ----
const backupsEvents = {
  /** Backups added/changed (`upserted`) or gone (`removed`); `reset` replaces the whole list. */
  'backups.delta': z.object({ upserted: z.array(BackupSummary), removed: z.array(z.string()), reset: z.boolean().optional() }),
  /** The followed backup changed (phase, progress, outcome). */
  'backups.followed': FollowedBackup,
} as const;
// ---- restore events ----
const restoreEvents = {
  /** The wizard changed: step, run progress, verification. */
  'restore.changed': RestoreWizard,
} as const;
// ---- registry events ----
const registryEvents = {
  'registry.progress': RegistryJobProgress,
  'registry.job': RegistryJob,
} as const;

export const events = {
  ...coreEvents,
  ...setupEvents,
  ...backupsEvents,
  ...restoreEvents,
  ...registryEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
