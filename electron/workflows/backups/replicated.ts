/**
 * Improved disaster recovery (Embedded Cluster with ENABLE_IMPROVED_DR and an app that ships a
 * Backup and a Restore): KOTS makes ONE backup as TWO Velero Backups — "instance-…" (infra) and
 * "application-…" (app) — that share label replicated.com/backup-name and carry
 * replicated.com/disaster-recovery-version, replicated.com/backup-type and
 * replicated.com/backup-count, but not kots.io/instance (kots pkg/kotsadmsnapshot/backup.go at
 * v1.131.4, getInfrastructureInstanceBackupSpec / getAppInstanceBackupSpec). The admin console
 * shows and deletes them as one "replicated backup"; so does Lifeboat. This module holds the pure
 * rules for one summary / detail / log made of the pair; which row a Velero Backup belongs to and
 * how a pair's status rolls up are kots/replicatedBackups.ts (shared with the restore wizard).
 */
import type { BackupDetail, BackupSummary } from '../../api/contract.js';
import {
  compareMembers,
  earliest,
  expectedCount,
  groupByRow,
  latest,
  memberType,
  rollupStatus,
  rowKey,
  statusFromPhase,
  type ReplicatedStatus,
} from '../../kots/replicatedBackups.js';
import type { VeleroBackup } from '../../velero/types.js';

/** Failure phases, worst first: the one a failed pair shows (advance() words its outcome by it). */
const FAILED_ORDER = ['Failed', 'FailedValidation', 'PartiallyFailed'];
const rank = (phase: string) => (FAILED_ORDER.includes(phase) ? FAILED_ORDER.indexOf(phase) : FAILED_ORDER.length);

/**
 * The Velero phase that stands for the rolled-up status: the running member's (InProgress first),
 * the worst failure, or Failed itself when a member is missing and none failed.
 */
function shownPhase(status: ReplicatedStatus, phases: readonly string[]): string {
  if (status === 'Completed' || status === 'Deleting') return status;
  if (status === 'InProgress') return phases.includes('InProgress') ? 'InProgress' : phases.find((p) => statusFromPhase(p) === 'InProgress')!;
  return phases.filter((p) => statusFromPhase(p) === 'Failed').sort((x, y) => rank(x) - rank(y))[0] ?? 'Failed';
}

const sumOpt = (vals: Array<number | undefined>) => (vals.some((v) => v !== undefined) ? vals.reduce<number>((t, v) => t + (v ?? 0), 0) : undefined);

/**
 * One summary for the Velero Backups of one replicated backup, the way kots
 * pkg/kotsadmsnapshot/backup.go at v1.131.4 getBackupsFromVeleroBackups aggregates them: status
 * rolled up (RollupStatus) and Failed when fewer Backups exist than replicated.com/backup-count
 * says; the oldest start, the first expiry; volumes (and here items, errors, warnings, hooks and
 * sizes) summed. Lifeboat's phase is a Velero phase, so the rolled-up status is shown as the phase
 * of the member that decides it. One difference: the finish time is only set once every member has
 * finished (upstream takes the latest finish so far; a half-finished pair has not finished).
 */
export function combineSummaries(name: string, members: ReadonlyArray<{ b: VeleroBackup; s: BackupSummary }>): BackupSummary {
  const ordered = [...members].sort((x, y) => compareMembers(x.b, y.b));
  const first = ordered[0];
  const sums = ordered.map((m) => m.s);
  // upstream takes the expected count from the first Backup it meets; both carry the same
  const expected = expectedCount(first.b);
  const missing = expected !== ordered.length;
  const status = missing ? 'Failed' : rollupStatus(sums.map((s) => statusFromPhase(s.phase)));
  const phase = shownPhase(
    status,
    sums.map((s) => s.phase),
  );
  const multi = ordered.length > 1;
  const reasons = ordered.filter((m) => m.s.failureReason).map((m) => (multi ? `${m.b.metadata.name}: ${m.s.failureReason}` : m.s.failureReason!));
  if (missing) {
    const have = ordered.map((m) => `${m.b.metadata.name} (${memberType(m.b)})`).join(', ');
    const lacking = expected === 2 && ordered.length === 1 ? `; the ${memberType(first.b) === 'infra' ? 'app' : 'infra'} backup is missing` : '';
    reasons.unshift(
      `Only ${ordered.length} of the ${expected} Velero Backups KOTS makes for this backup exist (${have})${lacking}, so it cannot be restored as a whole (replicated.com/backup-count). Take a new backup.`,
    );
  }
  const validation = ordered.flatMap((m) => (m.s.validationErrors ?? []).map((e) => (multi ? `${m.b.metadata.name}: ${e}` : e)));
  const apps = new Map<string, BackupSummary['apps'][number]>();
  for (const s of sums) for (const a of s.apps) if (!apps.has(a.slug) || (!apps.get(a.slug)!.version && a.version)) apps.set(a.slug, a);
  const allSized = sums.every((s) => s.sizeBytes !== undefined);
  const allDone = sums.every((s) => s.completedAt);
  const out: BackupSummary = {
    name,
    namespace: first.s.namespace,
    type: 'full',
    phase,
    ...opt('trigger', first.s.trigger),
    ...opt('requestedAt', earliest(sums.map((s) => s.requestedAt))),
    ...opt('createdAt', earliest(sums.map((s) => s.createdAt))),
    ...opt('startedAt', earliest(sums.map((s) => s.startedAt))),
    ...opt('completedAt', allDone ? latest(sums.map((s) => s.completedAt)) : undefined),
    ...opt('expiresAt', earliest(sums.map((s) => s.expiresAt))),
    ...opt('storageLocation', first.s.storageLocation),
    apps: [...apps.values()].sort((x, y) => (x.slug < y.slug ? -1 : 1)),
    ...opt('itemsBackedUp', sumOpt(sums.map((s) => s.itemsBackedUp))),
    ...opt('totalItems', sumOpt(sums.map((s) => s.totalItems))),
    errors: sums.reduce((t, s) => t + s.errors, 0),
    warnings: sums.reduce((t, s) => t + s.warnings, 0),
    ...opt('hooksAttempted', sumOpt(sums.map((s) => s.hooksAttempted))),
    ...opt('hooksFailed', sumOpt(sums.map((s) => s.hooksFailed))),
    volumes: sums.reduce(
      (v, s) => ({
        total: v.total + s.volumes.total,
        completed: v.completed + s.volumes.completed,
        failed: v.failed + s.volumes.failed,
        bytesDone: v.bytesDone + s.volumes.bytesDone,
        totalBytes: v.totalBytes + s.volumes.totalBytes,
      }),
      { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
    ),
    ...opt('failureReason', reasons.join('; ') || undefined),
    ...(validation.length ? { validationErrors: validation } : {}),
    ...(allSized ? { sizeBytes: sums.reduce((t, s) => t + s.sizeBytes!, 0) } : {}),
    ...opt('sizeNote', allSized ? first.s.sizeNote : sums.find((s) => s.sizeBytes === undefined)?.sizeNote),
    veleroBackups: ordered.map((m) => ({ name: m.b.metadata.name, type: memberType(m.b), phase: m.s.phase })),
    expectedBackups: expected,
  };
  return out;
}

function opt<K extends string, V>(k: K, v: V | undefined | null): Record<K, V> | object {
  return v === undefined || v === null || v === '' ? {} : { [k]: v };
}

/**
 * The detail of a pair: its combined summary, every member's volumes, results, resources and hooks
 * (each result says which Velero Backup it came from), and the spec and annotations of the first
 * (infra) member, which the notes name — each Velero Backup's own detail opens by its name.
 */
export function mergeDetails(summary: BackupSummary, parts: ReadonlyArray<{ name: string; type: string; detail: BackupDetail }>): BackupDetail {
  const resources: Record<string, string[]> = {};
  for (const p of parts) for (const [kind, items] of Object.entries(p.detail.resources)) resources[kind] = [...new Set([...(resources[kind] ?? []), ...items])];
  const first = parts[0];
  return {
    summary,
    spec: first.detail.spec,
    annotations: first.detail.annotations,
    podVolumeBackups: parts.flatMap((p) => p.detail.podVolumeBackups),
    results: parts.flatMap((p) => p.detail.results.map((r) => ({ ...r, scope: `${r.scope} (${p.name})` }))),
    resources,
    hooks: parts.flatMap((p) => p.detail.hooks),
    notes: [
      `KOTS made this backup as ${parts.length} Velero Backups (improved disaster recovery): ${parts.map((p) => `${p.name} (${p.type})`).join(', ')}. The spec and annotations shown are ${first.name}'s; open a Velero Backup by its name for its own.`,
      ...parts.flatMap((p) => p.detail.notes.map((n) => `${p.name}: ${n}`)),
    ],
  };
}

/** One log for a pair: each Velero Backup's log in turn, under a line naming it. */
export function combineLogs(parts: ReadonlyArray<{ name: string; type: string; lines: readonly string[] }>): string[] {
  return parts.flatMap((p) => [`===== Velero Backup ${p.name} (${p.type}) =====`, ...p.lines]);
}

/** The Velero Backups of one row (rowKey), infra first. */
export function membersOf(backups: readonly VeleroBackup[], key: string): VeleroBackup[] {
  return backups.filter((b) => rowKey(b) === key).sort(compareMembers);
}

/**
 * The list's rows over the watched Backups: each Backup alone, or a replicated backup's members
 * combined under its name. Combined summaries are remade only when a member's summary changed (the
 * caller's per-Backup summaries are cached objects, so identity says so).
 */
export class BackupRowIndex {
  private combinedCache = new Map<string, { parts: BackupSummary[]; s: BackupSummary }>();

  constructor(
    private readonly summaryOf: (b: VeleroBackup) => BackupSummary,
    private readonly check: (s: BackupSummary) => BackupSummary = (s) => s,
  ) {}

  rows(backups: readonly VeleroBackup[]): BackupSummary[] {
    const groups = groupByRow(backups);
    for (const k of this.combinedCache.keys()) if (!groups.has(k)) this.combinedCache.delete(k);
    return [...groups].map(([k, members]) => this.summarize(k, members));
  }

  /** The Backups of a row, infra first. */
  members(backups: readonly VeleroBackup[], key: string): VeleroBackup[] {
    return membersOf(backups, key);
  }

  row(backups: readonly VeleroBackup[], key: string): BackupSummary | undefined {
    const members = this.members(backups, key);
    return members.length ? this.summarize(key, members) : undefined;
  }

  clear(): void {
    this.combinedCache.clear();
  }

  private summarize(key: string, members: VeleroBackup[]): BackupSummary {
    if (members.length === 1 && members[0].metadata.name === key) return this.summaryOf(members[0]);
    members = [...members].sort(compareMembers);
    const parts = members.map((b) => this.summaryOf(b));
    const hit = this.combinedCache.get(key);
    if (hit && hit.parts.length === parts.length && hit.parts.every((p, i) => p === parts[i])) return hit.s;
    const s = this.check(
      combineSummaries(
        key,
        members.map((b, i) => ({ b, s: parts[i] })),
      ),
    );
    this.combinedCache.set(key, { parts, s });
    return s;
  }
}
