/**
 * "Back up now", start to hand-over: check, start the registry export (when asked), ask KOTS for
 * the backup, wait for the Velero Backup it made, and leave that Backup to the follow (follow.ts).
 *
 * It never trusts the kots CLI's word: it runs `kubectl kots backup --wait=false -o json`, treats an
 * error in the JSON as failure whatever the exit code, then finds the Velero Backup KOTS created
 * (appear.ts) and follows THAT object; only Velero's Completed counts.
 *
 * The followed backup is saved BEFORE each step it describes (so a restart re-attaches): once
 * before KOTS is asked, with the tool run once it has one, with KOTS's answer, and at hand-over.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { BackupReadiness, BackupRegistryExport, FollowedBackup } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { AdminApi } from '../../kots/adminApi.js';
import { backupArgs, backupFailure, parseBackupOutput } from '../../kots/cli.js';
import type { Tools } from '../../tools/tools.js';
import type { VeleroBackup } from '../../velero/types.js';
import { findCreated, identities, type Waiters } from './appear.js';
import type { Follow } from './follow.js';
import { exportDir, type startBackupRegistryExport } from './registryExport.js';
import { expectedCount, rowKey } from '../../kots/replicatedBackups.js';
import type { BackupScope } from './scope.js';

export interface CreateInput {
  kind: 'full' | 'partial';
  appSlug?: string;
  exportRegistry?: boolean;
  registryDest?: string;
}

type ExportRun = Awaited<ReturnType<typeof startBackupRegistryExport>>;

export interface CreateDeps {
  scope: BackupScope;
  follow: Follow;
  waiters: Waiters;
  readiness: () => BackupReadiness;
  /** The Velero Backups of a row (a pair's two). */
  members: (backups: readonly VeleroBackup[], key: string) => VeleroBackup[];
  admin: Pick<AdminApi, 'createAppBackup'>;
  tools: Pick<Tools, 'start'>;
  startExport: (dest: string, onUpdate: (r: BackupRegistryExport) => void) => Promise<ExportRun>;
  /** How long to wait for the Velero Backup KOTS creates to appear (default 60 s). */
  appearMs?: number;
  /** Timeout of the kots command (default 2 min). */
  cliMs?: number;
  /** This computer's clock. */
  now?: () => number;
}

export async function createBackup(deps: CreateDeps, input: CreateInput): Promise<FollowedBackup> {
  const { scope, follow } = deps;
  await scope.requireWatch().start();
  if (follow.starting) throw new LifeboatError('BACKUP_IN_PROGRESS', 'Lifeboat is already starting a backup.', 'Wait for it to appear in the list.');
  const r = deps.readiness();
  const withRegistry = checkRequest(r, input);
  const kotsNs = scope.env()!.kots.namespace!;
  // Set only after the checks: readiness() itself reports "being started" as a blocking check.
  follow.starting = true;
  const before = identities(scope.backups());
  const requestedAt = new Date(deps.now?.() ?? Date.now()).toISOString();
  const f: FollowedBackup = {
    id: randomUUID(),
    kind: input.kind,
    ...(input.appSlug && input.kind === 'partial' ? { appSlug: input.appSlug } : {}),
    state: 'starting',
    requestedAt,
    timeline: [],
  };
  const exportRun = withRegistry ? await startExport(deps, input.registryDest ?? r.registryExport!.defaultDest!, f.id, requestedAt) : undefined;
  follow.set(exportRun ? { ...f, registry: exportRun.state } : f);
  try {
    const kotsName = await requestBackup(deps, input, kotsNs, f.id);
    if (kotsName) follow.update(f.id, (c) => ({ ...c, kotsName }));
    const found = await awaitCreated(deps, kotsName ? { ...f, kotsName } : f, before);
    follow.handOver(f.id, found);
    return follow.get()!;
  } catch (err) {
    // No Velero backup: the registry export alone is not a backup; stop it.
    await exportRun?.cancel().catch(() => {});
    follow.fail(f.id, err);
    throw err;
  } finally {
    follow.starting = false;
  }
}

/** Refuses what readiness blocks or the input cannot be; says whether the registry is exported. */
function checkRequest(r: BackupReadiness, input: CreateInput): boolean {
  const blocking = r.checks.filter((c) => !c.ok && c.severity === 'error');
  if (blocking.length) {
    const first = blocking[0];
    throw new LifeboatError(
      first.title === 'Another backup is in progress' ? 'BACKUP_IN_PROGRESS' : 'VELERO_NOT_READY',
      `${first.title}: ${first.reason ?? ''}`.trim(),
      first.fix,
      { checks: blocking },
    );
  }
  if (input.kind === 'partial') {
    if (!r.partialAllowed) throw new LifeboatError('BAD_INPUT', `A partial backup is not possible here: ${r.partialReason}`, 'Take a full backup instead.');
    if (!input.appSlug || !r.apps.includes(input.appSlug))
      throw new LifeboatError('BAD_INPUT', `"${input.appSlug ?? ''}" is not an installed application.`, `Choose one of: ${r.apps.join(', ')}.`);
  }
  const withRegistry = input.kind === 'full' && !!r.registryExport?.offered && input.exportRegistry !== false;
  if (input.exportRegistry && input.kind === 'full' && !r.registryExport?.offered)
    throw new LifeboatError(
      'BAD_INPUT',
      `The registry cannot be exported here: ${r.registryExport?.reason ?? ''}`,
      'Take the backup without the registry export.',
    );
  return withRegistry;
}

/**
 * The export starts first: if the registry or the destination is not usable, nothing starts (and
 * nothing is followed: there is no backup to speak of).
 */
async function startExport(deps: CreateDeps, base: string, id: string, requestedAt: string): Promise<ExportRun> {
  const dest = exportDir(resolve(base), requestedAt);
  try {
    return await deps.startExport(dest, (reg) => deps.follow.registryUpdate(id, reg));
  } catch (e) {
    deps.follow.starting = false;
    throw e;
  }
}

/** Asks KOTS for the backup; resolves with the name KOTS gave the Velero Backup, when it says. */
async function requestBackup(deps: CreateDeps, input: CreateInput, kotsNs: string, id: string): Promise<string | undefined> {
  if (input.kind !== 'full') {
    await deps.admin.createAppBackup(input.appSlug!);
    return undefined;
  }
  const handle = await deps.tools.start('kubectl-kots', backupArgs(kotsNs), {
    timeoutMs: deps.cliMs ?? 120_000,
    summary: `Full backup (instance) of the admin console in ${kotsNs}`,
  });
  deps.follow.update(id, (c) => ({ ...c, runId: handle.runId }));
  const out = parseBackupOutput((await handle.done).stdout);
  if (!out.success) throw backupFailure(out, kotsNs);
  return out.backupName;
}

/**
 * Improved disaster recovery: KOTS creates the infra Backup, then the app one; wait for both
 * (replicated.com/backup-count). If the second never comes the pair is followed anyway and its row
 * says Failed and why.
 */
async function awaitCreated(deps: CreateDeps, f: FollowedBackup, before: ReadonlySet<string>): Promise<VeleroBackup> {
  const { scope } = deps;
  const probe = () => findCreated(scope.backups(), f, before, scope.env()?.kots.namespace);
  const complete = (b: VeleroBackup | undefined) => (b && deps.members(scope.backups(), rowKey(b)).length >= expectedCount(b) ? b : undefined);
  const appearMs = deps.appearMs ?? 60_000;
  const found = (await deps.waiters.waitFor(() => complete(probe()), appearMs)) ?? probe();
  if (found) return found;
  throw new LifeboatError(
    'BACKUP_FAILED',
    `KOTS said it started the backup${f.kotsName ? ` (${f.kotsName})` : ''}, but no new Velero Backup appeared within ${Math.round(appearMs / 1000)} s.`,
    'Nothing Lifeboat can verify was backed up. Check the admin console logs and the Velero namespace, then try again.',
  );
}
