/**
 * Whether "Back up now" can work here, as a list of checks the Backups screen shows: connection,
 * KOTS admin console, Velero running, its default storage location Available, and what may be
 * taken (full or one application, with or without the registry export).
 */
import type { BackupReadiness, Check } from '../../api/contract.js';
import { isRunningBackup } from '../../velero/types.js';
import { backupLocationCheck, veleroServerChecks } from '../../velero/readiness.js';
import { registryExportOffer } from './registryExport.js';
import type { BackupScope } from './scope.js';

export interface ReadinessDeps {
  scope: BackupScope;
  connected: () => boolean;
  /** A backup is being started (this process, or a follow saved as "starting"). */
  starting: () => boolean;
  dataDir: string;
}

type Add = (ok: boolean, title: string, reason?: string, fix?: string, severity?: Check['severity']) => void;

export function backupReadiness(deps: ReadinessDeps): BackupReadiness {
  const env = deps.scope.env();
  const checks: Check[] = [];
  const add: Add = (ok, title, reason, fix, severity = ok ? 'ok' : 'error') =>
    checks.push({ ok, severity, title, ...(reason ? { reason } : {}), ...(fix ? { fix } : {}) });
  if (!deps.connected()) {
    add(false, 'Not connected to a cluster', 'Lifeboat needs a cluster connection to back it up.', 'Connect on the Overview screen.');
    return { ok: false, checks, partialAllowed: false, apps: [] };
  }
  if (!env)
    add(false, 'Environment not detected yet', 'Lifeboat is still reading what is installed.', 'Wait a moment, or press "Detect again" on the Overview.');
  const kots = env?.kots;
  if (env && !kots?.found)
    add(
      false,
      'No KOTS admin console found',
      'A KOTS backup needs the admin console (kotsadm) in the cluster.',
      'Connect to the cluster where the application is installed.',
    );
  else if (kots?.found) add(true, `KOTS admin console in namespace ${kots.namespace}`);
  veleroChecks(deps.scope, add, checks);
  if (deps.starting()) add(false, 'A backup is being started', 'Lifeboat is already starting a backup.', 'Wait for it to appear in the list.');
  const flavour = env?.flavour;
  const registryExport = registryExportOffer(env, deps.dataDir);
  const partialAllowed = !!kots?.found && flavour !== 'embedded-cluster' && (kots?.apps.length ?? 0) > 0;
  return {
    ok: checks.every((c) => c.ok || c.severity !== 'error'),
    checks,
    partialAllowed,
    ...(partialAllowed
      ? {}
      : {
          partialReason: flavour === 'embedded-cluster' ? 'Embedded Cluster installs take full backups only.' : 'No application found to back up on its own.',
        }),
    apps: kots?.apps.map((a) => a.slug) ?? [],
    registryExport,
  };
}

/** Velero installed and running, its storage location (velero/readiness.ts), and any backup still running. */
function veleroChecks(scope: BackupScope, add: Add, checks: Check[]): void {
  const env = scope.env();
  const v = env?.velero;
  checks.push(...veleroServerChecks(env));
  if (!v?.installed) return;
  const envBsl = v.storageLocations.find((l) => l.name === 'default') ?? v.storageLocations.find((l) => l.isDefault);
  checks.push(backupLocationCheck(scope.defaultLocation(), envBsl));
  const running = scope.backups().filter(isRunningBackup);
  // A warning, not a block: KOTS itself starts a manual backup whatever is running (kots
  // pkg/handlers/backup.go CreateInstanceBackup at v1.131.4 has no such check; only its
  // scheduler skips a run then, pkg/snapshotscheduler/snapshotscheduler.go).
  if (running.length)
    add(
      true,
      'Another backup is in progress',
      `${running.map((b) => `${b.metadata.name} (${b.status?.phase || 'New'})`).join(', ')} is still running. KOTS will start a new backup anyway; it may wait in Velero's queue until this one has finished.`,
      'You can back up now, or wait for it to finish (its progress is in the Backups list).',
      'warning',
    );
}
