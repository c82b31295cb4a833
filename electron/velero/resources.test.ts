import { describe, expect, it } from 'vitest';
import { backupApps, backupType, selectorText, summarizeBackup, volumeTotals } from './resources.js';
import { isRunningBackup, labelValue, type PodVolumeBackup, type VeleroBackup } from './types.js';

// Shaped like the objects KOTS creates (kots pkg/kotsadmsnapshot/backup.go at v1.131.4) and Velero completes.
const instance: VeleroBackup = {
  metadata: {
    name: 'instance-x7k2p',
    namespace: 'velero',
    uid: 'u-1',
    creationTimestamp: '2026-11-24T03:00:00Z',
    annotations: {
      'kots.io/instance': 'true',
      'kots.io/snapshot-trigger': 'schedule',
      'kots.io/snapshot-requested': '2026-11-24T03:00:00Z',
      'kots.io/apps-versions': '{"sample-app":"1.4.2","other-app":"0.9.0"}',
    },
  },
  spec: { storageLocation: 'default', includedNamespaces: ['kotsadm', 'sample-app'] },
  status: {
    phase: 'Completed',
    startTimestamp: '2026-11-24T03:00:01Z',
    completionTimestamp: '2026-11-24T03:01:40Z',
    expiration: '2026-12-24T03:00:01Z',
    progress: { totalItems: 120, itemsBackedUp: 120 },
    errors: 0,
    warnings: 2,
    hookStatus: { hooksAttempted: 3, hooksFailed: 1 },
  },
};

const partial: VeleroBackup = {
  metadata: {
    name: 'sample-app-m4q9z',
    namespace: 'velero',
    generateName: 'sample-app-',
    annotations: {
      'kots.io/snapshot-trigger': 'manual',
      'kots.io/app-id': '2ab3c',
      'kots.io/app-sequence': '7',
      'kots.io/snapshot-requested': '2026-11-24T02:00:00Z',
    },
  },
  spec: { labelSelector: { matchLabels: { 'kots.io/app-slug': 'sample-app' } }, includedNamespaces: ['sample-app'] },
  status: { phase: 'InProgress' },
};

const pvb = (phase: string, done: number, total: number): PodVolumeBackup => ({
  metadata: { name: `pvb-${phase}-${done}`, namespace: 'velero' },
  status: { phase, progress: { bytesDone: done, totalBytes: total } },
});

describe('backup type and apps from the kots.io annotations', () => {
  it('instance and improved-DR backups are full; app-id or app-sequence make a partial; anything else is other', () => {
    expect(backupType(instance)).toBe('full');
    expect(backupType({ metadata: { name: 'application-1', namespace: 'velero', annotations: { 'replicated.com/backup-type': 'app' } } })).toBe('full');
    expect(backupType(partial)).toBe('partial');
    expect(backupType({ metadata: { name: 'a', namespace: 'velero', annotations: { 'kots.io/app-sequence': '0' } } })).toBe('partial');
    expect(backupType({ metadata: { name: 'nightly-velero', namespace: 'velero' } })).toBe('other');
  });

  it('a full backup lists every app with its version label, sorted', () => {
    expect(backupApps(instance)).toEqual([
      { slug: 'other-app', version: '0.9.0' },
      { slug: 'sample-app', version: '1.4.2' },
    ]);
  });

  it("a partial backup names its app from the label selector and gives KOTS's sequence in place of a version", () => {
    expect(backupApps(partial)).toEqual([{ slug: 'sample-app', version: 'sequence 7' }]);
    const noSequence = { ...partial, metadata: { ...partial.metadata, annotations: { 'kots.io/app-id': '2ab3c' } } };
    expect(backupApps(noSequence)).toEqual([{ slug: 'sample-app' }]);
  });

  it('a malformed apps annotation falls back instead of throwing; nothing known gives no apps', () => {
    const broken = { metadata: { ...instance.metadata, annotations: { 'kots.io/apps-versions': '{not json' } } };
    expect(backupApps(broken)).toEqual([]);
    expect(backupApps({ ...broken, spec: partial.spec })).toEqual([{ slug: 'sample-app' }]);
  });
});

describe('the list summary of a Backup', () => {
  it('carries what the list shows, and leaves out what Velero has not said', () => {
    const s = summarizeBackup(instance, [pvb('Completed', 100, 100), pvb('Failed', 5, 50)], 4096);
    expect(s).toMatchObject({
      name: 'instance-x7k2p',
      type: 'full',
      phase: 'Completed',
      trigger: 'schedule',
      startedAt: '2026-11-24T03:00:01Z',
      completedAt: '2026-11-24T03:01:40Z',
      expiresAt: '2026-12-24T03:00:01Z',
      itemsBackedUp: 120,
      totalItems: 120,
      errors: 0,
      warnings: 2,
      hooksAttempted: 3,
      hooksFailed: 1,
      sizeBytes: 4096,
      volumes: { total: 2, completed: 1, failed: 1, bytesDone: 105, totalBytes: 150 },
    });
    const p = summarizeBackup(partial);
    expect(p.phase).toBe('InProgress');
    for (const k of ['completedAt', 'expiresAt', 'itemsBackedUp', 'failureReason', 'sizeBytes', 'validationErrors']) expect(p).not.toHaveProperty(k);
  });

  it('a Backup being deleted reads Deleting whatever its last phase; one without status is New', () => {
    expect(summarizeBackup({ ...instance, metadata: { ...instance.metadata, deletionTimestamp: '2026-11-24T04:00:00Z' } }).phase).toBe('Deleting');
    expect(summarizeBackup({ metadata: { name: 'b', namespace: 'velero' } }).phase).toBe('New');
  });

  it('running means a non-terminal phase and not being deleted', () => {
    expect(isRunningBackup(partial)).toBe(true);
    expect(isRunningBackup({ metadata: { name: 'b', namespace: 'velero' } })).toBe(true); // New: not picked up yet
    expect(isRunningBackup(instance)).toBe(false);
    expect(isRunningBackup({ ...partial, metadata: { ...partial.metadata, deletionTimestamp: 'x' } })).toBe(false);
  });
});

describe('helpers', () => {
  it("shortens label values the way Velero does (over 63 characters: first 57 + 6 hex of the name's SHA-256)", () => {
    expect(labelValue('instance-abc')).toBe('instance-abc');
    const long = `instance-${'x'.repeat(70)}`;
    const v = labelValue(long);
    expect(v).toHaveLength(63);
    expect(v.startsWith(long.slice(0, 57))).toBe(true);
    expect(v.slice(57)).toMatch(/^[0-9a-f]{6}$/);
    expect(labelValue(long)).toBe(v);
  });

  it('volume totals add up bytes and count failed and cancelled volumes as failed', () => {
    expect(volumeTotals([])).toEqual({ total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 });
    expect(volumeTotals([pvb('Canceled', 0, 10), pvb('InProgress', 3, 10)])).toEqual({ total: 2, completed: 0, failed: 1, bytesDone: 3, totalBytes: 20 });
  });

  it('selector text reads like kubectl', () => {
    expect(selectorText(undefined)).toBeUndefined();
    expect(
      selectorText({ matchLabels: { 'kots.io/app-slug': 'sample-app' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }),
    ).toBe('kots.io/app-slug=sample-app, tier in (web, db)');
  });
});
