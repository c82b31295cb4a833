/**
 * The one API contract between Lifeboat's main process and its renderer, grouped by area.
 *
 * Both transports (Electron IPC and web mode's HTTP + server-sent events) are generic over this
 * file: they validate every input and output with these schemas, so a method added here is
 * validated everywhere at once. The renderer gets its types from here too. This file imports
 * nothing of ours but errors.ts, so every layer may import it.
 */
import { z } from 'zod';

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
  airgap: z.object({ airgapped: z.boolean(), reason: z.string() }),
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
});
export type ToolOutputLine = z.infer<typeof ToolOutputLine>;

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  dataDir: z.string(),
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
const setupMethods = {} as const;

// ---- backups: one-click backups, list, progress, logs, delete, schedules ----
const backupsMethods = {} as const;

// ---- restore: the disaster-recovery restore wizard ----
const restoreMethods = {} as const;

// ---- registry: the embedded cluster's registry: coverage, export, re-seed ----
const registryMethods = {} as const;

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
const setupEvents = {} as const;
// ---- backups events ----
const backupsEvents = {} as const;
// ---- restore events ----
const restoreEvents = {} as const;
// ---- registry events ----
const registryEvents = {} as const;

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
