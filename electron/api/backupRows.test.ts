import { describe, expect, it } from 'vitest';
import { BackupSummary } from './contract.js';
import { decodeBackupRows, encodeBackupRows, isBackupRowsWire } from './backupRows.js';

const full: BackupSummary = {
  name: 'instance-abc12',
  namespace: 'velero',
  uid: '0b7c5f0e-1111-4222-8333-444455556666',
  type: 'full',
  phase: 'PartiallyFailed',
  trigger: 'manual',
  requestedAt: '2026-11-23T10:00:00Z',
  createdAt: '2026-11-23T10:00:01Z',
  startedAt: '2026-11-23T10:00:02.123Z',
  completedAt: 'not a timestamp',
  expiresAt: '2026-12-23T10:00:02Z',
  storageLocation: 'default',
  apps: [{ slug: 'sample-app', version: '1.0.0' }, { slug: 'other' }],
  itemsBackedUp: 40,
  totalItems: 42,
  errors: 2,
  warnings: 1,
  hooksAttempted: 3,
  hooksFailed: 1,
  volumes: { total: 1, completed: 0, failed: 1, bytesDone: 10, totalBytes: 20 },
  failureReason: 'boom',
  validationErrors: ['a', 'b'],
  sizeBytes: 123456,
  sizeNote: 'Objects under backups/instance-abc12/',
  // improved disaster recovery: one row for the two Velero Backups KOTS made together
  veleroBackups: [
    { name: 'instance-7xk2p', type: 'infra', phase: 'Completed' },
    { name: 'application-9fq4z', type: 'app', phase: 'PartiallyFailed' },
  ],
  expectedBackups: 2,
};
const bare: BackupSummary = {
  name: 'b',
  namespace: 'velero',
  type: 'other',
  phase: 'New',
  apps: [],
  errors: 0,
  warnings: 0,
  volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
};

describe('compact backup rows', () => {
  it('round-trips every field exactly, optional ones left out', () => {
    const wire = encodeBackupRows([full, bare]);
    expect(isBackupRowsWire(wire)).toBe(true);
    const back = decodeBackupRows(JSON.parse(JSON.stringify(wire)));
    expect(back).toEqual([full, bare]);
    expect(Object.keys(back[1]!)).not.toContain('uid');
    for (const b of back) expect(BackupSummary.safeParse(b).success).toBe(true);
  });

  it('is several times smaller than the objects for many similar backups', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      ...full,
      name: `bench-${i}`,
      uid: `uid-${i}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString().replace('.000Z', 'Z'),
    }));
    const objects = JSON.stringify(many).length;
    const compact = JSON.stringify(encodeBackupRows(many)).length;
    expect(compact * 3).toBeLessThan(objects);
  });

  it('rejects a malformed wire form (bad index, wrong row length, strings in cells)', () => {
    const wire = encodeBackupRows([full]);
    expect(isBackupRowsWire({ ...wire, rows: [[...wire.rows[0]!.slice(1)]] })).toBe(false);
    expect(isBackupRowsWire({ ...wire, rows: [wire.rows[0]!.map((c, i) => (i === 0 ? 9999 : c))] })).toBe(false);
    expect(isBackupRowsWire({ ...wire, rows: [wire.rows[0]!.map((c, i) => (i === 13 ? ('x' as unknown as number) : c))] })).toBe(false);
    expect(isBackupRowsWire(null)).toBe(false);
  });
});

describe('timestamps', () => {
  it('come back exactly as written, second and millisecond precision, across days', () => {
    const stamps = [
      '1999-12-31T23:59:59Z',
      '2026-01-01T00:00:00Z',
      '2026-02-28T09:05:07.005Z',
      '2026-02-28T09:05:07.050Z',
      '2026-02-28T09:05:07.500Z',
      '2030-06-15T12:00:00.000Z',
    ];
    const list = stamps.map((t, i) => ({ ...bare, name: `t${i}`, createdAt: t }));
    expect(decodeBackupRows(encodeBackupRows(list)).map((b) => b.createdAt)).toEqual(stamps);
  });
});
