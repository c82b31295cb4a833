/** Contract area "environment": what the connected cluster runs (KOTS, flavour, air gap, Velero, compatibility). */
import { z } from 'zod';
import { Check, empty, method } from './shared.js';

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
  registry: z.object({ host: z.string(), namespace: z.string().optional(), hasCredentials: z.boolean() }).optional(),
  minimalRbac: z.boolean().optional(),
  /**
   * How KOTS would store NFS / host-path snapshots (kots IsFileSystemMinioDisabled): through its own
   * MinIO, or the local-volume provider (refused by Velero 1.17+); unknown when Lifeboat cannot see
   * enough; invalid when kotsadm-confg holds a value KOTS cannot parse. Absent without KOTS.
   */
  fileSystemStore: z.object({ via: z.enum(['minio', 'local-volume-provider', 'unknown', 'invalid']), reason: z.string() }).optional(),
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

export const environmentMethods = {
  'environment.get': method(empty, Environment.nullable()),
  'environment.refresh': method(empty, Environment.nullable()),
} as const;

export const environmentEvents = {
  'environment.changed': Environment.nullable(),
} as const;
