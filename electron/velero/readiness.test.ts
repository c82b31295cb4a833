import { describe, expect, it } from 'vitest';
import type { Environment } from '../api/contract.js';
import { backupLocationCheck, isReady, restoreLocationCheck, restoreVeleroMissing, setupLocationChecks, veleroServerChecks } from './readiness.js';
import type { BackupStorageLocation } from './types.js';

const velero = (over: Partial<Environment['velero']>) =>
  ({ velero: { installed: true, ready: true, namespace: 'velero', version: 'v1.18.3', plugins: [], storageLocations: [], ...over } }) as unknown as Environment;
const bsl = (status: BackupStorageLocation['status']): BackupStorageLocation => ({
  metadata: { name: 'default', namespace: 'velero' },
  spec: { provider: 'aws', objectStorage: { bucket: 'b' } },
  status,
});

describe('Velero readiness checks', () => {
  it('the server: not installed, not running, running; nothing before the environment is known', () => {
    expect(veleroServerChecks(null)).toEqual([]);
    expect(veleroServerChecks(velero({ installed: false }))).toMatchObject([{ ok: false, severity: 'error', title: 'Velero is not installed' }]);
    expect(veleroServerChecks(velero({ ready: false }))).toMatchObject([
      { ok: false, title: 'Velero is not running', fix: expect.stringMatching(/kubectl -n velero get pods/) },
    ]);
    expect(veleroServerChecks(velero({}))).toEqual([{ ok: true, severity: 'ok', title: 'Velero v1.18.3 is running' }]);
  });

  it("the location for a backup: the watched object first, else the detector's copy", () => {
    expect(backupLocationCheck(undefined, undefined)).toMatchObject({ ok: false, title: 'No backup storage location' });
    expect(backupLocationCheck(bsl({ phase: 'Unavailable', message: 'denied' }), undefined)).toMatchObject({
      ok: false,
      title: 'Storage location "default" is Unavailable',
      reason: 'Velero would refuse the backup (FailedValidation): denied',
    });
    expect(backupLocationCheck(undefined, { name: 'default', provider: 'aws', isDefault: true, phase: 'Available' })).toEqual({
      ok: true,
      severity: 'ok',
      title: 'Storage location "default" is Available',
    });
  });

  it('the location for a restore and for setup, and when it is ready (Available and synced)', () => {
    expect(restoreVeleroMissing()).toMatchObject({ ok: false, title: 'Velero is not installed' });
    expect(restoreLocationCheck(bsl({ phase: 'Available', lastSyncedTime: 't' }), 2)).toMatchObject({
      ok: true,
      title: 'Backups visible',
      reason: '2 backups synced from b.',
    });
    expect(setupLocationChecks(undefined).map((c) => c.ok)).toEqual([false, false]);
    expect(setupLocationChecks(bsl({ phase: 'Available', lastSyncedTime: 't', lastValidationTime: 'v' })).map((c) => c.reason)).toEqual([
      'Available (aws b), validated v.',
      'Last synced t.',
    ]);
    expect(isReady(bsl({ phase: 'Available' }))).toBe(false);
    expect(isReady(bsl({ phase: 'Available', lastSyncedTime: 't' }))).toBe(true);
  });
});
