/**
 * Test-only workaround for a lab limitation: the lab runs every Velero server as a local process,
 * and Velero 1.18's controller manager always binds its metrics listener to :8080 (controller-runtime's
 * default; `velero server` has no flag for it). So only ONE lab on a machine can run a Velero server;
 * the others crash-loop with "listen tcp :8080: bind: address already in use" — and this lab's Velero
 * would block the shared lab's. The setup tests install Velero in their own lab, so they give that
 * lab's `velero` a private copy whose default is :2709 instead (the 5-byte string in the binary's
 * string table; the two ":8080" inside longer URLs are left alone). Only this lab's tools dir changes.
 */
import { copyFileSync, existsSync, lstatSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '../lab/state.js';

export function giveVeleroItsOwnMetricsPort(lab: LabState, port = '2709'): boolean {
  const link = join(lab.toolsDir, 'velero');
  const own = join(lab.dir, 'velero-own-metrics-port');
  if (lstatSync(link).isSymbolicLink() && realpathSync(link) === own) return true;
  const original = realpathSync(link);
  const buf = readFileSync(original);
  const needle = Buffer.from(':8080');
  let patched = 0;
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) {
    const before = buf.subarray(Math.max(0, i - 12), i).toString('latin1');
    if (/localhost$|internal\.$/.test(before)) continue;
    buf.write(`:${port}`, i, 'latin1');
    patched++;
  }
  if (patched !== 1) return false;
  writeFileSync(own, buf, { mode: 0o755 });
  rmSync(link, { force: true });
  symlinkSync(own, link);
  return existsSync(link) && !!copyFileSync;
}
