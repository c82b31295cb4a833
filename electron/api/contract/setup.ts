/** Contract area "setup": the Velero setup wizard (storage destination, images, install, KOTS wiring). */
import { z } from 'zod';
import { RegistryHost, RegistryNamespace } from '../registryRef.js';
import { Check, ConfirmInput, empty, ErrorData, method } from './shared.js';

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
  z
    .object({
      provider: z.literal('aws'),
      auth: z.enum(['access-key', 'instance-role']),
      bucket: Name,
      region: Name,
      prefix: OptPrefix,
      checkFromHere: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('s3-compatible'),
      bucket: Name,
      region: Name,
      endpoint: z.string().trim().min(1).max(2048),
      prefix: OptPrefix,
      caCertPem: z.string().max(65536).optional(),
    })
    .strict(),
  // endpoint: optional custom API endpoint (Private Service Connect / private endpoint, sovereign cloud, emulator).
  z
    .object({
      provider: z.literal('gcp'),
      auth: z.enum(['service-account', 'workload-identity']),
      bucket: Name,
      prefix: OptPrefix,
      serviceAccount: z.string().trim().max(253).optional(),
      endpoint: z.string().trim().max(2048).optional(),
      checkFromHere: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('azure'),
      container: Name,
      resourceGroup: Name,
      storageAccount: Name,
      subscriptionId: Name,
      tenantId: Name,
      clientId: Name,
      cloudName: z.string().default('AzurePublicCloud'),
      prefix: OptPrefix,
      endpoint: z.string().trim().max(2048).optional(),
      checkFromHere: z.boolean().optional(),
    })
    .strict(),
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
  error: ErrorData.optional(),
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
  preflight: z
    .object({
      checks: z.array(Check),
      at: z.string(),
      existingVelero: z.object({ namespace: z.string(), version: z.string().optional() }).optional(),
      minimalRbac: z.boolean().optional(),
      airgap: z.boolean(),
    })
    .optional(),
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

export const setupMethods = {
  /** The wizard as persisted (an apply that was running when Lifeboat closed shows as interrupted). */
  'setup.state': method(empty, SetupWizard),
  /** Run the preflight checks again (cluster, permissions, KOTS, flavour, air gap, Velero, compatibility, tools). */
  'setup.preflight': method(empty, SetupWizard),
  /** Decide what to do with the cluster's Velero: install (none yet), keep, reconfigure or upgrade. */
  'setup.chooseMode': method(z.object({ mode: SetupMode }).strict(), SetupWizard),
  /** Check a destination from this computer BEFORE anything changes; secrets are kept in the main process. */
  'setup.validateDestination': method(
    z.object({ destination: SetupDestination, secrets: SetupSecrets.optional(), remember: z.boolean().optional() }).strict(),
    SetupWizard,
  ),
  /** Forget the held (and remembered) destination secrets. */
  'setup.forgetSecrets': method(empty, SetupWizard),
  /** The private registry for the images (prefilled from KOTS); checks each image there. */
  'setup.setRegistry': method(
    z
      .object({
        host: RegistryHost,
        namespace: RegistryNamespace.optional(),
        useKotsCredentials: z.boolean().optional(),
        username: z.string().max(512).optional(),
        password: z.string().max(4096).optional(),
        caPath: z.string().max(4096).optional(),
      })
      .strict(),
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
  'setup.uninstall': method(ConfirmInput, SetupWizard),
  /** Start over (refused while an apply runs). */
  'setup.reset': method(empty, SetupWizard),
} as const;

export const setupEvents = {
  /** The setup wizard changed: step, checks, image progress, apply phases, verification. */
  'setup.changed': SetupWizard,
} as const;
