import { describe, expect, it } from 'vitest';
import type { BackupDetail, BackupSummary } from '../../api/contract.js';
import { summarizeBackup } from '../../velero/resources.js';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup, running } from './improvedDr.test-fixtures.js';
import { isInstanceBackup, rollupStatus, rowKey, statusFromPhase, type ReplicatedStatus } from '../../kots/replicatedBackups.js';
import { BackupRowIndex, combineLogs, combineSummaries, mergeDetails } from './replicated.js';

const pair = (infra: Parameters<typeof infraBackup>[0], app: Parameters<typeof appBackup>[0]) => {
  const bs = [infraBackup(infra), appBackup(app)];
  return combineSummaries(
    DR_NAME,
    bs.map((b) => ({ b, s: summarizeBackup(b) })),
  );
};

describe('upstream rules (kots pkg/kotsadmsnapshot/types at v1.131.4)', () => {
  it('statusFromPhase is GetStatusFromBackupPhase (its TestGetStatusFromBackupPhase table)', () => {
    const table: Array<[string, ReplicatedStatus]> = [
      ['New', 'InProgress'],
      ['InProgress', 'InProgress'],
      ['Completed', 'Completed'],
      ['Failed', 'Failed'],
      ['SomeNewFailState', 'Failed'],
      ['Deleting', 'Deleting'],
      ['SomeUnknownNewState', 'InProgress'],
    ];
    for (const [phase, want] of table) expect([phase, statusFromPhase(phase)]).toEqual([phase, want]);
  });

  it('rollupStatus is RollupStatus (its TestRollupStatus table, both orders)', () => {
    const table: Array<[ReplicatedStatus[], ReplicatedStatus]> = [
      [['InProgress', 'InProgress'], 'InProgress'],
      [['InProgress', 'Failed'], 'InProgress'],
      [['InProgress', 'Completed'], 'InProgress'],
      [['InProgress', 'Deleting'], 'InProgress'],
      [['Deleting', 'Deleting'], 'Deleting'],
      [['Deleting', 'Failed'], 'Deleting'],
      [['Deleting', 'Completed'], 'Deleting'],
      [['Failed', 'Failed'], 'Failed'],
      [['Failed', 'Completed'], 'Failed'],
      [['Completed', 'Completed'], 'Completed'],
    ];
    for (const [statuses, want] of table) {
      expect(rollupStatus(statuses)).toBe(want);
      expect(rollupStatus([...statuses].reverse())).toBe(want);
    }
  });

  it('improved-DR Backups are instance backups without kots.io/instance, grouped by replicated.com/backup-name', () => {
    expect(infraBackup().metadata.annotations?.['kots.io/instance']).toBeUndefined();
    expect([isInstanceBackup(infraBackup()), isInstanceBackup(appBackup())]).toEqual([true, true]);
    expect([rowKey(infraBackup()), rowKey(appBackup())]).toEqual([DR_NAME, DR_NAME]);
    // the label alone does not group a Backup KOTS did not make as an instance backup
    const stray = appBackup({}, 'stray');
    stray.metadata.annotations = {};
    expect(rowKey(stray)).toBe('stray');
  });
});

describe('one summary for the pair', () => {
  it('shows the phase of the member that decides the rolled-up status', () => {
    expect(pair(completed(1), running()).phase).toBe('InProgress');
    expect(pair({ phase: 'New' }, { phase: 'New' }).phase).toBe('New');
    expect(pair(completed(1), { ...completed(1), phase: 'PartiallyFailed', errors: 1 }).phase).toBe('PartiallyFailed');
    expect(pair({ ...completed(1), phase: 'PartiallyFailed' }, { phase: 'Failed', failureReason: 'hook failed' })).toMatchObject({
      phase: 'Failed',
      failureReason: `${APP}: hook failed`,
    });
    expect(pair(completed(1), { phase: 'FailedValidation', validationErrors: ['bsl unavailable'] })).toMatchObject({
      phase: 'FailedValidation',
      validationErrors: [`${APP}: bsl unavailable`],
    });
    expect(pair({ phase: 'Deleting' }, { phase: 'Failed' }).phase).toBe('Deleting');
    expect(pair(completed(1), completed(2)).phase).toBe('Completed');
  });

  it('keeps both Velero names, infra first, and sums items, errors and volumes', () => {
    const s = pair(completed(400, '2026-11-23T10:01:00Z', { warnings: 1 }), completed(120, '2026-11-23T10:02:30Z', { errors: 1 }));
    expect(s).toMatchObject({
      name: DR_NAME,
      type: 'full',
      itemsBackedUp: 520,
      errors: 1,
      warnings: 1,
      completedAt: '2026-11-23T10:02:30Z',
      startedAt: '2026-11-23T10:00:02Z',
      expectedBackups: 2,
    });
    expect(s.veleroBackups).toEqual([
      { name: INFRA, type: 'infra', phase: 'Completed' },
      { name: APP, type: 'app', phase: 'Completed' },
    ]);
    expect(s.uid).toBeUndefined();
  });

  it('has no finish time while one member still runs', () => {
    expect(pair(completed(1), running()).completedAt).toBeUndefined();
  });
});

describe('the row index', () => {
  it('remakes a combined row only when a member summary changed', () => {
    const cache = new Map<string, BackupSummary>();
    const summaryOf = (b: ReturnType<typeof infraBackup>) => cache.get(b.metadata.name) ?? cache.set(b.metadata.name, summarizeBackup(b)).get(b.metadata.name)!;
    const idx = new BackupRowIndex(summaryOf);
    const all = [appBackup(running()), infraBackup(completed(1)), infraBackup(completed(1), 'instance-other', 'other-1')];
    const rows = idx.rows(all);
    expect(rows.map((r) => r.name).sort()).toEqual([DR_NAME, 'other-1']);
    expect(idx.rows(all).find((r) => r.name === DR_NAME)).toBe(rows.find((r) => r.name === DR_NAME));
    cache.delete(APP);
    expect(idx.row(all, DR_NAME)).not.toBe(rows.find((r) => r.name === DR_NAME));
    expect(idx.members(all, DR_NAME).map((b) => b.metadata.name)).toEqual([INFRA, APP]);
  });
});

describe('detail and log of the pair', () => {
  const d = (ns: string, extra: Partial<BackupDetail> = {}): BackupDetail => ({
    summary: summarizeBackup(infraBackup()),
    spec: { includedNamespaces: [ns], excludedNamespaces: [], orLabelSelectors: [], hookResources: 0 },
    annotations: { ns },
    podVolumeBackups: [],
    results: [],
    resources: {},
    hooks: [],
    notes: [],
    ...extra,
  });

  it('merges results (naming their Backup), resources and notes', () => {
    const s = pair(completed(1), completed(1));
    const m = mergeDetails(s, [
      { name: INFRA, type: 'infra', detail: d('kotsadm', { resources: { 'v1/Secret': ['kotsadm/a'] } }) },
      {
        name: APP,
        type: 'app',
        detail: d('my-app', {
          results: [{ kind: 'error', scope: 'namespace my-app', message: 'x' }],
          resources: { 'v1/Secret': ['my-app/b'] },
          notes: ['no log'],
        }),
      },
    ]);
    expect(m.summary).toBe(s);
    expect(m.spec.includedNamespaces).toEqual(['kotsadm']);
    expect(m.results).toEqual([{ kind: 'error', scope: `namespace my-app (${APP})`, message: 'x' }]);
    expect(m.resources).toEqual({ 'v1/Secret': ['kotsadm/a', 'my-app/b'] });
    expect(m.notes[0]).toMatch(new RegExp(`${INFRA} \\(infra\\), ${APP} \\(app\\)`));
    expect(m.notes).toContain(`${APP}: no log`);
  });

  it('puts each log under a line naming its Backup', () => {
    expect(
      combineLogs([
        { name: INFRA, type: 'infra', lines: ['a'] },
        { name: APP, type: 'app', lines: ['b', 'c'] },
      ]),
    ).toEqual([`===== Velero Backup ${INFRA} (infra) =====`, 'a', `===== Velero Backup ${APP} (app) =====`, 'b', 'c']);
  });
});
