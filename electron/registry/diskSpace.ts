/**
 * Room on the disk an export writes to. An export of a registry is hundreds of megabytes to many
 * gigabytes; a disk that fills up half-way must end in a message that says so — which folder, how
 * much is free, how much more is needed, and that what was written is kept for a resume — not in
 * Node's "ENOSPC: no space left on device, write", which the operator would read as a bug.
 *
 * Two guards: a check before the first blob is fetched (`requireFreeSpace`: needs per file system
 * against statfs's space available to this user), and the mapping of a write that failed anyway
 * (another program filled the disk meanwhile: `diskFullError`).
 */
import { promises as fsp } from 'node:fs';
import { LifeboatError } from '../api/errors.js';

/** Bytes to be written into a directory. */
export interface SpaceNeed {
  dir: string;
  bytes: number;
}

export interface SpaceProbe {
  /** Bytes this user may still write on the file system holding `dir`. */
  available(dir: string): Promise<number>;
  /** The file system's identity (stat's dev), so needs on one disk add up. */
  device(dir: string): Promise<number>;
}

export const systemSpace: SpaceProbe = {
  async available(dir) {
    const s = await fsp.statfs(dir);
    return s.bavail * s.bsize;
  },
  async device(dir) {
    return (await fsp.stat(dir)).dev;
  },
};

/** Kept free beyond the data itself: index files, partial renames, the file system's own needs. */
export const SPACE_MARGIN_BYTES = 16 * 1024 * 1024;

/** "1.4 GB", "812 MB", "900 kB" (decimal units, as df -H and file managers show free space). */
export function humanBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

function diskFull(dir: string, message: string, details: Record<string, unknown>): LifeboatError {
  return new LifeboatError(
    'DISK_FULL',
    message,
    `Free space on the disk holding ${dir}, or choose a folder on another disk, then run the export again: what is already written there is kept and not fetched again.`,
    { dir, ...details },
  );
}

/** Refuses (DISK_FULL) when a file system has less room than the needs on it add up to. */
export async function requireFreeSpace(needs: SpaceNeed[], probe: SpaceProbe = systemSpace): Promise<void> {
  const byDevice = new Map<number, { dir: string; bytes: number }>();
  for (const n of needs) {
    if (n.bytes <= 0) continue;
    const dev = await probe.device(n.dir);
    const seen = byDevice.get(dev);
    byDevice.set(dev, { dir: seen?.dir ?? n.dir, bytes: (seen?.bytes ?? 0) + n.bytes });
  }
  for (const { dir, bytes } of byDevice.values()) {
    const free = await probe.available(dir);
    if (free < bytes + SPACE_MARGIN_BYTES) {
      throw diskFull(dir, `The export needs ${humanBytes(bytes)} more in ${dir}, but its disk has ${humanBytes(free)} free. Nothing more was fetched.`, {
        neededBytes: bytes,
        freeBytes: free,
      });
    }
  }
}

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A write that failed because the disk (or the user's quota) is full, as DISK_FULL naming `dir`; a
 * DISK_FULL from deeper down (a blob's folder) is said again about `dir`, the folder the operator
 * chose. Else undefined.
 */
export function diskFullError(e: unknown, dir: string): LifeboatError | undefined {
  const code = e instanceof LifeboatError ? (e.code === 'DISK_FULL' ? e.details?.errno : undefined) : (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !FULL_CODES.has(code)) return undefined;
  const what = code === 'EDQUOT' ? "this user's disk quota there is used up" : 'its disk is full';
  return diskFull(dir, `The export could not write to ${dir}: ${what} (${code}). It stopped; what was written is kept.`, { errno: code });
}
