import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { SetupKube } from '../../cluster/rest.js';
import { setupLocationChecks as locationChecks } from '../../velero/readiness.js';
import { pluginKindFor, verifyVelero, type VerifyDeps } from './verify.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const w: SetupWizard = {
  step: 'apply',
  veleroNamespace: 'velero',
  credentials: creds,
  updatedAt: '',
  destination: { provider: 'gcp', auth: 'workload-identity', bucket: 'b' },
};
const available = {
  spec: { provider: 'gcp', objectStorage: { bucket: 'b', prefix: 'p' } },
  status: { phase: 'Available', lastSyncedTime: 't1', lastValidationTime: 't0' },
};

function deps(bsls: unknown[], plugins = [{ name: 'velero.io/gcp', kind: 'ObjectStore' }]): VerifyDeps & { asked: string[] } {
  const asked: string[] = [];
  const kube = { find: async (p: string) => (asked.push(p), bsls.length > 1 ? bsls.shift() : bsls[0]) } as unknown as SetupKube;
  return { asked, kube, pollMs: 1, serverStatus: async () => ({ serverVersion: 'v1.18.3', plugins }) };
}

describe('setup verification', () => {
  it("passes with the location Available and synced and the destination's plugin loaded", async () => {
    const d = deps([available]);
    const v = await verifyVelero(d, w);
    expect(v).toMatchObject({
      ok: true,
      serverVersion: 'v1.18.3',
      plugins: ['velero.io/gcp (ObjectStore)'],
      location: { phase: 'Available', lastSyncedTime: 't1' },
    });
    expect(d.asked).toEqual(['/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default']);
    expect(v.checks[0]!.reason).toBe('Available (gcp b/p), validated t0.');
  });

  it('waits up to the time given for the location to become Available', async () => {
    const d = deps([{ status: { phase: 'New' } }, available]);
    expect((await verifyVelero(d, w, undefined, 1000)).ok).toBe(true);
    expect(d.asked).toHaveLength(2);
  });

  it('fails without the plugin, without the location, or when the server does not answer', async () => {
    const noPlugin = await verifyVelero(deps([available], [{ name: 'velero.io/aws', kind: 'ObjectStore' }]), w);
    expect(noPlugin.checks.find((c) => !c.ok)).toMatchObject({
      title: 'Object-store plugin loaded',
      reason: 'The server lists no velero.io/gcp ObjectStore plugin.',
    });
    const none = await verifyVelero(deps([undefined]), w);
    expect(none).toMatchObject({ ok: false, location: undefined });
    const silent = await verifyVelero(
      {
        ...deps([available]),
        serverStatus: async () => {
          throw new LifeboatError('VELERO_NOT_READY', 'no answer', 'check it');
        },
      },
      w,
    );
    expect(silent.checks.find((c) => !c.ok)).toMatchObject({ title: 'Velero server answers', reason: 'no answer', fix: 'check it' });
    expect(silent.plugins).toEqual([]);
  });

  it('location checks and plugin names', () => {
    expect(locationChecks({ status: { phase: 'Unavailable', message: 'denied' } }).map((c) => [c.ok, c.reason])).toEqual([
      [false, 'Phase Unavailable: denied.'],
      [false, 'Velero has not synced with the storage location yet.'],
    ]);
    expect([pluginKindFor('azure'), pluginKindFor('s3-compatible'), pluginKindFor(undefined)]).toEqual(['velero.io/azure', 'velero.io/aws', 'velero.io/aws']);
  });
});
