/**
 * What Lifeboat reads from a registry archive (layout.ts, tar.ts, layoutSource.ts) and how it says
 * an archive is damaged.
 */
import { LifeboatError } from '../api/errors.js';

/**
 * Bounds on what is read from an archive into memory, checked before anything is allocated: a
 * pax extended header or GNU long name/link record (real ones are a few hundred bytes), and the
 * JSON documents (oci-layout, index.json, manifests; registries cap manifests at 4 MiB too).
 */
export const MAX_TAR_META_BYTES = 1 << 20;
export const MAX_JSON_BYTES = 4 << 20;
const DAMAGED_HINT = 'The archive is damaged or not a Lifeboat registry export; export it again.';
export const MiB = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;

export function damaged(message: string, details?: Record<string, unknown>): LifeboatError {
  return new LifeboatError('ARCHIVE_INVALID', message, DAMAGED_HINT, details);
}

/** A byte count read from an archive: a finite, non-negative safe integer, else a clear error. */
export function checkedSize(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw damaged(`${what} has an invalid size (${value}).`, { size: String(value) });
  return value;
}
