import { describe, expect, it } from 'vitest';
import type { SetupSecrets, SetupWizard } from '../../api/contract.js';
import { computeEnvironment } from '../../environment/compute';
import { kotsadmConfg, kotsadmStatefulSet, snapshot } from '../../environment/fixtures';
import { checkDestination, fileSystemCheck, type DestinationDeps } from './destination.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const w: SetupWizard = { step: 'destination', veleroNamespace: 'velero', veleroVersion: '1.18.3', credentials: creds, updatedAt: '', mode: 'install' };
const s3 = { provider: 's3-compatible' as const, bucket: 'b', region: 'r', endpoint: 'http://m:9000' };
const x = { kubernetesVersion: 'v1.36.3', cliVersion: '1.18.3', serverVersion: 'v1.18.3' };
/** KOTS installed with --with-minio=false: NFS and host path go through the local-volume provider. */
const withoutMinio = computeEnvironment(
  snapshot({ deployments: [], statefulsets: [kotsadmStatefulSet('default')], daemonsets: [], bsls: [], configmaps: [kotsadmConfg('default', false)] }),
  x,
);

function deps(held?: SetupSecrets, rememberAvailable = false) {
  const calls: Array<{ secrets: SetupSecrets; opts: unknown }> = [];
  const stored: Array<[SetupSecrets, boolean]> = [];
  const d: DestinationDeps = {
    secrets: { getDestination: () => held, setDestination: (s: SetupSecrets, r: boolean) => stored.push([s, r]), rememberAvailable } as never,
    env: () => withoutMinio,
    validate: (async (_d: unknown, secrets: SetupSecrets, opts: unknown) => (calls.push({ secrets, opts }), { ok: true, checks: [] })) as never,
  };
  return { d, calls, stored };
}

describe('setup destination step', () => {
  it('checks with the secrets submitted and keeps them (remembered only where offered)', async () => {
    const { d, calls, stored } = deps(undefined, true);
    const v = await checkDestination(d, w, s3, { secretAccessKey: 'S' }, true);
    expect(v).toMatchObject({ ok: true, checks: [] });
    expect(calls[0]).toEqual({ secrets: { secretAccessKey: 'S' }, opts: { veleroVersion: '1.18.3' } });
    expect(stored).toEqual([[{ secretAccessKey: 'S' }, true]]);
    const notOffered = deps(undefined, false);
    await checkDestination(notOffered.d, w, s3, { secretAccessKey: 'S' }, true);
    expect(notOffered.stored).toEqual([[{ secretAccessKey: 'S' }, false]]);
  });

  it('a re-check with no secrets uses those held, and stores nothing', async () => {
    const { d, calls, stored } = deps({ accessKeyId: 'HELD' });
    await checkDestination(d, w, s3, { accessKeyId: '' }, false);
    expect(calls[0]!.secrets).toEqual({ accessKeyId: 'HELD' });
    expect(stored).toEqual([]);
  });

  it('NFS where KOTS would use the local-volume provider: refused, and without the MinIO-only note', async () => {
    const { d, calls } = deps();
    const nfs = { provider: 'nfs' as const, server: 'n', path: '/e' };
    const v = await checkDestination(d, w, nfs, undefined, false);
    expect(v.ok).toBe(false);
    expect(v.checks.at(-1)).toMatchObject({ ok: false, title: 'File-system destination (NFS, host path)' });
    expect(calls[0]!.opts).toEqual({ veleroVersion: undefined });
    expect(fileSystemCheck(w, withoutMinio, s3)).toBeUndefined();
  });
});
