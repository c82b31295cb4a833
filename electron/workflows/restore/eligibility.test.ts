import { describe, expect, it } from 'vitest';
import { checkBackup, describeBackup, sortBackups, type EligibilityContext } from './eligibility.js';
import type { VeleroBackup } from '../../velero/types.js';

const ctx: EligibilityContext = { now: new Date('2026-05-01T00:00:00Z'), outboundDisabled: false, veleroVersion: '1.18.3', locations: { default: 'aws' } };
function backup(ann: Record<string, string> = {}, status: VeleroBackup['status'] = {}, loc = 'default'): VeleroBackup {
  return {
    metadata: {
      name: 'instance-abc',
      namespace: 'velero',
      annotations: {
        'kots.io/instance': 'true',
        'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
        'kots.io/kotsadm-deploy-namespace': 'kotsadm',
        'kots.io/is-airgap': 'false',
        'kots.io/apps-versions': '{"sample-app":"1.2.0"}',
        ...ann,
      },
    },
    spec: { storageLocation: loc },
    status: { phase: 'Completed', startTimestamp: '2026-04-30T00:00:00Z', expiration: '2026-05-30T00:00:00Z', ...status },
  };
}
const errors = (b: VeleroBackup, c = ctx) =>
  checkBackup(b, c)
    .filter((x) => x.severity === 'error')
    .map((x) => x.title);

describe('restore eligibility', () => {
  it('a completed KOTS instance backup is restorable with no errors', () => {
    const d = describeBackup(backup(), ctx);
    expect(d.restorable).toBe(true);
    expect(d).toMatchObject({
      kotsVersion: 'v1.131.4',
      kotsadmNamespace: 'kotsadm',
      apps: [{ slug: 'sample-app', version: '1.2.0' }],
      airgap: false,
      instance: true,
      embeddedCluster: false,
    });
  });

  it('refuses each unrestorable kind with a reason and a fix', () => {
    expect(errors(backup({}, { phase: 'InProgress' }))).toEqual(['Backup not finished']);
    expect(errors(backup({}, { phase: 'PartiallyFailed', errors: 3 }))).toEqual(['Backup did not complete']);
    expect(errors(backup({ 'kots.io/instance': '', 'kots.io/app-id': 'a' }))).toContain('Not a full backup');
    expect(errors(backup({ 'kots.io/kotsadm-image': '' }))).toEqual(['Backup annotations missing']);
    expect(errors(backup({ 'kots.io/kotsadm-deploy-namespace': '' }))).toEqual(['Backup annotations missing']);
    expect(errors(backup({ 'kots.io/embedded-cluster': 'true' }))).toContain('Embedded Cluster backup');
    expect(errors(backup({}, { expiration: '2026-04-01T00:00:00Z' }))).toEqual(['Backup expired']);
    expect(errors(backup({}, {}, 'elsewhere'))).toEqual(['Storage location missing']);
    expect(errors(backup({}, {}, 'nfs'), { ...ctx, locations: { nfs: 'replicated.com/nfs' } })).toEqual(['Local-volume-provider backup on Velero 1.17+']);
    expect(errors(backup({}, {}, 'nfs'), { ...ctx, veleroVersion: '1.16.2', locations: { nfs: 'replicated.com/nfs' } })).toEqual([]);
    expect(errors(backup({ 'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.60.0' }))).toEqual(['KOTS v1.60.0 with Velero 1.18.3']);
    expect(errors(backup(), { ...ctx, veleroVersion: '1.19.0' })).toEqual(['KOTS v1.131.4 with Velero 1.19.0']);
    for (const c of checkBackup(backup({ 'kots.io/is-airgap': 'true', 'kots.io/kotsadm-image': '' }, { phase: 'Failed' }), ctx)) {
      expect(c.reason).toBeTruthy();
      expect(c.fix).toBeTruthy();
    }
  });

  // kots pkg/kotsadmsnapshot/backup.go at v1.131.4 writes kots.io/is-airgap from kotsadm's
  // DISABLE_OUTBOUND_CONNECTIONS (pkg/kotsadm/main.go IsAirgap), which kotsadm_objects.go sets for
  // air-gapped installs AND for online installs with a private registry; pkg/snapshot/restore.go makes
  // no check on it. A rebuilt cluster has no admin console to compare with at all.
  it('a backup taken with outbound connections disabled restores anywhere: on a rebuilt cluster, on an online one', () => {
    const airgapped = backup({ 'kots.io/is-airgap': 'true' });
    expect(errors(airgapped, { ...ctx, outboundDisabled: undefined })).toEqual([]);
    expect(errors(airgapped, { ...ctx, outboundDisabled: false })).toEqual([]);
    expect(describeBackup(airgapped, { ...ctx, outboundDisabled: undefined }).restorable).toBe(true);
    expect(describeBackup(airgapped, ctx).restorable).toBe(true);
  });

  it('a mode that differs from the running admin console is a warning that says what comes back', () => {
    const w = checkBackup(backup({ 'kots.io/is-airgap': 'true' }), { ...ctx, outboundDisabled: false }).find((c) => c.title === 'Outbound connections differ');
    expect(w).toMatchObject({ ok: true, severity: 'warning' });
    expect(w!.reason).toMatch(/disabled/);
    expect(w!.fix).toMatch(/registry/i);
    // Same mode, or nothing to compare with: no word.
    expect(checkBackup(backup({ 'kots.io/is-airgap': 'true' }), { ...ctx, outboundDisabled: true }).map((c) => c.title)).not.toContain(
      'Outbound connections differ',
    );
    expect(checkBackup(backup({ 'kots.io/is-airgap': 'true' }), { ...ctx, outboundDisabled: undefined }).map((c) => c.title)).not.toContain(
      'Outbound connections differ',
    );
    // A backup without the annotation (older KOTS) is not flagged: nothing depends on it.
    const b = backup();
    delete b.metadata.annotations!['kots.io/is-airgap'];
    expect(checkBackup(b, ctx).filter((c) => /air-gap|outbound/i.test(c.title))).toEqual([]);
  });

  it('sorts newest first', () => {
    expect(sortBackups([{ name: 'a', startedAt: '2026-01-01' }, { name: 'b', startedAt: '2026-02-01' }, { name: 'c' }]).map((x) => x.name)).toEqual([
      'b',
      'a',
      'c',
    ]);
  });
});
