/**
 * Lifeboat's JSON state files in the data directory (wizard state, the followed backup, registry
 * jobs) are read through here. A file that cannot be read as what its store expects — torn by a
 * power cut, truncated, edited by hand, written by another version — never stops start-up and is
 * never silently overwritten: it is renamed to `<file>.corrupt-<timestamp>` (kept for the operator
 * or a bug report) and reported (Activity shows it, see app.ts), and the store starts fresh.
 */
import { readFileSync, renameSync, statSync } from 'node:fs';
import { basename, sep } from 'node:path';

export interface MovedAside {
  /** The state file that could not be used. */
  file: string;
  /** Where it is now (undefined when even the rename failed). */
  movedTo?: string;
  /** What was wrong, in a few words. */
  reason: string;
  /** What the store does instead ("the restore wizard starts over"). */
  consequence: string;
  at: string;
}

/** Larger than any state file Lifeboat writes: a bigger one is not Lifeboat's. */
export const MAX_STATE_FILE_BYTES = 32 * 1024 * 1024;

const listeners = new Set<(m: MovedAside) => void>();
const unclaimed: MovedAside[] = [];

/**
 * Calls `fn` for every state file under `dataDir` moved aside from now on, and for those moved aside
 * before anyone listened (a store built before the app subscribed). Returns the unsubscribe.
 */
export function onStateFileMovedAside(dataDir: string, fn: (m: MovedAside) => void): () => void {
  const mine = (m: MovedAside) => m.file.startsWith(dataDir.endsWith(sep) ? dataDir : dataDir + sep);
  const l = (m: MovedAside) => {
    if (mine(m)) fn(m);
  };
  for (let i = unclaimed.length - 1; i >= 0; i--) {
    if (mine(unclaimed[i])) {
      fn(unclaimed[i]);
      unclaimed.splice(i, 1);
    }
  }
  listeners.add(l);
  return () => listeners.delete(l);
}

function report(m: MovedAside): void {
  console.warn(`Lifeboat: ${m.file} ${m.reason}; ${m.movedTo ? `moved aside to ${basename(m.movedTo)}` : 'it could not be moved aside'}; ${m.consequence}.`);
  if (listeners.size) for (const l of listeners) l(m);
  else {
    unclaimed.push(m);
    if (unclaimed.length > 100) unclaimed.shift();
  }
}

/** Renames `file` to `<file>.corrupt-<timestamp>` and reports it. Never throws. */
export function moveAside(file: string, reason: string, consequence: string): MovedAside {
  const at = new Date().toISOString();
  let movedTo: string | undefined = `${file}.corrupt-${at.replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, movedTo);
  } catch {
    movedTo = undefined;
  }
  const m: MovedAside = { file, movedTo, reason, consequence, at };
  report(m);
  return m;
}

/**
 * Reads a JSON state file. Missing: undefined. Otherwise the parsed value when `accept` takes it;
 * anything else (unreadable, not a regular file, empty, over MAX_STATE_FILE_BYTES, not JSON, not
 * the expected shape) is moved aside and reported, and undefined is returned.
 */
export function readStateFile<T>(file: string, accept: (v: unknown) => { ok: true; value: T } | { ok: false; why: string }, consequence: string): T | undefined {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      moveAside(file, 'is not a regular file', consequence);
      return undefined;
    }
    if (st.size > MAX_STATE_FILE_BYTES) {
      moveAside(file, `is ${st.size} bytes, more than Lifeboat ever writes there`, consequence);
      return undefined;
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    moveAside(file, `could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, consequence);
    return undefined;
  }
  if (!text.trim()) {
    moveAside(file, 'is empty (a write that never finished)', consequence);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    moveAside(file, `is not valid JSON (${printable((err as Error).message.split('\n')[0].slice(0, 160))})`, consequence);
    return undefined;
  }
  const r = accept(raw);
  if (r.ok) return r.value;
  moveAside(file, `does not hold what Lifeboat expects (${r.why.slice(0, 200)})`, consequence);
  return undefined;
}

/** Control and non-ASCII bytes quoted from a garbled file, shown as "?". */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

/** `accept` for a zod schema. */
export function bySchema<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }) {
  return (v: unknown): { ok: true; value: T } | { ok: false; why: string } => {
    const p = schema.safeParse(v);
    if (p.success) return { ok: true, value: p.data };
    const i = p.error.issues[0];
    return { ok: false, why: i ? `${i.path.map(String).join('.') || '(top level)'}: ${i.message}` : 'schema mismatch' };
  };
}
