/**
 * Velero 1.18's controller manager always binds controller-runtime's metrics listener to ":8080"
 * (`velero server` has no flag for it; --metrics-address is Velero's own, second listener). The lab runs
 * every Velero server as a local process, so two labs on one machine would fight over :8080 and the
 * second Velero would crash-loop with "bind: address already in use". Each lab therefore runs a private
 * copy of the velero binary whose ":8080" default is replaced by a 4-digit port derived from the lab's
 * port base. Only the bare 5-byte string is replaced; ":8080" inside longer strings (URLs such as
 * "localhost:8080" in help texts) is left alone. The CLI behaviour of the copy is unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A 4-digit port (same width as "8080", so the binary's string table keeps its layout). */
export function metricsPortFor(portBase: number): number {
  return 1000 + (Math.floor(portBase / 10) % 9000);
}

/**
 * Ports the lab's Services listen on (on the lab's 127.x addresses: kotsadm 3000, kotsadm-rqlite
 * 4001/4002, MinIO 9000…) or kotsadm binds itself (its support-bundle server, :3030). A pod
 * process binding ":port" on every address would collide with them (kotsadm on a 30000-based lab
 * got :4001 and crash-looped with "bind: address already in use").
 */
const SERVICE_PORTS = new Set([3000, 3030, 4001, 4002, 5432, 8000, 8080, 8085, 9000, 9001]);

/**
 * The 4-digit ports a lab gives its Velero server and kotsadm pods, one each: the 24 after the
 * lab's own (metricsPortFor(base)) less any Service port. Lab port bases are at least 250 apart,
 * so these never meet another lab's.
 */
export function podMetricsPortsFor(portBase: number): number[] {
  const first = metricsPortFor(portBase) + 1;
  return Array.from({ length: 24 }, (_, i) => first + i).filter((p) => !SERVICE_PORTS.has(p));
}

/** Replaces the one bare ":8080" in the binary; returns the patched bytes, or undefined when there is not exactly one. */
export function patchMetricsPort(binary: Buffer, port: number): Buffer | undefined {
  return patchPortLiteral(binary, ':8080', port);
}

/** Writes the patched copy to `dest`; false (nothing written) when the binary does not have the expected shape. */
export function writeVeleroWithMetricsPort(source: string, dest: string, port: number): boolean {
  return writeBinaryWithPort(source, dest, ':8080', port);
}

/**
 * The same for another program's bare port literal (kotsadm's ":3000", kots pkg/apiserver/server.go):
 * replaces every occurrence not inside a longer address ("….local:3000"); false when there is not
 * exactly one such occurrence or the port's width differs.
 */
export function patchPortLiteral(binary: Buffer, literal: string, port: number): Buffer | undefined {
  const text = `:${port}`;
  if (text.length !== literal.length) throw new Error(`port ${port} must have ${literal.length - 1} digits to fit in place of ${literal}`);
  const out = Buffer.from(binary);
  const needle = Buffer.from(literal);
  let patched = 0;
  for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + 1)) {
    const before = out.subarray(Math.max(0, i - 12), i).toString('latin1');
    const after = out[i + needle.length];
    // Part of a longer address ("….svc.cluster.local:3000", "localhost:3000", "1.2.3.4:3000") or a
    // longer number: not the bare literal. (Go packs string literals end to end, so the bytes before
    // the bare one are another literal's, e.g. "pipe2".)
    if (/(localhost|\.local|internal\.|\.svc|\d+\.\d+)$/.test(before) || (after !== undefined && after >= 0x30 && after <= 0x39)) continue;
    out.write(text, i, 'latin1');
    patched++;
  }
  return patched === 1 ? out : undefined;
}

export function writeBinaryWithPort(source: string, dest: string, literal: string, port: number): boolean {
  const patched = patchPortLiteral(readFileSync(source), literal, port);
  if (!patched) return false;
  writeFileSync(dest, patched, { mode: 0o755 });
  return true;
}
