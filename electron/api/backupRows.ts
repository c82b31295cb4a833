/**
 * The Backups list on the wire, compact: one tuple of numbers per backup (string cells are indexes
 * into one table of distinct strings; timestamps are epoch milliseconds), so thousands of backups
 * cost a fraction of the bytes, parse time and validation of an array of objects. Both sides use
 * this module (the renderer imports it without zod); `backups.rows` carries it.
 *
 * Pure and lossless for what a BackupSummary holds: decode(encode(list)) deep-equals list.
 */
import type { BackupSummary } from './contract.js';

type Kind = 's' | 'n' | 't' | 'j';
/** Field order and kind: s = string (table), n = number, t = timestamp (ms), j = JSON (table). */
export const BACKUP_ROW_FIELDS: ReadonlyArray<readonly [keyof BackupSummary, Kind]> = [
  ['name', 's'],
  ['namespace', 's'],
  ['uid', 's'],
  ['type', 's'],
  ['phase', 's'],
  ['trigger', 's'],
  ['requestedAt', 't'],
  ['createdAt', 't'],
  ['startedAt', 't'],
  ['completedAt', 't'],
  ['expiresAt', 't'],
  ['storageLocation', 's'],
  ['apps', 'j'],
  ['itemsBackedUp', 'n'],
  ['totalItems', 'n'],
  ['errors', 'n'],
  ['warnings', 'n'],
  ['hooksAttempted', 'n'],
  ['hooksFailed', 'n'],
  ['volumes', 'j'],
  ['failureReason', 's'],
  ['validationErrors', 'j'],
  ['sizeBytes', 'n'],
  ['sizeNote', 's'],
  ['veleroBackups', 'j'],
  ['expectedBackups', 'n'],
];

export interface BackupRowsWire {
  v: 1;
  strings: string[];
  rows: Array<Array<number | null>>;
}

/** Timestamps that are not plain RFC 3339 UTC (second or millisecond precision) stay strings. */
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

export function encodeBackupRows(list: readonly BackupSummary[]): BackupRowsWire {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows = list.map((b) =>
    BACKUP_ROW_FIELDS.map(([field, kind]) => {
      const v = b[field] as unknown;
      if (v === undefined || v === null) return null;
      switch (kind) {
        case 'n':
          return v as number;
        case 't': {
          const s = v as string;
          // Second-precision stamps as seconds (odd), millisecond ones as ms×2 (even): both exact.
          if (TS.test(s)) return s.length === 20 ? (Date.parse(s) / 1000) * 2 + 1 : Date.parse(s) * 2;
          return -1 - str(s); // anything else: the string itself
        }
        case 'j':
          return str(JSON.stringify(v));
        default:
          return str(v as string);
      }
    }),
  );
  return { v: 1, strings, rows };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
/** "YYYY-MM-DDT" per day number: thousands of stamps share a few days (Date per stamp is slow). */
const days = new Map<number, string>();

function stamp(n: number, strings: string[]): string {
  if (n < 0) return strings[-1 - n];
  const ms = n % 2 === 1 ? ((n - 1) / 2) * 1000 : n / 2;
  const day = Math.floor(ms / 86_400_000);
  let prefix = days.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    if (days.size > 10_000) days.clear();
    days.set(day, prefix);
  }
  const rest = ms - day * 86_400_000;
  const sec = Math.floor(rest / 1000);
  const hms = `${prefix}${pad(Math.floor(sec / 3600))}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
  if (n % 2 === 1) return `${hms}Z`;
  const milli = rest % 1000;
  return `${hms}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

// The field list as two flat arrays: the decode loop runs once per cell of thousands of rows, most
// of it before V8 has optimized it, where destructuring [field, kind] per cell costs an iterator.
const FIELD_NAMES: readonly string[] = BACKUP_ROW_FIELDS.map(([field]) => field);
const FIELD_KINDS: readonly Kind[] = BACKUP_ROW_FIELDS.map(([, kind]) => kind);

export function decodeBackupRows(w: BackupRowsWire): BackupSummary[] {
  const { strings, rows } = w;
  // Rows share a few distinct apps/volumes values: parse each once and share it, frozen (nothing
  // in the window changes a summary in place).
  const parsed = new Map<number, unknown>();
  const json = (i: number) => {
    let v = parsed.get(i);
    if (v === undefined) {
      v = deepFreeze(JSON.parse(strings[i]));
      parsed.set(i, v);
    }
    return v;
  };
  // A backup's stamps are mostly one second (requested, created, started; a quick one completed
  // too): the last one made is reused, and building the strings is most of the decode's time.
  let lastStamp = NaN;
  let lastText = '';
  const n = FIELD_NAMES.length;
  const out: BackupSummary[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const b: Record<string, unknown> = {};
    for (let f = 0; f < n; f++) {
      const v = row[f];
      if (v === null || v === undefined) continue;
      const kind = FIELD_KINDS[f];
      if (kind === 't' && v !== lastStamp) {
        lastStamp = v;
        lastText = stamp(v, strings);
      }
      b[FIELD_NAMES[f]] = kind === 'n' ? v : kind === 's' ? strings[v] : kind === 't' ? lastText : json(v);
    }
    out[r] = b as unknown as BackupSummary;
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Cheap shape check of the wire form (every cell a number or null; indexes inside the table). */
export function isBackupRowsWire(v: unknown): v is BackupRowsWire {
  if (!v || typeof v !== 'object') return false;
  const w = v as BackupRowsWire;
  if (w.v !== 1 || !Array.isArray(w.strings) || !Array.isArray(w.rows)) return false;
  for (const s of w.strings) if (typeof s !== 'string') return false;
  const n = BACKUP_ROW_FIELDS.length;
  for (const row of w.rows) {
    if (!Array.isArray(row) || row.length !== n) return false;
    for (let f = 0; f < n; f++) {
      const c = row[f];
      if (c === null) continue;
      if (typeof c !== 'number' || !Number.isFinite(c)) return false;
      const kind = BACKUP_ROW_FIELDS[f][1];
      if ((kind === 's' || kind === 'j') && (c < 0 || c >= w.strings.length || !Number.isInteger(c))) return false;
      if (kind === 't' && c < 0 && -1 - c >= w.strings.length) return false;
    }
  }
  return true;
}
