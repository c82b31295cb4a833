/**
 * Files and directories a registry export writes, so that nothing planted in the destination can
 * redirect a write: directories are created 0700, checked with lstat (a real directory, ours, not a
 * symbolic link, not writable by other users); new files are opened O_CREAT|O_EXCL|O_NOFOLLOW
 * (0600), existing ones O_NOFOLLOW after an lstat says they are regular files.
 */
import { constants, promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { LifeboatError } from '../api/errors.js';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW: fails on anything already there, a symlink included. */
export const NEW_FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
/** O_RDWR|O_NOFOLLOW: an existing regular file, never through a symlink. */
export const EXISTING_FILE_FLAGS = constants.O_RDWR | NOFOLLOW;

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Group/other-writable, unless sticky (only owners may delete or rename) and, when `ownedSticky`, owned by us. */
export function othersCanWrite(st: Pick<Stats, 'mode' | 'uid'>, opts: { ownedSticky?: boolean; me?: number } = {}): boolean {
  if ((st.mode & 0o022) === 0) return false;
  const sticky = (st.mode & 0o1000) !== 0;
  if (!sticky) return true;
  return opts.ownedSticky !== false && opts.me !== undefined && st.uid !== opts.me;
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  return fsp.lstat(p).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
}

/** Size of a regular file at `p` (lstat: a symlink or anything else is treated as absent). */
export async function regularFileSize(p: string): Promise<number | null> {
  const st = await lstatOrNull(p);
  return st?.isFile() ? st.size : null;
}

/**
 * A directory Lifeboat writes into: `what` names it in the refusal. `stickyAnyOwner` accepts a
 * sticky shared directory such as /tmp (for the tar, created O_EXCL there and renamed).
 */
export async function assertPrivateDir(dir: string, what: string, opts: { stickyAnyOwner?: boolean } = {}): Promise<void> {
  const st = await fsp.lstat(dir);
  if (st.isSymbolicLink()) {
    throw new LifeboatError(
      'BAD_INPUT',
      `${what} ${dir} is a symbolic link; Lifeboat does not export through links.`,
      'Give the real path of the directory (or a new one).',
      { path: dir },
    );
  }
  if (!st.isDirectory())
    throw new LifeboatError('BAD_INPUT', `${what} ${dir} is not a directory.`, 'Choose a new directory or the directory of an earlier export.', { path: dir });
  const me = uid();
  if (othersCanWrite(st, { me, ownedSticky: !opts.stickyAnyOwner })) {
    throw new LifeboatError(
      'BAD_INPUT',
      `${what} ${dir} is a directory other users can write (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}): they could replace or redirect the exported files.`,
      `Choose a directory only you can write to (e.g. under your home directory), or remove group/other write access: chmod go-w ${dir}.`,
      { path: dir, mode: st.mode & 0o7777 },
    );
  }
  if (me !== undefined && st.uid !== me && !opts.stickyAnyOwner) {
    throw new LifeboatError(
      'BAD_INPUT',
      `${what} ${dir} belongs to another user (uid ${st.uid}).`,
      'Choose a directory of your own, or a new one: Lifeboat creates it.',
      { path: dir, owner: st.uid },
    );
  }
}

/** Creates `dir` (and missing parents) 0700 and checks it, then each of `subdirs` under it. */
export async function preparePrivateDir(dir: string, subdirs: string[] = []): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  await assertPrivateDir(dir, 'The export directory');
  let at = dir;
  for (const sub of subdirs) {
    at = path.join(at, sub);
    const st = await lstatOrNull(at);
    if (!st) await fsp.mkdir(at, { mode: 0o700 });
    await assertPrivateDir(at, 'The export directory');
  }
}

/** Opens a new file for writing, 0600; fails if anything (a symlink included) is at `file`. */
export function openNewFile(file: string): Promise<fsp.FileHandle> {
  return fsp.open(file, NEW_FILE_FLAGS, 0o600);
}

/** Removes whatever is at `file` (a symlink itself, never its target), then opens it new. */
export async function replaceFile(file: string): Promise<fsp.FileHandle> {
  await fsp.rm(file, { force: true });
  return openNewFile(file);
}
