import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { VeleroBackup } from '../../velero/types.js';
import { appBackup, completed, DR_NAME, infraBackup, running } from './improvedDr.test-fixtures.js';
import { BackupRows, type BackupsDelta } from './rows.js';
import { backup, harness } from './scope.test-fixtures.js';

function rowsOver(backups: VeleroBackup[]) {
  const h = harness({ backups });
  const sizes = new Map<string, number>();
  const located: string[] = [];
  const deltas: BackupsDelta[] = [];
  const rows = new BackupRows({
    scope: h.scope,
    sizes: { info: (b) => ({ bytes: sizes.get(b.metadata.name) }), locationChanged: (l) => void located.push(l.metadata.name) },
    emit: (d) => deltas.push(d),
    deltaMs: 1,
  });
  return { ...h, rows, sizes, located, deltas };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const created = (name: string, at: string) => backup(name, running(), { creationTimestamp: at });

describe('BackupRows', () => {
  it('lists newest first (then by name), a pair as one row, and keeps the list while nothing changes', () => {
    const { rows } = rowsOver([
      created('b', '2026-11-23T09:00:00Z'),
      created('a', '2026-11-23T09:00:00Z'),
      infraBackup(completed(1)),
      appBackup(completed(2)),
      created('c', '2026-11-23T11:00:00Z'),
    ]);
    const list = rows.list();
    expect(list.map((s) => s.name)).toEqual(['c', DR_NAME, 'a', 'b']);
    expect(rows.list()).toBe(list);
    expect(rows.rows()).toBe(rows.rows());
  });

  it('a watch event marks its row; the batch upserts what is there and removes what is gone', async () => {
    const { cluster, rows, deltas } = rowsOver([infraBackup(completed(1)), appBackup(running())]);
    rows.reset();
    expect(deltas[0]).toMatchObject({ reset: true, removed: [] });
    const done = appBackup(completed(2));
    cluster.backups = [infraBackup(completed(1)), done];
    expect(rows.apply('backups', done as KubernetesObject)).toBe(true);
    expect(rows.touched(DR_NAME)).toBe(true);
    rows.scheduleFlush();
    await tick();
    expect(deltas[1]).toMatchObject({ upserted: [{ name: DR_NAME, phase: 'Completed' }], removed: [] });
    expect(rows.touched(DR_NAME)).toBe(false);
    const gone = cluster.backups;
    cluster.backups = [];
    for (const b of gone) rows.apply('backups', b as KubernetesObject);
    rows.scheduleFlush();
    await tick();
    expect(deltas[2]).toEqual({ upserted: [], removed: [DR_NAME] });
  });

  it('ignores Backups of other namespaces and other kinds; passes storage locations to the sizes', () => {
    const { rows, located } = rowsOver([]);
    expect(rows.apply('backups', backup('x', {}, { namespace: 'other' }) as KubernetesObject)).toBe(false);
    expect(rows.apply('restores', backup('x') as KubernetesObject)).toBe(false);
    expect(rows.apply('backupstoragelocations', { metadata: { name: 'default', namespace: 'velero' } })).toBe(false);
    expect(located).toEqual(['default']);
    expect(rows.touched('x')).toBe(false);
  });

  it('a size learnt later remakes the summary and goes out as a delta', async () => {
    const b = backup('a', completed(3));
    const { rows, sizes, deltas } = rowsOver([b]);
    expect(rows.summary(b).sizeBytes).toBeUndefined();
    expect(rows.summary(b)).toBe(rows.summary(b));
    sizes.set('a', 42);
    rows.sizesChanged(['a']);
    await tick();
    expect(rows.summary(b).sizeBytes).toBe(42);
    expect(deltas.at(-1)).toMatchObject({ upserted: [{ name: 'a', sizeBytes: 42 }] });
  });

  it('a PodVolumeBackup marks the Backup it belongs to', () => {
    const { rows } = rowsOver([backup('a', running())]);
    expect(rows.apply('podvolumebackups', { metadata: { name: 'p', namespace: 'velero', labels: { 'velero.io/backup-name': 'a' } } })).toBe(true);
    expect(rows.touched('a')).toBe(true);
  });
});
