import { describe, expect, it } from 'vitest';
import type { RestoreRun } from '../../api/contract.js';
import { attentionItems, buildReport } from './report.js';
import { flattenResults, logExcerpt } from './service.js';

const run: RestoreRun = {
  id: 'r',
  backup: 'instance-x',
  type: 'app',
  appSlugs: ['sample-app'],
  kotsadmNamespace: 'kotsadm',
  veleroNamespace: 'velero',
  startedAt: '2026-05-01T10:00:00Z',
  finishedAt: '2026-05-01T10:03:00Z',
  state: 'attention',
  steps: [{ component: 'app', state: 'succeeded', restoreNames: ['instance-x.sample-app'] }],
  restores: [
    {
      name: 'instance-x.sample-app',
      component: 'app',
      appSlug: 'sample-app',
      phase: 'Completed',
      itemsRestored: 12,
      totalItems: 12,
      warnings: 1,
      errors: 0,
      podVolumeRestores: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
    },
  ],
  verification: {
    checkedAt: '2026-05-01T10:03:00Z',
    checks: [{ ok: true, severity: 'warning', title: 'Application not ready yet', reason: 'Deployment sample-app/web 1/2.', fix: 'Wait.' }],
    workloads: [{ kind: 'Deployment', namespace: 'sample-app', name: 'web', ready: 1, desired: 2 }],
    warnings: [{ restore: 'instance-x.sample-app', scope: 'namespace sample-app', message: 'could not restore, already exists' }],
    errors: [],
    logExcerpts: [],
  },
};

describe('restore report', () => {
  it('says what, from which backup, when, and what needs attention', () => {
    const { data, markdown } = buildReport({ step: 'report', situation: 'same-cluster', readOnlyDuringRestore: false, updatedAt: '' }, run, {
      version: '1.0.0',
    });
    expect(data).toMatchObject({ backup: 'instance-x', type: 'app', outcome: 'attention', startedAt: run.startedAt });
    expect(markdown).toContain('Application only (sample-app)');
    expect(markdown).toContain('| instance-x.sample-app | application sample-app | Completed | 12 of 12 | 1 | 0 | none |');
    expect(markdown).toContain('Application not ready yet');
    expect(markdown).toContain('already exists');
    expect(attentionItems(run)).toHaveLength(1);
    expect(attentionItems({ ...run, readOnlyLocation: { name: 'default', previous: 'ReadWrite', restored: false } }).join()).toMatch(/still read-only/);
  });

  it('flattens Velero results and excerpts logs', () => {
    expect(flattenResults('r', { velero: ['v'], cluster: ['c'], namespaces: { a: ['x', { message: 'y' }] } })).toEqual([
      { restore: 'r', scope: 'Velero', message: 'v' },
      { restore: 'r', scope: 'cluster', message: 'c' },
      { restore: 'r', scope: 'namespace a', message: 'x' },
      { restore: 'r', scope: 'namespace a', message: 'y' },
    ]);
    const log = ['time=1 level=info msg=a', 'time=2 level=warning msg=b', 'time=3 level=error msg=c', 'time=4 level=info msg=d'].join('\n');
    expect(logExcerpt(log)).toEqual(['time=2 level=warning msg=b', 'time=3 level=error msg=c', 'time=1 level=info msg=a', 'time=4 level=info msg=d']);
  });
});

describe('buildReport: the registry step', () => {
  it('says the registry was re-seeded and verified, or that skipping it needs attention', async () => {
    const { buildReport } = await import('./report.js');
    const run = {
      id: 'r',
      backup: 'b1',
      type: 'app',
      appSlugs: ['sample-app'],
      kotsadmNamespace: 'kotsadm',
      veleroNamespace: 'velero',
      startedAt: 't',
      state: 'succeeded',
      steps: [],
      restores: [],
    } as never;
    const ok = buildReport(
      {
        step: 'report',
        readOnlyDuringRestore: false,
        updatedAt: 't',
        registry: { reason: 'r', state: 'succeeded', registry: 'reg:5000', source: '/x.tar', tagsOk: 3, tagsTotal: 3, blobsUploaded: 4, blobsSkipped: 1 },
      },
      run,
      { version: 't' },
    );
    expect(ok.markdown).toContain('reg:5000 re-seeded from /x.tar before the application; 3 of 3 tags');
    const skipped = buildReport(
      { step: 'report', readOnlyDuringRestore: false, updatedAt: 't', registry: { reason: 'r', state: 'skipped', skippedConsequence: 'ImagePullBackOff.' } },
      run,
      { version: 't' },
    );
    expect(skipped.data.attention.join(' ')).toMatch(/not re-seeded.*ImagePullBackOff/);
  });
});
