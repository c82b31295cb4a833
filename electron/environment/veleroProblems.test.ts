/**
 * What compute.test.ts does not reach through computeEnvironment: the storage locations' own
 * problems and the wording when Velero is not found.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { BackupStorageLocationInfo } from '../api/contract.js';
import { veleroProblems, type VeleroFacts } from './veleroProblems.js';

const bsl = (over: Partial<BackupStorageLocationInfo> = {}): BackupStorageLocationInfo => ({
  name: 'default',
  provider: 'aws',
  bucket: 'b',
  isDefault: true,
  phase: 'Available',
  ...over,
});
const facts = (over: Partial<VeleroFacts> = {}): VeleroFacts => ({
  velero: {
    installed: true,
    ready: true,
    plugins: [],
    fileSystemBackup: { kind: 'node-agent', ready: true, desired: 1, available: 1 },
    storageLocations: [],
  },
  veleroNs: 'velero',
  server: { metadata: { name: 'velero' } } as V1Deployment,
  fsb: undefined,
  bsls: [bsl()],
  veleroImage: undefined,
  imageVersion: undefined,
  version: undefined,
  ...over,
});
const none = new Set<never>();
const titles = (v: VeleroFacts) => veleroProblems(v, none).map((p) => p.title);

describe('veleroProblems', () => {
  it('a running Velero with its node agent and an available default location has none', () => {
    expect(titles(facts())).toEqual([]);
  });

  it('no storage location at all is an error: backups have nowhere to go', () => {
    expect(veleroProblems(facts({ bsls: [] }), none)).toMatchObject([{ ok: false, severity: 'error', title: 'No backup storage' }]);
  });

  it('locations but none marked default is a warning (KOTS expects one named default)', () => {
    expect(veleroProblems(facts({ bsls: [bsl({ isDefault: false })] }), none)).toMatchObject([
      { ok: false, severity: 'warning', title: 'No default backup storage' },
    ]);
  });

  it('each location that is not Available is an error with its own message, or the bucket it cannot reach', () => {
    const problems = veleroProblems(
      facts({ bsls: [bsl(), bsl({ name: 'second', isDefault: false, phase: 'Unavailable', bucket: 'other' }), bsl({ name: 'new', phase: undefined })] }),
      none,
    );
    expect(problems).toMatchObject([{ severity: 'error', title: 'Backup storage second is Unavailable', reason: 'Velero cannot reach bucket other.' }]);
    expect(veleroProblems(facts({ bsls: [bsl({ phase: 'Unavailable', message: 'AccessDenied' })] }), none)[0].reason).toBe('AccessDenied');
  });

  it('not installed: says where it looked, and nothing else is checked', () => {
    expect(veleroProblems(facts({ server: undefined, bsls: [] }), none)).toMatchObject([
      { title: 'Velero is not installed', reason: 'No Velero Deployment was found in namespace velero.' },
    ]);
    expect(veleroProblems(facts({ server: undefined, veleroNs: undefined }), none)[0].reason).toMatch(/KOTS names no Velero namespace/);
  });
});
