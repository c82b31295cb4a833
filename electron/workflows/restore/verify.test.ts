import { describe, expect, it } from 'vitest';
import type { RestoreProgress } from '../../api/contract.js';
import { kotsadm } from '../../environment/fixtures.js';
import { mapKube, run } from './restore.test-fixtures.js';
import { outcomeOf, restoreCheck, restoreResults, Verifier, workloadCheck } from './verify.js';

const sel = (slug: string) => encodeURIComponent(`kots.io/app-slug=${slug}`);
const dep = (name: string, desired: number, ready: number) => ({
  metadata: { name, namespace: 'my-app' },
  spec: { replicas: desired },
  status: { availableReplicas: ready, readyReplicas: ready },
});
const progress = (name: string, phase: string, extra: Partial<RestoreProgress> = {}): RestoreProgress => ({
  name,
  component: 'app',
  phase,
  warnings: 0,
  errors: 0,
  podVolumeRestores: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
  ...extra,
});

function verifier(objects: Record<string, unknown>, downloads: Record<string, string | Error> = {}) {
  return new Verifier({
    kube: () => mapKube(objects),
    velero: () => ({
      download: async (kind: string, name: string) => {
        const v = downloads[`${kind}/${name}`];
        if (v instanceof Error) throw v;
        return v === undefined ? undefined : Buffer.from(v);
      },
    }),
    pollMs: 1,
    isCurrent: () => true,
  });
}

describe('Verifier', () => {
  it('an application restore: admin console, workloads and each Restore with its results and log', async () => {
    const r = run({
      steps: [{ component: 'app', state: 'succeeded', restoreNames: ['instance-abc.my-app'] }],
      restores: [progress('instance-abc.my-app', 'Completed', { itemsRestored: 4, totalItems: 4, warnings: 1 })],
    });
    const v = verifier(
      {
        '/apis/apps/v1/namespaces/kotsadm/deployments/kotsadm': kotsadm('kotsadm'),
        [`/apis/apps/v1/deployments?labelSelector=${sel('my-app')}`]: { items: [dep('web', 2, 2)] },
      },
      {
        'RestoreResults/instance-abc.my-app': JSON.stringify({ warnings: { namespaces: { 'my-app': ['already exists'] } } }),
        'RestoreLog/instance-abc.my-app': 'level=info msg=a\nlevel=warning msg=b',
      },
    );
    const out = await v.verify(r, 0, 0);
    expect(out.checks.map((c) => [c.title, c.severity])).toEqual([
      ['Admin console ready', 'ok'],
      ['Application ready', 'ok'],
      ['Velero restore instance-abc.my-app', 'ok'],
    ]);
    expect(out.workloads).toEqual([{ kind: 'Deployment', namespace: 'my-app', name: 'web', ready: 2, desired: 2 }]);
    expect(out.warnings).toEqual([{ restore: 'instance-abc.my-app', scope: 'namespace my-app', message: 'already exists' }]);
    expect(out.logExcerpts).toEqual([{ restore: 'instance-abc.my-app', lines: ['level=warning msg=b', 'level=info msg=a'] }]);
    expect(outcomeOf({ ...r, verification: out })).toBe('succeeded'); // Velero's warnings alone need no attention
  });

  it('waits for readiness until the deadline; an admin console missing on an app-only restore is only a warning', async () => {
    const r = run({ steps: [], restores: [] });
    const out = await verifier({
      [`/apis/apps/v1/statefulsets?labelSelector=${sel('my-app')}`]: { items: [{ ...dep('db', 1, 0), status: { readyReplicas: 0 } }] },
    }).verify(r, 20, 0);
    expect(out.checks[0]).toMatchObject({
      ok: true,
      severity: 'warning',
      title: 'Admin console not ready',
      reason: 'There is no Deployment or StatefulSet named kotsadm in kotsadm.',
    });
    expect(out.checks[1]).toMatchObject({ severity: 'warning', title: 'Application not ready yet', reason: 'StatefulSet my-app/db 0/1.' });
    const admin = await verifier({}).verify(run({ type: 'admin-console', steps: [] }), 0, 0);
    expect(admin.checks).toEqual([expect.objectContaining({ ok: false, severity: 'error', title: 'Admin console not ready' })]);
    expect(admin.workloads).toEqual([]);
  });
});

describe('pieces of the verdict', () => {
  it('workloadCheck: none found is an error', () => {
    expect(workloadCheck(run(), [])).toMatchObject({ ok: false, severity: 'error', title: 'Application not found' });
    expect(workloadCheck(run(), [{ kind: 'Deployment', namespace: 'n', name: 'a', ready: 1, desired: 1 }]).reason).toBe('1 workload of my-app ready.');
  });

  it('restoreCheck and restoreResults: a missing Restore of a started step, unreadable results', async () => {
    expect(restoreCheck(progress('x', 'PartiallyFailed', { errors: 3 }))).toMatchObject({
      ok: true,
      severity: 'warning',
      reason: 'PartiallyFailed (3 error(s), 0 warning(s)).',
    });
    expect(restoreCheck(progress('x', 'Failed', { failureReason: 'boom' }))).toMatchObject({
      ok: false,
      severity: 'error',
      reason: 'Failed: boom (0 error(s), 0 warning(s)).',
    });
    const r = run({
      steps: [
        { component: 'admin-console', state: 'failed', restoreNames: ['b.kotsadm'] },
        { component: 'app', state: 'pending', restoreNames: ['b.my-app', 'b.done'] },
      ],
      restores: [progress('b.done', 'Completed'), progress('b.my-app', 'InProgress')],
    });
    const out = await restoreResults(r, { download: async (kind) => (kind === 'RestoreResults' ? Promise.reject(new Error('storage down')) : undefined) });
    expect(out.checks.map((c) => c.title)).toEqual([
      'Restore b.kotsadm missing',
      'Velero restore b.my-app',
      'Velero restore b.done',
      'Results of b.done unreadable',
    ]);
  });

  it('outcomeOf: a failed step, then an interrupted one, then error checks decide', () => {
    const step = (state: 'failed' | 'interrupted' | 'attention' | 'succeeded') => ({ component: 'app' as const, state, restoreNames: [] });
    expect(outcomeOf(run({ steps: [step('interrupted'), step('failed')] }))).toBe('failed');
    expect(outcomeOf(run({ steps: [step('interrupted')] }))).toBe('interrupted');
    expect(
      outcomeOf(
        run({
          steps: [step('succeeded')],
          verification: { checkedAt: '', checks: [{ ok: false, severity: 'error', title: 't' }], workloads: [], warnings: [], errors: [], logExcerpts: [] },
        }),
      ),
    ).toBe('failed');
    expect(outcomeOf(run({ steps: [step('attention')] }))).toBe('attention');
    expect(
      outcomeOf(
        run({
          steps: [step('succeeded')],
          verification: { checkedAt: '', checks: [], workloads: [], warnings: [], errors: [{ restore: 'r', scope: 's', message: 'm' }], logExcerpts: [] },
        }),
      ),
    ).toBe('attention');
    expect(outcomeOf(run({ steps: [step('succeeded')] }))).toBe('succeeded');
  });
});
