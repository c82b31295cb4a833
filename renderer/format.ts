/** Small pure formatting helpers shared by the screens. */
import type { JournalEntry, PermissionCheck } from '../electron/api/contract.js';

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A size or an amount moved, in binary units as Velero and registries count them: "0 B", "512 B",
 * "1.5 KiB", "12.3 MiB", "600 MiB", "2.3 GiB" (one decimal below 100, none above). "—" when
 * unknown: undefined, not a number, or negative (which no size is).
 */
export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return '—';
  let v = n;
  let unit = -1;
  // Move up a unit when the shown value would read 1024 or more ("1.0 MiB", never "1024 KiB").
  while (unit < BYTE_UNITS.length - 1 && Math.round(v) >= 1024) {
    v /= 1024;
    unit++;
  }
  if (unit < 0) return `${Math.round(v)} B`;
  return `${v < 99.95 ? v.toFixed(1) : v.toFixed(0)} ${BYTE_UNITS[unit]}`;
}

/** "1 tag", "3 tags": a count with its word, plural unless one. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3f2a9c1b0d4e…": the first 12 hex digits of a digest, without "sha256:". */
export const shortDigest = (d: string) => `${d.replace(/^sha256:/, '').slice(0, 12)}…`;

/** "just now", "3 min ago", "2 h ago", "5 days ago"; future times read "in 3 min". */
export function relativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown time';
  const diff = now - t;
  const abs = Math.abs(diff);
  const future = diff < 0;
  const say = (n: number, unit: string) => (future ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (abs < 45_000) return future ? 'in a moment' : 'just now';
  if (abs < 60 * 60_000) return say(Math.max(1, Math.round(abs / 60_000)), 'min');
  if (abs < 24 * 60 * 60_000) return say(Math.round(abs / (60 * 60_000)), 'h');
  const days = Math.round(abs / (24 * 60 * 60_000));
  return say(days, days === 1 ? 'day' : 'days');
}

/** Absolute local time for tooltips and tables, e.g. "2026-11-23 19:20:05". */
export function absoluteTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function duration(ms: number | undefined): string {
  if (ms === undefined || ms < 0 || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How long an entry ran, or has been running so far. */
export function entryDuration(entry: JournalEntry, now: number = Date.now()): string {
  if (entry.durationMs !== undefined) return duration(entry.durationMs);
  const start = Date.parse(entry.startedAt);
  if (Number.isNaN(start)) return '—';
  const end = entry.finishedAt ? Date.parse(entry.finishedAt) : now;
  return duration(end - start);
}

/** A command line as the operator would type it; arguments with spaces or quotes are quoted. */
export function commandLine(tool: string, args: string[]): string {
  const quote = (a: string) => (a === '' || /[\s"'$`\\]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a);
  return [tool, ...args].map(quote).join(' ');
}

/** "list backups.velero.io in namespace velero", "create namespaces (cluster-wide)". */
export function permissionLabel(p: PermissionCheck): string {
  const resource = p.group ? `${p.resource}.${p.group}` : p.resource;
  const where = p.namespace ? `in namespace ${p.namespace}` : '(cluster-wide)';
  return `${p.verb} ${resource} ${where}`;
}

/** Missing permissions grouped by what they are for: one reason, the exact grants under it. */
export function groupByPurpose(missing: PermissionCheck[]): { purpose: string; labels: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of missing) groups.set(p.purpose, [...(groups.get(p.purpose) ?? []), permissionLabel(p)]);
  return [...groups].map(([purpose, labels]) => ({ purpose, labels }));
}

export type Tone = 'ok' | 'warning' | 'error' | 'neutral' | 'progress';

/** Mantine colour for a tone: calm greens/ambers/reds, grey for "nothing to say". */
export function toneColor(tone: Tone): string {
  switch (tone) {
    case 'ok':
      return 'teal';
    case 'warning':
      return 'yellow';
    case 'error':
      return 'red';
    case 'progress':
      return 'blue';
    default:
      return 'gray';
  }
}

export function outcomeTone(outcome: JournalEntry['outcome']): Tone {
  switch (outcome) {
    case 'succeeded':
      return 'ok';
    case 'running':
      return 'progress';
    case 'cancelled':
      return 'neutral';
    case 'timed-out':
      return 'warning';
    default:
      return 'error';
  }
}

/** A BackupStorageLocation phase: Available is good, Unavailable is bad, anything else is unknown. */
export function bslPhaseTone(phase: string | undefined): Tone {
  if (!phase) return 'warning';
  if (phase.toLowerCase() === 'available') return 'ok';
  if (phase.toLowerCase() === 'unavailable') return 'error';
  return 'warning';
}

export const flavourLabel: Record<string, string> = {
  kurl: 'kURL cluster',
  'embedded-cluster': 'Embedded Cluster',
  existing: 'Existing cluster',
  unknown: 'Unknown',
};

export const kubeconfigOriginLabel: Record<string, string> = {
  KUBECONFIG: '$KUBECONFIG',
  home: '~/.kube/config',
  kurl: 'kURL host',
  'embedded-cluster': 'Embedded Cluster host',
  chosen: 'Chosen by you',
};
