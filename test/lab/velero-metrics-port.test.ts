import { describe, expect, it } from 'vitest';
import { metricsPortFor, patchMetricsPort, podMetricsPortsFor } from './velero-metrics-port.js';

describe('velero metrics port patch', () => {
  it('gives every lab port base its own 4-digit port', () => {
    const bases = [26000, 27000, 28000, 29000, 30000, 31000, 32000];
    const ports = bases.map(metricsPortFor);
    expect(new Set(ports).size).toBe(bases.length);
    for (const p of ports) expect(String(p)).toHaveLength(4);
    expect(ports).not.toContain(8080);
  });

  it('gives each lab 24 more 4-digit ports for its Velero server pods, none shared with another lab', () => {
    const bases = [22000, 22250, 24000, 26000, 27000, 29000, 31000, 37500, 65000];
    const all = bases.flatMap((b) => [metricsPortFor(b), ...podMetricsPortsFor(b)]);
    expect(new Set(all).size).toBe(all.length);
    for (const p of all) expect(String(p)).toHaveLength(4);
    // Each can really be patched in (a 5-digit port from the container block could not).
    for (const p of podMetricsPortsFor(26000)) expect(patchMetricsPort(Buffer.from('x:8080'), p)).toBeDefined();
  });

  it("never hands a pod a port the lab's Services listen on (kotsadm-rqlite's 4001 on a 30000-based lab)", () => {
    expect(podMetricsPortsFor(30000)).not.toContain(4001);
    expect(podMetricsPortsFor(30000)).not.toContain(4002);
    expect(podMetricsPortsFor(30000).length).toBeGreaterThanOrEqual(20);
    expect(podMetricsPortsFor(20250)).not.toContain(3030);
  });

  it('replaces only the bare :8080, not the ones inside URLs', () => {
    const bin = Buffer.from('AUGE%v %v%v/%v:8080UST...http://localhost:8080Bac...google.internal.:8080Rem');
    const out = patchMetricsPort(bin, 3600)!.toString('latin1');
    expect(out).toContain('%v/%v:3600UST');
    expect(out).toContain('localhost:8080Bac');
    expect(out).toContain('internal.:8080Rem');
    expect(out).toHaveLength(bin.length);
  });

  it('refuses a binary without exactly one bare :8080 (a Velero whose layout changed)', () => {
    expect(patchMetricsPort(Buffer.from('no port here'), 3600)).toBeUndefined();
    expect(patchMetricsPort(Buffer.from('a:8080 b:8080'), 3600)).toBeUndefined();
    expect(() => patchMetricsPort(Buffer.from('x:8080'), 80)).toThrow(/4 digits/);
  });
});

describe('patchPortLiteral (kotsadm\'s ":3000")', () => {
  it('moves the one bare literal, even right after another packed literal, and leaves addresses and longer numbers alone', async () => {
    const { patchPortLiteral } = await import('./velero-metrics-port.js');
    const bin = Buffer.from('xxpipe2:3000linux%s.svc.cluster.local:3000fail localhost:3000 10.0.0.1:3000 :30001');
    expect(patchPortLiteral(bin, ':3000', 3007)?.toString()).toBe('xxpipe2:3007linux%s.svc.cluster.local:3000fail localhost:3000 10.0.0.1:3000 :30001');
    expect(patchPortLiteral(Buffer.from('a:3000b:3000c'), ':3000', 3007)).toBeUndefined(); // two: ambiguous
    expect(() => patchPortLiteral(bin, ':3000', 30070)).toThrow(/4 digits/);
  });
});
