import { describe, expect, it } from 'vitest';
import type { ClusterStatus, Environment } from '../electron/api/contract.js';
import { backupReadiness, registryReadiness, restoreReadiness, setupReadiness } from './readiness.js';

const cluster: ClusterStatus = { state: 'connected', context: 'lab', server: 'https://k:6443', contexts: [], permissions: [], missingPermissions: [] };

function env(over: Partial<Environment> = {}, velero: Partial<Environment['velero']> = {}): Environment {
  return {
    detectedAt: '2026-11-23T12:00:00Z',
    kots: { found: true, namespace: 'default', version: 'v1.131.4', ready: true, apps: [{ slug: 'app' }] },
    flavour: 'existing',
    flavourReason: 'r',
    airgap: { airgapped: false, reason: 'online' },
    velero: {
      installed: true,
      namespace: 'velero',
      version: 'v1.18.3',
      ready: true,
      plugins: [],
      fileSystemBackup: { kind: 'node-agent', ready: true, desired: 1, available: 1 },
      storageLocations: [{ name: 'default', provider: 'aws', isDefault: true, phase: 'Available' }],
      ...velero,
    },
    compatibility: { verdict: 'compatible', reason: 'fine' },
    problems: [],
    ...over,
  };
}

describe('readiness', () => {
  it('is not ready when not connected, and says where to connect', () => {
    const r = backupReadiness(null, null);
    expect(r.ready).toBe(false);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0].fix).toMatch(/Overview/);
  });

  it('carries the cluster error message and hint', () => {
    const r = backupReadiness({ ...cluster, state: 'error', error: { code: 'CERTIFICATE_EXPIRED', message: 'expired', hint: 'renew' } }, null);
    expect(r.checks[0]).toMatchObject({ ok: false, reason: 'expired', fix: 'renew' });
  });

  it('asks for detection when connected but nothing is detected', () => {
    const r = backupReadiness(cluster, null);
    expect(r.ready).toBe(false);
    expect(r.checks[1].title).toBe('Environment detected');
  });

  it('backups are ready on a healthy cluster', () => {
    expect(backupReadiness(cluster, env()).ready).toBe(true);
  });

  it('backups are blocked without Velero or with an unavailable BSL', () => {
    expect(backupReadiness(cluster, env({}, { installed: false })).ready).toBe(false);
    const r = backupReadiness(
      cluster,
      env({}, { storageLocations: [{ name: 'default', provider: 'aws', isDefault: true, phase: 'Unavailable', message: 'no bucket' }] }),
    );
    expect(r.ready).toBe(false);
    expect(r.checks.find((c) => !c.ok)?.reason).toMatch(/Unavailable: no bucket/);
  });

  it('restore tolerates a missing admin console (a full restore brings it back)', () => {
    const r = restoreReadiness(cluster, env({ kots: { found: false, apps: [] } }));
    expect(r.ready).toBe(true);
    expect(r.checks.find((c) => c.title.startsWith('KOTS'))?.severity).toBe('warning');
  });

  it('setup lists missing permissions as blocking', () => {
    const p = { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'velero', allowed: false, purpose: 'install Velero' };
    expect(setupReadiness({ ...cluster, missingPermissions: [p] }, env()).ready).toBe(false);
  });

  it('registry: air-gapped without a known registry is blocking', () => {
    expect(registryReadiness(cluster, env({ airgap: { airgapped: true, reason: 'x' } })).ready).toBe(false);
    expect(registryReadiness(cluster, env()).ready).toBe(true);
  });
});
