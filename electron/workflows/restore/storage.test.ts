import { describe, expect, it } from 'vitest';
import { env, legacyBackup, location } from './restore.test-fixtures.js';
import { restoreLocationCheck as storageCheck } from '../../velero/readiness.js';
import { readStorage } from './storage.js';
import type { BackupStorageLocation } from '../../velero/types.js';

const reader =
  (locations: BackupStorageLocation[], backups = [legacyBackup('a'), legacyBackup('b')]) =>
  () => ({ locations: async () => locations, backups: async () => backups });

describe('readStorage', () => {
  it('without Velero: not ready, one error, and Velero is never asked', async () => {
    const s = await readStorage(env({ veleroInstalled: false }), 'velero', () => {
      throw new Error('must not be read');
    });
    expect(s).toMatchObject({ veleroInstalled: false, backupCount: 0, ready: false, checks: [{ severity: 'error', title: 'Velero is not installed' }] });
    expect((await readStorage(null, 'velero', reader([]))).veleroInstalled).toBe(false);
  });

  it('counts the backups of the default location only, and is ready once it synced', async () => {
    const other = { ...legacyBackup('elsewhere'), spec: { storageLocation: 'second' } };
    const s = await readStorage(
      env(),
      'velero',
      reader([location('second', { spec: { provider: 'gcp' } }), location()], [legacyBackup('a'), other, legacyBackup('b')]),
    );
    expect(s).toMatchObject({ veleroInstalled: true, veleroNamespace: 'velero', veleroVersion: 'v1.18.3', backupCount: 2, ready: true });
    expect(s.location).toMatchObject({ name: 'default', provider: 'aws', bucket: 'backups', accessMode: 'ReadWrite', phase: 'Available' });
    expect(s.checks).toEqual([{ ok: true, severity: 'ok', title: 'Backups visible', reason: '2 backups synced from backups.' }]);
  });

  it('not ready until the location is Available and synced', async () => {
    const unavailable = location('default', { status: { phase: 'Unavailable', lastSyncedTime: '2026-05-01T00:00:00Z' } });
    expect((await readStorage(env(), 'velero', reader([unavailable]))).ready).toBe(false);
    expect((await readStorage(env(), 'velero', reader([location('default', { status: { phase: 'Available' } })]))).ready).toBe(false);
  });

  it('no location at all: an error, not ready', async () => {
    const s = await readStorage(env(), 'velero', reader([]));
    expect(s).toMatchObject({ ready: false, backupCount: 0, location: undefined, checks: [{ title: 'No backup storage location' }] });
  });
});

describe('storageCheck', () => {
  it('names the worst problem first', () => {
    expect(storageCheck(location('default', { status: { phase: 'Unavailable', message: 'bad creds' } }), 3)).toMatchObject({
      ok: false,
      title: 'Storage not available',
      reason: 'Storage location default is Unavailable: bad creds',
    });
    expect(storageCheck(location('default', { status: {} }), 3)).toMatchObject({ reason: 'Storage location default is not validated yet.' });
    expect(storageCheck(location('default', { status: { phase: 'Available' } }), 3)).toMatchObject({
      ok: true,
      severity: 'warning',
      title: 'Waiting for Velero to read the backups',
    });
    expect(storageCheck(location(), 0)).toMatchObject({ severity: 'warning', title: 'No backups found' });
    expect(storageCheck(location(), 1).reason).toBe('1 backup synced from backups.');
  });
});
