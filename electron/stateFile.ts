/**
 * Lifeboat's JSON state files in the data directory (the setup and restore wizards, the followed
 * backup, registry jobs), each kept by one StateStore:
 *
 * - read: a file that cannot be read as what its store expects — torn by a power cut, truncated,
 *   edited by hand, written by another version — never stops start-up and is never silently
 *   overwritten: it is renamed to `<file>.corrupt-<timestamp>` (kept for the operator or a bug
 *   report) and reported (Activity shows it, see app.ts), and the store starts fresh;
 * - write: atomic — a temp file beside it, flushed to disk, then renamed over it — so a reader (or
 *   the next start) sees the old content or the new, never half of either;
 * - revision: every write carries one more than any before it in this process and than the one
 *   loaded, so a newer snapshot can be told from an older one (setup's `rev`).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, promises as fsp, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';

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
export function readStateFile<T>(
  file: string,
  accept: (v: unknown) => { ok: true; value: T } | { ok: false; why: string },
  consequence: string,
): T | undefined {
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
export function bySchema<T>(schema: {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}) {
  return (v: unknown): { ok: true; value: T } | { ok: false; why: string } => {
    const p = schema.safeParse(v);
    if (p.success) return { ok: true, value: p.data };
    const i = p.error.issues[0];
    return { ok: false, why: i ? `${i.path.map(String).join('.') || '(top level)'}: ${i.message}` : 'schema mismatch' };
  };
}

type Accept<T> = (v: unknown) => { ok: true; value: T } | { ok: false; why: string };

export interface StateStoreOptions<T> {
  file: string;
  /** What the file must hold (`bySchema(...)`). */
  accept: Accept<T>;
  /** What the store does instead when the file cannot be used ("the restore wizard starts over"). */
  consequence: string;
  /** The revision a stored value carries, if it keeps one (setup's `rev`): revisions continue from it. */
  revisionOf?: (v: T) => number | undefined;
  /** Serialise: default JSON with two-space indent. */
  serialise?: (v: T) => string;
}

let tmpSeq = 0;

/** Writes `body` to `file` atomically (temp file in the same folder, fsync, rename); 0600 in a 0700 folder. */
export function writeFileAtomic(file: string, body: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** writeFileAtomic without blocking the event loop. */
async function writeFileAtomicAsync(file: string, body: string): Promise<void> {
  await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** One JSON state file: read once through readStateFile, written whole and atomically, with a revision. */
export class StateStore<T> {
  private rev = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: StateStoreOptions<T>) {}

  get file(): string {
    return this.opts.file;
  }

  /** The revision of the last write (or of the value loaded); 0 before either. */
  get revision(): number {
    return this.rev;
  }

  /** The stored value; undefined when there is none or it could not be used (moved aside, reported). */
  load(): T | undefined {
    const v = readStateFile(this.opts.file, this.opts.accept, this.opts.consequence);
    this.rev = (v !== undefined ? this.opts.revisionOf?.(v) : undefined) ?? 0;
    return v;
  }

  /**
   * Writes a value atomically, now. Its revision is one more than every earlier one and than
   * `seen` (a revision the caller's value already carries); `value` may be built from it.
   */
  save(value: T | ((revision: number) => T), seen = 0): T {
    const rev = Math.max(this.rev, seen) + 1;
    const v = typeof value === 'function' ? (value as (revision: number) => T)(rev) : value;
    writeFileAtomic(this.opts.file, this.serialise(v));
    this.rev = rev;
    return v;
  }

  /**
   * Writes in the background, one write after another in call order (the last call's value ends up
   * on disk). Resolves when this one is done; a failed write is swallowed (the next one retries).
   */
  saveLater(value: T): Promise<void> {
    const body = this.serialise(value);
    this.writing = this.writing
      .then(async () => {
        await writeFileAtomicAsync(this.opts.file, body);
        this.rev++;
      })
      .catch(() => {});
    return this.writing;
  }

  private serialise(v: T): string {
    return this.opts.serialise ? this.opts.serialise(v) : JSON.stringify(v, null, 2);
  }
}
