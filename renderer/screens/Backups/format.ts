/** Formatting and list rules for the Backups screen (pure; unit-tested). */
import { isRunningPhase } from '../../../electron/api/backupPhases.js';
import type { BackupSummary, FollowedBackup } from '../../../electron/api/contract.js';
import { bytes, type Tone } from '../../format.js';

/**
 * "5,001": digits grouped by thousands, as the English UI reads them. Not toLocaleString(): its
 * first call loads the locale data (~20 ms on a cold page, in the way of the list's first paint).
 */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function phaseTone(phase: string): Tone {
  if (phase === 'Completed') return 'ok';
  if (phase === 'PartiallyFailed' || phase === 'Deleting') return 'warning';
  if (phase === 'Failed' || phase === 'FailedValidation') return 'error';
  return 'progress';
}

export function followedTone(f: FollowedBackup): Tone {
  return f.state === 'succeeded' ? 'ok' : f.state === 'attention' ? 'warning' : f.state === 'failed' || f.state === 'lost' ? 'error' : 'progress';
}

export const typeLabel = { full: 'Full', partial: 'Partial (legacy)', other: 'Other' } as const;

export function backupDurationMs(b: BackupSummary, now = Date.now()): number | undefined {
  if (!b.startedAt) return undefined;
  const end = b.completedAt ? Date.parse(b.completedAt) : now;
  return end - Date.parse(b.startedAt);
}

export type SortKey = 'created' | 'name' | 'phase' | 'duration' | 'items' | 'size';
export interface ListFilter {
  query: string;
  type: 'all' | 'full' | 'partial' | 'other';
  phase: 'all' | 'running' | 'completed' | 'problems';
  sort: SortKey;
  desc: boolean;
}

export { isRunningPhase };

export function filterAndSort(all: Iterable<BackupSummary>, f: ListFilter): BackupSummary[] {
  const q = f.query.trim().toLowerCase();
  const out: BackupSummary[] = [];
  for (const b of all) {
    if (f.type !== 'all' && b.type !== f.type) continue;
    if (f.phase === 'running' && !isRunningPhase(b.phase)) continue;
    if (f.phase === 'completed' && b.phase !== 'Completed') continue;
    if (f.phase === 'problems' && !(b.phase === 'PartiallyFailed' || b.phase === 'Failed' || b.phase === 'FailedValidation' || b.errors > 0 || b.warnings > 0))
      continue;
    if (
      q &&
      !(
        b.name.toLowerCase().includes(q) ||
        b.apps.some((a) => a.slug.includes(q) || a.version?.toLowerCase().includes(q)) ||
        (b.trigger ?? '').includes(q) ||
        b.phase.toLowerCase().includes(q) ||
        !!b.veleroBackups?.some((v) => v.name.includes(q))
      )
    )
      continue;
    out.push(b);
  }
  const dir = f.desc ? -1 : 1;
  const key = (b: BackupSummary): string | number => {
    switch (f.sort) {
      case 'name':
        return b.name;
      case 'phase':
        return b.phase;
      case 'duration':
        return backupDurationMs(b) ?? -1;
      case 'items':
        return b.itemsBackedUp ?? -1;
      case 'size':
        return b.sizeBytes ?? -1;
      default:
        return b.createdAt ?? b.startedAt ?? '';
    }
  };
  // Keys computed once and compared with < / > (not localeCompare): thousands of rows sort in a few ms.
  const keyed = out.map((b) => ({ b, k: key(b) }));
  keyed.sort((x, y) => (x.k < y.k ? -dir : x.k > y.k ? dir : x.b.name < y.b.name ? -1 : x.b.name > y.b.name ? 1 : 0));
  return keyed.map((x) => x.b);
}

/** "instance-x (infra, Completed), application-y (app, Completed) · 1 of 3 missing" (improved DR). */
export function veleroBackupsText(b: Pick<BackupSummary, 'veleroBackups' | 'expectedBackups'>): string | undefined {
  if (!b.veleroBackups) return undefined;
  const missing =
    b.expectedBackups && b.expectedBackups > b.veleroBackups.length ? ` · ${b.expectedBackups - b.veleroBackups.length} of ${b.expectedBackups} missing` : '';
  return b.veleroBackups.map((v) => `${v.name} (${v.type}, ${v.phase})`).join(', ') + missing;
}

/** The backup's size in the store, with why it is approximate or unknown when Lifeboat knows. */
export function sizeText(b: Pick<BackupSummary, 'sizeBytes' | 'sizeNote'>): string {
  return b.sizeBytes === undefined ? `— ${b.sizeNote ? `(${b.sizeNote})` : ''}` : `${bytes(b.sizeBytes)}${b.sizeNote ? ` · ${b.sizeNote}` : ''}`;
}

/** What the backup selects: its label selectors joined by "or", else everything. */
export function selectsText(spec: { labelSelector?: string; orLabelSelectors: string[] }): string {
  return [spec.labelSelector, ...spec.orLabelSelectors].filter(Boolean).join(' or ') || 'everything';
}

/** How many resources the backup's resource list names, over all kinds. */
export function resourceCount(resources: Record<string, string[]>): number {
  return Object.values(resources).reduce((n, x) => n + x.length, 0);
}

/** The retention units the schedule panel offers. */
export const RETENTION_UNITS = ['hours', 'days', 'weeks', 'months', 'years'] as const;
export type RetentionFormUnit = (typeof RETENTION_UNITS)[number];

/** KOTS's retention unit ("month" or "months") as one the form offers, or undefined if it is none. */
export function retentionFormUnit(unit: string): RetentionFormUnit | undefined {
  const u = unit.endsWith('s') ? unit : `${unit}s`;
  return (RETENTION_UNITS as readonly string[]).includes(u) ? (u as RetentionFormUnit) : undefined;
}
