/** Where a registry job reads and writes on this machine: the export destination and the re-seed source, checked before anything runs. */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { RegistryPathCheck } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';

/** The nearest existing ancestor of a path (the path itself if it exists). */
export async function nearestExisting(p: string): Promise<string> {
  let cur = p;
  for (;;) {
    if (
      await fsp.stat(cur).then(
        () => true,
        () => false,
      )
    )
      return cur;
    const up = path.dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

export async function writable(dir: string): Promise<boolean> {
  return fsp.access(dir, fsc.W_OK | fsc.X_OK).then(
    () => true,
    () => false,
  );
}

const no = (reason: string, fix: string): RegistryPathCheck => ({ ok: false, resumable: false, reason, fix });

/** The export directory: new under a writable folder, or an earlier export (resumable: it is continued). */
async function checkDir(dest: string): Promise<RegistryPathCheck | { resumable: boolean }> {
  if (!path.isAbsolute(dest)) return no(`"${dest}" is not an absolute path.`, 'Give the full path of a directory on this machine.');
  const st = await fsp.stat(dest).catch(() => null);
  if (st) {
    if (!st.isDirectory()) return no(`${dest} exists and is not a directory.`, 'Choose a new or empty directory, or the directory of an earlier export.');
    const names = await fsp.readdir(dest).catch(() => null);
    if (!names) return no(`Lifeboat cannot read ${dest}.`, 'Check its permissions.');
    if (names.length && !names.includes('oci-layout'))
      return no(
        `${dest} already holds other files and is not a registry export.`,
        'Choose a new or empty directory; Lifeboat does not write into folders it did not create.',
      );
    if (!(await writable(dest))) return no(`${dest} is not writable by this user.`, 'Choose a directory you may write to, or fix its permissions.');
    return { resumable: names.includes('oci-layout') };
  }
  const base = await nearestExisting(dest);
  const bst = await fsp.stat(base).catch(() => null);
  if (!bst?.isDirectory()) return no(`${base} is not a directory, so ${dest} cannot be created.`, 'Choose another location.');
  if (!(await writable(base))) return no(`${base} is not writable by this user, so ${dest} cannot be created.`, 'Choose a directory you may write to.');
  return { resumable: false };
}

/** The .tar beside the export directory; null when fine. */
async function checkTar(dest: string, tarPath: string): Promise<RegistryPathCheck | null> {
  if (!path.isAbsolute(tarPath)) return no(`"${tarPath}" is not an absolute path.`, 'Give the full path of the .tar file.');
  if (!tarPath.endsWith('.tar')) return no(`${tarPath} does not end in .tar.`, 'Name the archive something.tar.');
  const rel = path.relative(dest, tarPath);
  if (!rel.startsWith('..') && !path.isAbsolute(rel))
    return no('The .tar cannot be inside the export directory.', 'Put the .tar beside the directory instead.');
  const tst = await fsp.stat(tarPath).catch(() => null);
  if (tst?.isDirectory()) return no(`${tarPath} is a directory.`, 'Give a file name for the .tar.');
  const base = await nearestExisting(path.dirname(tarPath));
  if (!(await writable(base))) return no(`${path.dirname(tarPath)} is not writable by this user.`, 'Choose a directory you may write to.');
  return null;
}

/** Is this a writable export destination (and is an earlier export there to continue)? */
export async function checkDestination(dest: string, tarPath?: string): Promise<RegistryPathCheck> {
  const dir = await checkDir(dest);
  if ('ok' in dir) return dir;
  const tar = tarPath ? await checkTar(dest, tarPath) : null;
  if (tar) return tar;
  const { resumable } = dir;
  return { ok: true, resumable, reason: resumable ? 'An earlier export is here: running again continues it and adds what changed.' : undefined };
}

/** A re-seed source must be a finished export: a directory with index.json, or a file (.tar). */
export async function checkSource(source: string): Promise<void> {
  if (!path.isAbsolute(source))
    throw new LifeboatError('BAD_INPUT', `"${source}" is not an absolute path.`, 'Give the full path of the export directory or .tar.');
  const st = await fsp.stat(source).catch(() => null);
  if (!st) throw new LifeboatError('ARCHIVE_INVALID', `${source} does not exist.`, 'Choose the directory or .tar a registry export wrote.');
  if (st.isDirectory() && !(await fsp.stat(path.join(source, 'index.json')).catch(() => null))) {
    throw new LifeboatError(
      'ARCHIVE_INVALID',
      `${source} has no index.json: it is not a finished registry export.`,
      'Run the export to this directory again to finish it, or choose another archive.',
    );
  }
}
