import { describe, expect, it } from 'vitest';
import type { Environment } from '../../api/contract.js';
import { backupReadiness } from './readiness.js';
import { backup, env, harness, location } from './scope.test-fixtures.js';

function check(init: Parameters<typeof harness>[0] = {}, opts: { env?: Environment | null; connected?: boolean; starting?: boolean } = {}) {
  const h = harness(init);
  if (opts.env !== undefined) h.state.env = opts.env;
  return backupReadiness({ scope: h.scope, connected: () => opts.connected ?? true, starting: () => opts.starting ?? false, dataDir: '/data' });
}

const blocking = (r: ReturnType<typeof check>) => r.checks.filter((c) => !c.ok).map((c) => c.title);

describe('backup readiness', () => {
  it('all good: ok, partial backups of the installed apps, no registry export on an existing cluster', () => {
    const r = check();
    expect(r).toMatchObject({ ok: true, partialAllowed: true, apps: ['my-app'], registryExport: { offered: false } });
    expect(r.checks.map((c) => c.title)).toEqual([
      'KOTS admin console in namespace kotsadm',
      'Velero v1.18.3 is running',
      'Storage location "default" is Available',
    ]);
  });

  it('not connected: one check, nothing else looked at', () => {
    expect(check({}, { connected: false })).toEqual({
      ok: false,
      checks: [expect.objectContaining({ title: 'Not connected to a cluster' })],
      partialAllowed: false,
      apps: [],
    });
  });

  it("the watched storage location decides over the detector's copy", () => {
    const r = check({ locations: [location('Unavailable')] });
    expect(r.ok).toBe(false);
    expect(blocking(r)).toEqual(['Storage location "default" is Unavailable']);
  });

  it('Velero down, no admin console, a backup being started: each blocks', () => {
    const e = env();
    expect(blocking(check({}, { env: { ...e, velero: { ...e.velero, ready: false } } }))).toEqual(['Velero is not running']);
    expect(blocking(check({}, { env: { ...e, kots: { ...e.kots, found: false } } }))).toContain('No KOTS admin console found');
    expect(blocking(check({}, { starting: true }))).toEqual(['A backup is being started']);
  });

  it('a running backup warns but does not block; Embedded Cluster takes full backups only, with the registry', () => {
    const r = check({ backups: [backup('instance-x', { phase: 'InProgress' })] }, { env: { ...env(), flavour: 'embedded-cluster' } as Environment });
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.title === 'Another backup is in progress')).toMatchObject({
      severity: 'warning',
      reason: expect.stringContaining('instance-x (InProgress)'),
    });
    expect(r).toMatchObject({ partialAllowed: false, partialReason: 'Embedded Cluster installs take full backups only.', registryExport: { offered: true } });
  });
});
