/** Contract area "registry": the embedded cluster's registry: coverage, export, re-seed. */
import { z } from 'zod';
import { Flavour } from './environment.js';
import { CancelResult, Check, empty, ErrorData, LocalPath, method } from './shared.js';

/**
 * The operator's confirmation of a registry address that only a backup's kots.io/embedded-registry
 * annotation names (RegistryInfo.hostConfirmation): `confirmHost` equal to that host, and
 * `confirmPlainHttp` when it is an http:// address. Without it no credential is sent there.
 */
const RegistryConfirm = {
  confirmHost: z.string().min(1).max(512).optional(),
  confirmPlainHttp: z.boolean().optional(),
};

/** Who started a registry job: the Registry screen, a full backup, the restore wizard. */
const RegistryOrigin = z.enum(['registry', 'backup', 'restore']);

/** A registry job's id. */
const JobId = z.string().min(1).max(100);

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
  error: ErrorData.optional(),
  repositories: z.array(z.object({ name: z.string(), tags: z.number().int() })),
  tagCount: z.number().int(),
  /** Do full backups cover the registry? One Check per aspect, each with its fix. */
  coverage: z.array(Check),
  detectedAt: z.string(),
});
export type RegistryInfo = z.infer<typeof RegistryInfo>;

export const RegistryPhase = z.enum([
  'queued',
  'listing',
  'manifests',
  'blobs',
  'packing',
  'reading',
  'verifying',
  'pushing-blobs',
  'pushing-manifests',
  'checking',
  'done',
]);

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
  origin: RegistryOrigin.default('registry'),
  progress: RegistryJobProgress.optional(),
  exportSummary: RegistryExportSummary.optional(),
  reseedReport: RegistryReseedReport.optional(),
  error: ErrorData.optional(),
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
    origin: RegistryOrigin.optional(),
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
    origin: RegistryOrigin.optional(),
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

export const registryMethods = {
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
  'registry.cancel': method(z.object({ jobId: JobId }).strict(), CancelResult),
  /** Continue an interrupted, failed or cancelled job (a re-seed to an entered registry needs its password again). */
  'registry.resume': method(
    z.object({ jobId: JobId, password: z.string().max(4096).optional(), caPath: LocalPath.optional(), ...RegistryConfirm }).strict(),
    RegistryJob,
  ),
} as const;

export const registryEvents = {
  'registry.progress': RegistryJobProgress,
  'registry.job': RegistryJob,
} as const;
