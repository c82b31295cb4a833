/** Files of an OCI layout directory: where a blob lives, atomic writes, streaming sha256. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { digestHex } from './mediaTypes.js';
import { openNewFile } from './safeFs.js';

export function blobPath(root: string, digest: string): string {
  return path.join(root, 'blobs', 'sha256', digestHex(digest));
}

/**
 * Write a file atomically: a new temp file (unguessable name, O_EXCL|O_NOFOLLOW, 0600) renamed over
 * `file` (rename replaces a symlink there, never writes through it).
 */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const fh = await openNewFile(tmp);
  try {
    await fh.writeFile(data);
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, file);
}

/** sha256 digest and size of a file, streaming. */
export async function hashFile(
  file: string,
  onBytes?: (n: number) => void,
  range?: { start: number; size: number },
): Promise<{ digest: string; size: number }> {
  const h = createHash('sha256');
  let n = 0;
  const opts = range ? { start: range.start, end: range.start + range.size - 1, highWaterMark: 1 << 20 } : { highWaterMark: 1 << 20 };
  if (range && range.size === 0) return { digest: `sha256:${h.digest('hex')}`, size: 0 };
  for await (const c of createReadStream(file, opts)) {
    h.update(c as Buffer);
    n += (c as Buffer).length;
    onBytes?.((c as Buffer).length);
  }
  return { digest: `sha256:${h.digest('hex')}`, size: n };
}
