import { describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../electron/api/contract.js';
import { count, filterAndSort, phaseTone, resourceCount, retentionFormUnit, selectsText, sizeText, veleroBackupsText } from './format.js';

const b = (name: string, extra: Partial<BackupSummary> = {}): BackupSummary => ({
  name,
  namespace: 'velero',
  type: 'full',
  phase: 'Completed',
  apps: [],
  errors: 0,
  warnings: 0,
  volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
  ...extra,
});

describe('backups list rules', () => {
  const all = [
    b('instance-a', { createdAt: '2026-01-01T00:00:00Z' }),
    b('instance-b', { createdAt: '2026-01-02T00:00:00Z', phase: 'InProgress' }),
    b('app-c', { type: 'partial', createdAt: '2026-01-03T00:00:00Z', errors: 1, phase: 'PartiallyFailed', apps: [{ slug: 'sample-app', version: '1.0.0' }] }),
  ];
  const f = { query: '', type: 'all' as const, phase: 'all' as const, sort: 'created' as const, desc: true };
  it('sorts newest first and filters', () => {
    expect(filterAndSort(all, f).map((x) => x.name)).toEqual(['app-c', 'instance-b', 'instance-a']);
    expect(filterAndSort(all, { ...f, phase: 'running' }).map((x) => x.name)).toEqual(['instance-b']);
    expect(filterAndSort(all, { ...f, phase: 'problems' }).map((x) => x.name)).toEqual(['app-c']);
    expect(filterAndSort(all, { ...f, type: 'partial' }).map((x) => x.name)).toEqual(['app-c']);
    expect(filterAndSort(all, { ...f, query: 'sample' }).map((x) => x.name)).toEqual(['app-c']);
    expect(filterAndSort(all, { ...f, sort: 'name', desc: false }).map((x) => x.name)).toEqual(['app-c', 'instance-a', 'instance-b']);
  });
  it('finds an improved-DR backup by either of its Velero Backup names', () => {
    const dr = b('my-app-1a2b3c4d', {
      veleroBackups: [
        { name: 'instance-7xk2p', type: 'infra', phase: 'Completed' },
        { name: 'application-9fq4z', type: 'app', phase: 'Completed' },
      ],
      expectedBackups: 2,
    });
    expect(filterAndSort([...all, dr], { ...f, query: 'application-9fq' }).map((x) => x.name)).toEqual(['my-app-1a2b3c4d']);
  });
  it('formats', () => {
    expect(sizeText({ sizeBytes: 1536, sizeNote: 'approximate' })).toBe('1.5 KiB · approximate');
    expect(phaseTone('FailedValidation')).toBe('error');
  });
  it('groups counts by thousands as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 5001, 12_345, 999_999, 1_234_567]) expect(count(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('backup detail wording', () => {
  it('lists the Velero Backups of an improved-DR backup, and how many are missing', () => {
    const veleroBackups = [{ name: 'instance-x', type: 'infra' as const, phase: 'Completed' }];
    expect(veleroBackupsText(b('a', { veleroBackups, expectedBackups: 1 }))).toBe('instance-x (infra, Completed)');
    expect(veleroBackupsText(b('a', { veleroBackups, expectedBackups: 3 }))).toBe('instance-x (infra, Completed) · 2 of 3 missing');
    expect(veleroBackupsText(b('a'))).toBeUndefined();
  });
  it('says the size in the store, with its note', () => {
    expect(sizeText({ sizeBytes: 2048 })).toBe('2.0 KiB');
    expect(sizeText({ sizeBytes: 2048, sizeNote: 'approximate' })).toBe('2.0 KiB · approximate');
    expect(sizeText({ sizeNote: 'not listed' })).toBe('— (not listed)');
    expect(sizeText({})).toBe('— ');
  });
  it('joins the label selectors with "or", else everything', () => {
    expect(selectsText({ labelSelector: 'a=b', orLabelSelectors: ['c=d'] })).toBe('a=b or c=d');
    expect(selectsText({ orLabelSelectors: [] })).toBe('everything');
  });
  it('counts the resources over all kinds', () => {
    expect(resourceCount({ pods: ['a', 'b'], secrets: ['c'] })).toBe(3);
    expect(resourceCount({})).toBe(0);
  });
  it("takes KOTS's retention unit, singular or plural, when the form offers it", () => {
    expect(retentionFormUnit('month')).toBe('months');
    expect(retentionFormUnit('days')).toBe('days');
    expect(retentionFormUnit('minutes')).toBeUndefined();
  });
});
