/**
 * What the cluster is ready for, derived from the cluster status and the detected environment.
 * Pure functions: the Setup, Backups, Restore and Registry screens show these until their
 * workflows arrive, and later use them to decide whether their buttons may be pressed.
 */
import type { Check, ClusterStatus, Environment } from '../electron/api/contract.js';

export interface Readiness {
  /** Every check passed (warnings allowed). */
  ready: boolean;
  checks: Check[];
}

const ok = (title: string, reason?: string): Check => ({ ok: true, severity: 'ok', title, reason });
const warn = (title: string, reason: string, fix?: string): Check => ({ ok: true, severity: 'warning', title, reason, fix });
const fail = (title: string, reason: string, fix?: string): Check => ({ ok: false, severity: 'error', title, reason, fix });

function summarize(checks: Check[]): Readiness {
  return { ready: checks.every((c) => c.ok), checks };
}

function clusterCheck(cluster: ClusterStatus | null): Check {
  if (cluster?.state === 'connected') {
    return ok('Connected to the cluster', `Context ${cluster.context ?? '(default)'} at ${cluster.server ?? 'unknown server'}.`);
  }
  if (cluster?.state === 'error' && cluster.error) {
    return fail('Connected to the cluster', cluster.error.message, cluster.error.hint);
  }
  return fail('Connected to the cluster', 'Lifeboat is not connected to a cluster.', 'Choose a kubeconfig and context on the Overview screen.');
}

/** Without a connection or a detected environment, nothing past the first check can be known. */
function baseline(cluster: ClusterStatus | null, env: Environment | null): Check[] | null {
  const c = clusterCheck(cluster);
  if (!c.ok) return [c];
  if (!env) {
    return [c, fail('Environment detected', 'Lifeboat has not looked at this cluster yet.', 'Press "Detect again" on the Overview screen.')];
  }
  return null;
}

function kotsCheck(env: Environment): Check {
  if (!env.kots.found) {
    return fail(
      'KOTS admin console found',
      'No KOTS admin console was found in this cluster.',
      'Check that this is the cluster the application is installed on, and that the context can list deployments.',
    );
  }
  if (env.kots.ready === false) {
    return warn(
      'KOTS admin console found',
      `Found in namespace ${env.kots.namespace ?? '?'}, but it is not ready.`,
      'Check the kotsadm pods in that namespace.',
    );
  }
  return ok('KOTS admin console found', `Version ${env.kots.version ?? 'unknown'} in namespace ${env.kots.namespace ?? '?'}.`);
}

function veleroInstalledCheck(env: Environment): Check {
  const v = env.velero;
  if (!v.installed)
    return fail('Velero installed', 'Velero is not installed in this cluster.', 'The Setup screen will install it from the bundled, pinned version.');
  if (v.ready === false)
    return fail(
      'Velero installed',
      `Velero ${v.version ?? ''} is installed in ${v.namespace ?? '?'} but its server is not ready.`,
      `Check the velero deployment in namespace ${v.namespace ?? 'velero'}.`,
    );
  return ok('Velero installed', `Velero ${v.version ?? 'unknown version'} in namespace ${v.namespace ?? '?'}.`);
}

function storageCheck(env: Environment): Check {
  const locs = env.velero.storageLocations;
  if (locs.length === 0)
    return fail(
      'Backup storage location available',
      'No BackupStorageLocation is configured.',
      'The Setup screen will configure one (S3-compatible, NFS or host path).',
    );
  const def = locs.find((l) => l.isDefault) ?? locs[0];
  const phase = def.phase ?? 'unknown';
  if (phase.toLowerCase() !== 'available') {
    return fail(
      'Backup storage location available',
      `Storage location ${def.name} is ${phase}${def.message ? `: ${def.message}` : '.'}`,
      'Check that the bucket exists and the credentials in the velero namespace are right.',
    );
  }
  return ok('Backup storage location available', `${def.name} (${def.provider}${def.bucket ? `, bucket ${def.bucket}` : ''}) is Available.`);
}

function fsBackupCheck(env: Environment): Check {
  const fsb = env.velero.fileSystemBackup;
  if (!fsb)
    return warn(
      'File system backup agent ready',
      'No node-agent (or restic) DaemonSet was found, so volumes without snapshots cannot be backed up.',
      'The Setup screen will install Velero with the node agent.',
    );
  if (!fsb.ready)
    return fail(
      'File system backup agent ready',
      `${fsb.kind}: ${fsb.available} of ${fsb.desired} pods ready.`,
      `Check the ${fsb.kind} pods in namespace ${env.velero.namespace ?? 'velero'}.`,
    );
  return ok('File system backup agent ready', `${fsb.kind}: ${fsb.available} of ${fsb.desired} pods ready.`);
}

function compatibilityCheck(env: Environment): Check {
  const c = env.compatibility;
  if (c.verdict === 'incompatible') return fail('KOTS and Velero versions compatible', c.reason, c.fix);
  if (c.verdict === 'warning' || c.verdict === 'unknown') return warn('KOTS and Velero versions compatible', c.reason, c.fix);
  return ok('KOTS and Velero versions compatible', c.reason);
}

export function backupReadiness(cluster: ClusterStatus | null, env: Environment | null): Readiness {
  const early = baseline(cluster, env);
  if (early || !env) return summarize(early ?? []);
  return summarize([clusterCheck(cluster), kotsCheck(env), veleroInstalledCheck(env), storageCheck(env), fsBackupCheck(env), compatibilityCheck(env)]);
}

export function restoreReadiness(cluster: ClusterStatus | null, env: Environment | null): Readiness {
  const early = baseline(cluster, env);
  if (early || !env) return summarize(early ?? []);
  // A restore onto a fresh cluster needs no admin console yet: KOTS missing is a note, not a block.
  const kots = kotsCheck(env);
  const kotsNote = kots.ok ? kots : warn(kots.title, `${kots.reason} A full restore can bring it back.`);
  return summarize([clusterCheck(cluster), veleroInstalledCheck(env), storageCheck(env), fsBackupCheck(env), kotsNote, compatibilityCheck(env)]);
}

export function setupReadiness(cluster: ClusterStatus | null, env: Environment | null): Readiness {
  const early = baseline(cluster, env);
  if (early || !env) return summarize(early ?? []);
  const checks: Check[] = [clusterCheck(cluster), kotsCheck(env)];
  const missing = cluster?.missingPermissions ?? [];
  checks.push(
    missing.length === 0
      ? ok('Permissions to install', 'Every permission Lifeboat checked is granted.')
      : fail(
          'Permissions to install',
          `${missing.length} permission${missing.length === 1 ? ' is' : 's are'} missing.`,
          'The Overview lists each one and what it is for; ask your cluster admin for them.',
        ),
  );
  checks.push(
    env.airgap.airgapped
      ? warn(
          'Air gap',
          `This cluster looks air-gapped: ${env.airgap.reason}`,
          'Velero images must come from the private registry; the Registry screen will push them there.',
        )
      : ok('Air gap', env.airgap.reason),
  );
  return summarize(checks);
}

export function registryReadiness(cluster: ClusterStatus | null, env: Environment | null): Readiness {
  const early = baseline(cluster, env);
  if (early || !env) return summarize(early ?? []);
  const reg = env.kots.registry;
  const checks: Check[] = [clusterCheck(cluster)];
  if (!reg) {
    checks.push(
      env.airgap.airgapped
        ? fail(
            'Private registry known',
            'The cluster looks air-gapped but the admin console names no private registry.',
            'Check the kotsadm-confg ConfigMap in the admin console namespace.',
          )
        : warn(
            'Private registry known',
            'The admin console names no private registry; this install pulls images from the internet.',
            'Nothing to do unless you plan to cut the cluster off.',
          ),
    );
  } else {
    checks.push(ok('Private registry known', `${reg.host}${reg.namespace ? `/${reg.namespace}` : ''}`));
    checks.push(
      reg.hasCredentials
        ? ok('Registry credentials present', 'The admin console has credentials for it.')
        : warn('Registry credentials present', 'The admin console has no credentials for this registry.', 'You will be asked for them when pushing images.'),
    );
  }
  return summarize(checks);
}
