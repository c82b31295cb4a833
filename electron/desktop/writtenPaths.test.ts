import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../api/contract.js';
import { WrittenPaths, writtenPathsIn } from './writtenPaths.js';

const job = (over: Partial<RegistryJob> = {}): RegistryJob => ({
  id: 'j1',
  kind: 'export',
  state: 'succeeded',
  startedAt: '2026-01-01T00:00:00Z',
  registry: '10.96.0.11:5000',
  path: '/backups/registry',
  origin: 'registry',
  ...over,
});

describe('writtenPathsIn: what Lifeboat says it wrote', () => {
  it('a finished export: its layout folder and its .tar', () => {
    expect(writtenPathsIn('registry.job', job({ tarPath: '/backups/registry.tar' }))).toEqual(['/backups/registry', '/backups/registry.tar']);
    expect(writtenPathsIn('registry.jobs', [job(), job({ id: 'j2', path: '/b/two' })])).toEqual(['/backups/registry', '/b/two']);
  });

  it('not a running or failed export, and never what a re-seed read', () => {
    expect(writtenPathsIn('registry.job', job({ state: 'running' }))).toEqual([]);
    expect(writtenPathsIn('registry.job', job({ state: 'failed' }))).toEqual([]);
    expect(writtenPathsIn('registry.job', job({ kind: 'reseed', path: '/home/op/.ssh' }))).toEqual([]);
  });

  it("a restore's saved reports and a full backup's finished registry export", () => {
    expect(
      writtenPathsIn('restore.report', { fileName: 'r', json: '{}', markdown: '#', savedTo: ['/data/restore/reports/r.json', '/data/restore/reports/r.md'] }),
    ).toHaveLength(2);
    expect(writtenPathsIn('restore.changed', { run: { reportPath: '/data/restore/reports/r.md' } })).toEqual(['/data/restore/reports/r.md']);
    expect(writtenPathsIn('backups.followed', { registry: { state: 'succeeded', dest: '/exports/reg' } })).toEqual(['/exports/reg']);
    expect(writtenPathsIn('backups.followed', { registry: { state: 'running', dest: '/exports/reg' } })).toEqual([]);
    expect(writtenPathsIn('backups.followed', null)).toEqual([]);
  });

  it('ignores relative paths, other methods and shapes it does not expect', () => {
    expect(writtenPathsIn('restore.report', { savedTo: ['relative/r.md', ''] })).toEqual([]);
    expect(writtenPathsIn('cluster.status', { kubeconfigPath: '/home/op/.kube/config' })).toEqual([]);
    expect(writtenPathsIn('registry.jobs', 'nonsense')).toEqual([]);
    expect(writtenPathsIn('toString', {})).toEqual([]);
  });
});

describe('WrittenPaths: the allow-list of "Show in folder"', () => {
  it('allows exactly the paths noted, however spelled', () => {
    const w = new WrittenPaths();
    w.note('registry.job', job());
    expect(w.has('/backups/registry')).toBe(true);
    expect(w.has('/backups//registry')).toBe(true);
    expect(w.has('/backups/x/../registry')).toBe(true);
  });

  it('refuses every other path: parents, children, siblings, relative spellings', () => {
    const w = new WrittenPaths();
    w.note('registry.job', job());
    for (const p of ['/backups', '/backups/registry/blobs', '/backups/registry2', 'backups/registry', '/etc/passwd', '/backups/registry/../../etc'])
      expect(w.has(p)).toBe(false);
  });

  it('keeps the newest when it is full', () => {
    const w = new WrittenPaths(2);
    for (const p of ['/a', '/b', '/c']) w.add(p);
    expect([w.has('/a'), w.has('/b'), w.has('/c')]).toEqual([false, true, true]);
  });
});
