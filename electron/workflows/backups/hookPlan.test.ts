import type { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../../api/contract.js';
import { planHooks } from './hookPlan.js';
import { backup, env, harness } from './scope.test-fixtures.js';

const pod = (ns: string, name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  metadata: { namespace: ns, name, labels, annotations },
  spec: { containers: [{ name: 'main' }] },
});

function setup(pods: Record<string, unknown[] | Error>, backups = [backup('old')]) {
  const h = harness({ backups });
  const listed: string[] = [];
  const core = {
    listNamespacedPod: async ({ namespace }: { namespace: string }) => {
      listed.push(namespace);
      const p = pods[namespace] ?? [];
      if (p instanceof Error) throw p;
      return { items: p };
    },
  };
  h.state.kc = { makeApiClient: () => core } as unknown as KubeConfig;
  return { ...h, listed };
}

describe('planHooks', () => {
  it("annotation hooks of the pods a full backup selects, in the admin console's and the apps' namespaces", async () => {
    const t = setup({
      kotsadm: [pod('kotsadm', 'kotsadm-0', { 'kots.io/backup': 'velero' }, { 'pre.hook.backup.velero.io/command': '["/backup.sh"]' })],
      'my-app': [
        pod('my-app', 'db-0', { 'kots.io/backup': 'velero' }, { 'post.hook.backup.velero.io/command': '/bin/true' }),
        pod('my-app', 'skipped', {}, { 'pre.hook.backup.velero.io/command': '/x' }),
      ],
    });
    const plan = await planHooks(t.scope);
    expect(t.listed).toEqual(['kotsadm', 'my-app']);
    expect(plan.namespaces).toEqual(['kotsadm', 'my-app']);
    expect(plan.hooks.map((h) => [h.pod, h.phase, h.source])).toEqual([
      ['kotsadm-0', 'pre', 'pod-annotation'],
      ['db-0', 'post', 'pod-annotation'],
    ]);
    expect(plan.notes).toEqual([expect.stringMatching(/^Vendor hooks show once KOTS has made a full backup/)]);
  });

  it('a namespace that cannot be listed is a note; no hooks at all is said', async () => {
    const t = setup({ 'my-app': new Error('forbidden\nstack') });
    const plan = await planHooks(t.scope);
    expect(plan.hooks).toEqual([]);
    expect(plan.notes.slice(1)).toEqual([
      'Pods in my-app could not be listed: forbidden.',
      'No backup hooks will run: no pod in the backed-up namespaces has hook annotations, and no vendor spec defines any.',
    ]);
  });

  it('needs the admin console', async () => {
    const t = setup({});
    t.state.env = { ...env(), kots: { found: false, apps: [] } } as unknown as Environment;
    await expect(planHooks(t.scope)).rejects.toMatchObject({ code: 'VELERO_NOT_READY' });
  });
});
