import { describe, expect, it } from 'vitest';
import type { Environment } from '../../api/contract.js';
import type { SetupKube } from '../../cluster/rest.js';
import { permissionsCheck, preflightChecks, type PreflightDeps } from './preflight.js';

const env = (extra: Record<string, unknown> = {}) =>
  ({
    kots: { found: true, namespace: 'kots', version: 'v1.131.4', minimalRbac: true },
    flavour: 'vanilla',
    flavourReason: 'plain Kubernetes.',
    airgap: { airgapped: true, reason: 'no route out' },
    velero: { installed: false },
    ...extra,
  }) as unknown as Environment;

/** The API server: SelfSubjectAccessReviews allowed except those named. */
const kube = (denied: string[] = []) =>
  ({ post: async (_p: string, b: any) => ({ status: { allowed: !denied.includes(b.spec.resourceAttributes.resource) } }) }) as unknown as SetupKube;

function deps(e: Environment | null, extra: Partial<PreflightDeps> = {}): PreflightDeps {
  return {
    cluster: { status: () => ({ state: 'connected', server: 'https://k', kubernetesVersion: 'v1.36.3', context: 'c' }) } as never,
    detector: { get: () => e, refresh: async () => e },
    binaries: { version: async () => 'v1.18.3', list: async () => [{ name: 'velero', version: 'v1.18.3', status: 'ok' }] } as never,
    kube: () => kube(),
    ...extra,
  };
}

describe('setup preflight', () => {
  it('not connected: one failing check, and the cluster is not asked', async () => {
    const r = await preflightChecks(
      deps(env(), {
        cluster: { status: () => ({ state: 'disconnected', error: { message: 'gone', hint: 'reconnect' } }) } as never,
        kube: () => {
          throw new Error('asked');
        },
      }),
    );
    expect(r).toEqual({ connected: false, checks: [{ ok: false, severity: 'error', title: 'Cluster reachable', reason: 'gone', fix: 'reconnect' }] });
  });

  it('connected, no Velero: the checks in order, and what the wizard keeps', async () => {
    const r = await preflightChecks(deps(env()));
    expect(r.checks.map((c) => [c.title, c.ok])).toEqual([
      ['Cluster reachable', true],
      ['Permissions to install Velero', true],
      ['KOTS admin console found', true],
      ['Cluster flavour', true],
      ['Air gap', true],
      ['No Velero yet', true],
      ['Bundled tools', true],
    ]);
    expect(r).toMatchObject({ connected: true, kotsNamespace: 'kots', veleroVersion: 'v1.18.3', existingVelero: undefined, minimalRbac: true, airgap: true });
  });

  it('an existing Velero, Embedded Cluster, broken tools and an incompatible KOTS are reported', async () => {
    const e = env({
      flavour: 'embedded-cluster',
      velero: { installed: true, namespace: 'v', version: 'v1.17.0' },
      compatibility: { verdict: 'incompatible', reason: 'too old', fix: 'upgrade' },
    });
    const r = await preflightChecks(
      deps(e, {
        binaries: { version: async () => 'v1.18.3', list: async () => [{ name: 'kubectl-kots', status: 'tampered', message: 'checksum differs' }] } as never,
      }),
    );
    expect(r.connected && r.existingVelero).toEqual({ namespace: 'v', version: 'v1.17.0' });
    const by = (t: string) => r.checks.find((c) => c.title === t);
    expect(by('Velero already installed')?.reason).toMatch(/Upgrade available: Velero v1\.17\.0 → v1\.18\.3/);
    expect(by('Cluster flavour')).toMatchObject({ ok: false });
    expect(by('Bundled tools')).toMatchObject({ ok: false, reason: 'kubectl-kots: checksum differs' });
    expect(by('KOTS ↔ Velero compatibility')).toMatchObject({ ok: false, severity: 'error', fix: 'upgrade' });
  });

  it('names each permission the kubeconfig lacks', async () => {
    const c = await permissionsCheck(kube(['customresourcedefinitions', 'pods']));
    expect(c).toMatchObject({ ok: false, reason: 'This kubeconfig may not: create customresourcedefinitions.apiextensions.k8s.io; delete pods in velero.' });
  });
});
