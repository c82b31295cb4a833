/**
 * The restore wizard's backup rows. A backup KOTS made with improved disaster recovery is two
 * Velero Backups (infra + app) sharing replicated.com/backup-name (kots/replicatedBackups.ts holds the
 * grouping, ported from kots pkg/kotsadmsnapshot/backup.go at v1.131.4); the wizard lists it as one
 * row under that name and judges the pair: every member present (replicated.com/backup-count) and
 * Completed. The kots CLI refuses such a backup whatever its state — "only legacy type instance
 * backups are restorable" (kots pkg/snapshot/restore.go and pkg/kotsadmsnapshot/restore.go at
 * v1.131.4) — so a pair is never restorable here; its one Embedded Cluster error names the binary
 * that restores it. Every other Backup is its own row, judged by eligibility.ts as before. Pure.
 */
import type { Check, RestoreBackup } from '../../api/contract.js';
import {
  compareMembers,
  earliest,
  expectedCount,
  groupByRow,
  latest,
  memberType,
  rollupStatus,
  statusFromPhase,
  type ReplicatedStatus,
} from '../../kots/replicatedBackups.js';
import { checkBackup, describeBackup, EC_BACKUP, EC_RESTORE_FIX, type EligibilityContext } from './eligibility.js';
import type { VeleroBackup } from '../../velero/types.js';

/** One row of the list: its name and its Velero Backups (infra first). */
export interface BackupRow {
  name: string;
  members: VeleroBackup[];
}

export function backupRows(list: readonly VeleroBackup[]): BackupRow[] {
  return [...groupByRow(list)].map(([name, members]) => ({ name, members: members.sort(compareMembers) }));
}

/**
 * The row a name picks: a row's own name, else the row holding a Velero Backup of that name (the
 * name kots's CreateInstanceBackup answers is the infra Velero Backup's).
 */
export function findBackupRow(list: readonly VeleroBackup[], name: string): BackupRow | undefined {
  const rows = backupRows(list);
  return rows.find((r) => r.name === name) ?? rows.find((r) => r.members.some((m) => m.metadata.name === name));
}

const isSingle = (r: BackupRow) => r.members.length === 1 && r.members[0].metadata.name === r.name;
const label = (b: VeleroBackup) => `${b.metadata.name} (${memberType(b)})`;
const PHASE_TITLES = new Set(['Backup not finished', 'Backup did not complete']);
const err = (title: string, reason: string, fix: string): Check => ({ ok: false, severity: 'error', title, reason, fix });

/** Every check on a row: eligibility.ts's for a single Backup; for a pair, made once for the pair. */
export function rowChecks(row: BackupRow, ctx: EligibilityContext): Check[] {
  if (isSingle(row)) return checkBackup(row.members[0], ctx);
  const { members } = row;
  const checks: Check[] = [
    err(
      EC_BACKUP,
      `KOTS made this backup with improved disaster recovery as ${members.length === 1 ? 'the Velero Backup' : `${members.length} Velero Backups:`} ${members.map(label).join(' and ')}. The kots CLI refuses such backups ("only legacy type instance backups are restorable"); the Embedded Cluster binary restores them.`,
      EC_RESTORE_FIX,
    ),
    ...completeness(members),
  ];
  // The members' own checks, minus the ones made above for the pair; one check per title.
  const perMember = members.map((m) => checkBackup(m, ctx).filter((c) => c.title !== EC_BACKUP && !PHASE_TITLES.has(c.title)));
  const titles = [...new Set(perMember.flat().map((c) => c.title))];
  for (const title of titles) {
    const found = members.flatMap((m, i) => perMember[i].filter((c) => c.title === title).map((c) => ({ m, c })));
    const same =
      found.length === members.length &&
      found.every(({ c }) => c.reason === found[0].c.reason && c.fix === found[0].c.fix && c.severity === found[0].c.severity);
    if (same) {
      checks.push(found[0].c);
      continue;
    }
    const worst = found.find(({ c }) => c.severity === 'error') ?? found[0];
    const fixes = [...new Set(found.map(({ c }) => c.fix).filter(Boolean))];
    checks.push({ ...worst.c, reason: found.map(({ m, c }) => `${m.metadata.name}: ${c.reason ?? c.title}`).join(' '), fix: fixes.join(' ') || undefined });
  }
  return checks;
}

/** The pair as a whole: every member there (replicated.com/backup-count) and Completed. */
function completeness(members: readonly VeleroBackup[]): Check[] {
  const out: Check[] = [];
  const expected = expectedCount(members[0]);
  if (members.length < expected) {
    const lacking = expected === 2 && members.length === 1 ? `; the ${memberType(members[0]) === 'infra' ? 'app' : 'infra'} backup is missing` : '';
    out.push(
      err(
        'Backup incomplete',
        `Only ${members.length} of the ${expected} Velero Backups KOTS makes for this backup exist (${members.map(label).join(', ')})${lacking}. It can only be restored whole (replicated.com/backup-count).`,
        'Velero syncs backups from the storage one by one: wait a minute and refresh. If it stays missing, pick another backup.',
      ),
    );
  } else if (members.length > expected) {
    out.push(
      err(
        'Backup incomplete',
        `${members.length} Velero Backups carry this backup's name (${members.map(label).join(', ')}), but replicated.com/backup-count says ${expected}.`,
        'Pick another backup; this one was edited or made by another tool.',
      ),
    );
  }
  const status = rollupStatus(members.map((m) => statusFromPhase(m.status?.phase ?? '')));
  if (status !== 'Completed') {
    const notDone = members.filter((m) => m.status?.phase !== 'Completed').map((m) => `${label(m)} ${memberState(m)}`);
    const [title, fix] = STATUS_WORDS[status];
    out.push(err(title, `${notDone.join('; ')}; only a backup whose Velero Backups all Completed can be restored.`, fix));
  }
  return out;
}

const STATUS_WORDS: Record<Exclude<ReplicatedStatus, 'Completed'>, [string, string]> = {
  InProgress: ['Backup not finished', 'Wait for it to finish, then refresh.'],
  Failed: ['Backup did not complete', 'Pick a Completed backup, or take a new one on the Backups screen.'],
  Deleting: ['Backup being deleted', 'Pick another backup.'],
};

function memberState(b: VeleroBackup): string {
  const phase = b.status?.phase ?? '';
  const status = statusFromPhase(phase);
  if (status === 'Failed') return `ended ${phase}${b.status?.errors ? ` with ${b.status.errors} error(s)` : ''}`;
  if (status === 'Deleting') return 'is being deleted';
  return `is ${phase || 'not started yet'}`;
}

/** A row as the wizard lists it: a single Backup as eligibility.ts describes it; a pair combined. */
export function describeRow(row: BackupRow, ctx: EligibilityContext): RestoreBackup {
  if (isSingle(row)) return describeBackup(row.members[0], ctx);
  const { members } = row;
  const parts = members.map((m) => describeBackup(m, ctx));
  const first = parts[0];
  const checks = rowChecks(row, ctx);
  const status = members.length !== expectedCount(members[0]) ? 'Failed' : rollupStatus(members.map((m) => statusFromPhase(m.status?.phase ?? '')));
  const phase = status === 'Completed' ? 'Completed' : (members.map((m) => m.status?.phase ?? '').find((p) => p && statusFromPhase(p) === status) ?? status);
  const apps = new Map<string, RestoreBackup['apps'][number]>();
  for (const p of parts) for (const a of p.apps) if (!apps.get(a.slug)?.version) apps.set(a.slug, a);
  const items = parts.map((p) => p.itemsBackedUp);
  return {
    ...first,
    name: row.name,
    phase,
    startedAt: earliest(parts.map((p) => p.startedAt)),
    completedAt: parts.every((p) => p.completedAt) ? latest(parts.map((p) => p.completedAt)) : undefined,
    expiresAt: earliest(parts.map((p) => p.expiresAt)),
    apps: [...apps.values()],
    embeddedCluster: parts.some((p) => p.embeddedCluster),
    instance: parts.every((p) => p.instance),
    itemsBackedUp: items.some((n) => n !== undefined) ? items.reduce<number>((t, n) => t + (n ?? 0), 0) : undefined,
    errors: parts.reduce((t, p) => t + p.errors, 0),
    warnings: parts.reduce((t, p) => t + p.warnings, 0),
    restorable: !checks.some((c) => c.severity === 'error'),
    checks,
    veleroBackups: members.map((m) => ({ name: m.metadata.name, type: memberType(m), phase: m.status?.phase ?? '' })),
  };
}
