/**
 * Can this backup be restored here? Lifeboat's own checks, made before it ever calls
 * `kubectl kots restore` (which silently "succeeds" for several unrestorable backups:
 * kots pkg/snapshot/restore.go RestoreInstanceBackup at v1.131.4 returns errors.Wrap(nil, …), i.e.
 * nil). Every failure says why and what would fix it. Pure.
 */
import { isRunningPhase } from '../../api/backupPhases.js';
import type { Check, RestoreBackup } from '../../api/contract.js';
import { cmp, compatibility, parseVersion } from '../../environment/compat.js';
import { imageTag } from '../../environment/compute.js';
import type { VeleroBackup } from '../../velero/types.js';

export interface EligibilityContext {
  now: Date;
  /**
   * Whether the admin console running on this cluster has outbound connections disabled (its
   * DISABLE_OUTBOUND_CONNECTIONS, as KOTS records it in kots.io/is-airgap); undefined when none runs
   * here (a rebuilt cluster) or it cannot be read. Never a guess.
   */
  outboundDisabled?: boolean;
  veleroVersion?: string;
  /** Storage locations on this cluster: name → provider. */
  locations: Record<string, string>;
}

const A = {
  instance: 'kots.io/instance',
  image: 'kots.io/kotsadm-image',
  namespace: 'kots.io/kotsadm-deploy-namespace',
  airgap: 'kots.io/is-airgap',
  versions: 'kots.io/apps-versions',
  ec: 'kots.io/embedded-cluster',
  drVersion: 'replicated.com/disaster-recovery-version',
  backupType: 'replicated.com/backup-type',
  trigger: 'kots.io/snapshot-trigger',
  appId: 'kots.io/app-id',
};

const err = (title: string, reason: string, fix: string): Check => ({ ok: false, severity: 'error', title, reason, fix });

/** The check that refuses any Embedded Cluster backup, and its fix (groups.ts words it for a pair). */
export const EC_BACKUP = 'Embedded Cluster backup';
export const EC_RESTORE_FIX = "On a fresh host, run the application's Embedded Cluster binary: `sudo ./<app> restore`, and point it at the same storage.";

/** A warning is ok-but-attention (contract's Check): it never blocks. */
const warn = (title: string, reason: string, fix?: string): Check => ({ ok: true, severity: 'warning', title, reason, fix });

function appsOf(ann: Record<string, string>): Array<{ slug: string; version?: string }> {
  try {
    const v = JSON.parse(ann[A.versions] ?? '{}') as Record<string, unknown>;
    return Object.entries(v).map(([slug, version]) => ({ slug, version: typeof version === 'string' ? version : undefined }));
  } catch {
    return [];
  }
}

/** What the checks read from a Backup: its annotations, its phase and which kind KOTS made. */
interface BackupFacts {
  backup: VeleroBackup;
  ann: Record<string, string>;
  phase: string;
  /** Taken on an Embedded Cluster: kots.io/embedded-cluster, or an improved-DR backup's disaster-recovery version. */
  isEC: boolean;
  /** A full (instance) backup, the only kind the kots CLI restores. */
  isInstance: boolean;
}

function factsOf(b: VeleroBackup): BackupFacts {
  const ann = b.metadata.annotations ?? {};
  return {
    backup: b,
    ann,
    phase: b.status?.phase ?? '',
    isEC: ann[A.ec] === 'true' || !!ann[A.drVersion],
    isInstance: ann[A.instance] === 'true' || !!ann[A.drVersion],
  };
}

function embeddedClusterCheck({ isEC }: BackupFacts): Check | undefined {
  if (!isEC) return undefined;
  return err(
    EC_BACKUP,
    'This backup was taken on an Embedded Cluster. Those are restored by the Embedded Cluster binary, not by the kots CLI.',
    EC_RESTORE_FIX,
  );
}

function phaseCheck({ backup: b, phase }: BackupFacts): Check | undefined {
  if (phase === 'Completed') return undefined;
  if (!phase || isRunningPhase(phase)) {
    return err(
      'Backup not finished',
      `The backup is ${phase || 'not started yet'}; only a Completed backup can be restored.`,
      'Wait for it to finish, then refresh.',
    );
  }
  return err(
    'Backup did not complete',
    `The backup ended ${phase}${b.status?.errors ? ` with ${b.status.errors} error(s)` : ''}; KOTS restores only Completed backups.`,
    'Pick a Completed backup, or take a new one on the Backups screen.',
  );
}

/** Only a full legacy instance backup: a partial one, or one of another type, is not the kots CLI's to restore. */
function kindCheck({ ann, isEC, isInstance }: BackupFacts): Check | undefined {
  if (!isInstance) {
    const partial = !!ann[A.appId];
    return err(
      'Not a full backup',
      partial
        ? 'This is an application-only (partial) backup. The kots CLI restores only full (instance) backups.'
        : 'This backup was not made by KOTS as a full (instance) backup: it has no kots.io/instance annotation.',
      partial
        ? "Restore partial backups from the admin console's own Snapshots page, or pick a full backup."
        : 'Pick a backup taken by KOTS (the Backups screen takes full backups).',
    );
  }
  if (!isEC && ann[A.backupType] && ann[A.backupType] !== 'legacy') {
    return err(
      'Unsupported backup type',
      `Backup type "${ann[A.backupType]}": the kots CLI restores only legacy instance backups.`,
      'Use the Embedded Cluster binary to restore it.',
    );
  }
  return undefined;
}

function annotationsCheck({ ann, isEC, isInstance }: BackupFacts): Check | undefined {
  const missing = [A.image, A.namespace].filter((k) => !ann[k]);
  if (!isInstance || isEC || !missing.length) return undefined;
  return err(
    'Backup annotations missing',
    `The backup lacks ${missing.join(' and ')}, which the kots CLI needs to restore the admin console. It would report success and restore nothing.`,
    'Pick another full backup taken by KOTS; this one was edited or made by another tool.',
  );
}

// kots.io/is-airgap is kotsadm's DISABLE_OUTBOUND_CONNECTIONS at backup time (kots
// pkg/kotsadmsnapshot/backup.go, pkg/kotsadm/main.go IsAirgap at v1.131.4): true for air-gapped
// installs and for online ones with a private registry (pkg/kotsadm/objects/kotsadm_objects.go).
// `kubectl kots restore` makes no check on it (pkg/snapshot/restore.go): the admin console comes back
// as it was backed up. So it never blocks; it is worth a word only against a running admin console.
function outboundCheck({ ann }: BackupFacts, ctx: EligibilityContext): Check | undefined {
  if (ann[A.airgap] === undefined || ctx.outboundDisabled === undefined) return undefined;
  const backupOffline = ann[A.airgap] === 'true';
  if (backupOffline === ctx.outboundDisabled) return undefined;
  return warn(
    'Outbound connections differ',
    `The backed-up admin console ran with outbound connections ${backupOffline ? 'disabled (air-gapped, or pulling from a private registry)' : 'enabled'}; the one on this cluster runs with them ${ctx.outboundDisabled ? 'disabled' : 'enabled'}. A full restore brings the backed-up one back as it was.`,
    backupOffline
      ? 'Nothing blocks the restore. Make sure the private registry the backup names is reachable from this cluster and holds the images (the Registry step re-seeds it).'
      : "Nothing blocks the restore. If this cluster cannot reach the internet or the vendor's registry, the restored application cannot pull its images: restore onto a cluster that can, or re-seed a private registry first.",
  );
}

function expiryCheck({ backup: b }: BackupFacts, ctx: EligibilityContext): Check | undefined {
  const expiration = b.status?.expiration;
  const expired = !!expiration && new Date(expiration).getTime() <= ctx.now.getTime();
  if (!expired) return undefined;
  return err('Backup expired', `It expired on ${expiration}; Velero is deleting it.`, 'Pick a newer backup.');
}

/** Its storage location must be configured here, and a local-volume-provider store needs Velero 1.16 or earlier. */
function storageChecks({ backup: b }: BackupFacts, ctx: EligibilityContext): Check[] {
  const loc = b.spec?.storageLocation;
  if (!loc) return [];
  const provider = ctx.locations[loc];
  if (provider === undefined) {
    return [
      err(
        'Storage location missing',
        `The backup lives in storage location "${loc}", which is not configured on this cluster.`,
        'Configure that storage location under Setup (same bucket and prefix), then refresh.',
      ),
    ];
  }
  const velero = parseVersion(ctx.veleroVersion);
  if (!provider.startsWith('replicated.com/') || !velero || cmp(velero, [1, 17, 0]) < 0) return [];
  return [
    err(
      'Local-volume-provider backup on Velero 1.17+',
      `This backup is in a local-volume-provider store (${provider}); Velero ${ctx.veleroVersion} (1.17 and later) cannot restore those.`,
      'Restore with Velero 1.16 or earlier, or use a backup in an object store.',
    ),
  ];
}

/** The backed-up KOTS version against this cluster's Velero, by compat.ts's table. */
function versionChecks({ ann, isInstance }: BackupFacts, ctx: EligibilityContext): Check[] {
  const kotsVersion = imageTag(ann[A.image]);
  if (kotsVersion && ctx.veleroVersion) {
    const veleroVersion = ctx.veleroVersion;
    const { findings } = compatibility({ kotsVersion, kotsFound: true, veleroInstalled: true, veleroVersion });
    return findings
      .filter((f) => f.title === 'KOTS and Velero versions' && !f.ok)
      .map((f) => ({
        ok: f.verdict !== 'incompatible',
        severity: f.verdict === 'incompatible' ? 'error' : 'warning',
        title: `KOTS ${kotsVersion} with Velero ${veleroVersion}`,
        reason: f.reason,
        fix: f.fix,
      }));
  }
  if (isInstance && !kotsVersion && ann[A.image]) {
    return [
      warn(
        'KOTS version unknown',
        `The kotsadm image "${ann[A.image]}" has no version tag.`,
        'Check the KOTS version against the compatibility table before restoring.',
      ),
    ];
  }
  return [];
}

function noApplicationCheck({ ann, isEC, isInstance }: BackupFacts): Check | undefined {
  if (!isInstance || isEC || appsOf(ann).length > 0) return undefined;
  return warn(
    'No application recorded',
    'The backup does not list any application (kots.io/apps-versions).',
    'An application-only restore may have nothing to restore.',
  );
}

function backupWarningsCheck({ backup: b, phase }: BackupFacts): Check | undefined {
  const warnings = b.status?.warnings ?? 0;
  if (warnings <= 0 || phase !== 'Completed') return undefined;
  return warn(
    'Backup had warnings',
    `Velero recorded ${warnings} warning(s) while backing up.`,
    'Read them on the Backups screen; something may be missing from the backup.',
  );
}

/** Every check, errors and warnings, in the order the screen lists them. */
export function checkBackup(b: VeleroBackup, ctx: EligibilityContext): Check[] {
  const f = factsOf(b);
  return [
    embeddedClusterCheck(f),
    phaseCheck(f),
    kindCheck(f),
    annotationsCheck(f),
    outboundCheck(f, ctx),
    expiryCheck(f, ctx),
    ...storageChecks(f, ctx),
    ...versionChecks(f, ctx),
    noApplicationCheck(f),
    backupWarningsCheck(f),
  ].filter((c): c is Check => c !== undefined);
}

export function describeBackup(b: VeleroBackup, ctx: EligibilityContext): RestoreBackup {
  const { ann, isEC, isInstance } = factsOf(b);
  const checks = checkBackup(b, ctx);
  return {
    name: b.metadata.name,
    phase: b.status?.phase,
    startedAt: b.status?.startTimestamp,
    completedAt: b.status?.completionTimestamp,
    expiresAt: b.status?.expiration,
    storageLocation: b.spec?.storageLocation,
    kotsVersion: imageTag(ann[A.image]),
    kotsadmNamespace: ann[A.namespace],
    apps: appsOf(ann),
    airgap: ann[A.airgap] === undefined ? undefined : ann[A.airgap] === 'true',
    embeddedCluster: isEC,
    instance: isInstance,
    trigger: ann[A.trigger],
    itemsBackedUp: b.status?.progress?.itemsBackedUp,
    errors: b.status?.errors ?? 0,
    warnings: b.status?.warnings ?? 0,
    restorable: !checks.some((c) => c.severity === 'error'),
    checks,
  };
}

/** Newest first (by start, then creation). */
export function sortBackups<T extends { startedAt?: string; name: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.name.localeCompare(b.name));
}
