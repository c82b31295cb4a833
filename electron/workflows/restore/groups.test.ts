/**
 * The restore wizard's backup list over improved-disaster-recovery backups: the two Velero Backups
 * KOTS makes for one backup (improvedDr.test-fixtures.ts, shaped as kots
 * pkg/kotsadmsnapshot/backup.go at v1.131.4 writes them) are ONE row under
 * replicated.com/backup-name, judged on the pair, and never restorable with the kots CLI.
 */
import { describe, expect, it } from 'vitest';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup, running } from '../backups/improvedDr.test-fixtures.js';
import { describeBackup, type EligibilityContext } from './eligibility.js';
import { backupRows, describeRow, findBackupRow, rowChecks } from './groups.js';
import type { VeleroBackup } from '../../velero/types.js';

const ctx: EligibilityContext = { now: new Date('2026-11-24T00:00:00Z'), outboundDisabled: undefined, veleroVersion: '1.16.2', locations: { default: 'aws' } };
const errors = (list: VeleroBackup[], name = DR_NAME) => rowChecks(findBackupRow(list, name)!, ctx).filter((c) => c.severity === 'error');

const legacy: VeleroBackup = {
  metadata: {
    name: 'instance-legacy',
    namespace: 'velero',
    annotations: {
      'kots.io/instance': 'true',
      'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
      'kots.io/kotsadm-deploy-namespace': 'kotsadm',
      'kots.io/apps-versions': '{"my-app":"1.1.0"}',
    },
  },
  spec: { storageLocation: 'default' },
  status: { phase: 'Completed', startTimestamp: '2026-11-20T00:00:00Z', expiration: '2026-12-20T00:00:00Z' },
};

describe('restore list: an improved-DR backup is one row', () => {
  const pair = [infraBackup(completed(40)), appBackup(completed(12, '2026-11-23T10:02:00Z'))];

  it('groups the two Velero Backups under replicated.com/backup-name, infra first; a legacy backup stays its own row', () => {
    const rows = backupRows([appBackup(completed(12)), legacy, infraBackup(completed(40))]);
    expect(rows.map((r) => [r.name, r.members.map((m) => m.metadata.name)])).toEqual([
      [DR_NAME, [INFRA, APP]],
      ['instance-legacy', ['instance-legacy']],
    ]);
  });

  it('describes the pair as one backup that is not restorable here, with one Embedded Cluster error naming the upstream refusal and the fix', () => {
    const d = describeRow(findBackupRow(pair, DR_NAME)!, ctx);
    expect(d).toMatchObject({
      name: DR_NAME,
      phase: 'Completed',
      startedAt: '2026-11-23T10:00:02Z',
      completedAt: '2026-11-23T10:02:00Z',
      expiresAt: '2026-12-23T10:00:02Z',
      storageLocation: 'default',
      kotsVersion: 'v1.131.4',
      kotsadmNamespace: 'kotsadm',
      apps: [{ slug: 'my-app', version: '1.2.0' }],
      airgap: false,
      embeddedCluster: true,
      instance: true,
      trigger: 'manual',
      itemsBackedUp: 52,
      errors: 0,
      warnings: 0,
      restorable: false,
      veleroBackups: [
        { name: INFRA, type: 'infra', phase: 'Completed' },
        { name: APP, type: 'app', phase: 'Completed' },
      ],
    });
    const blocking = d.checks.filter((c) => c.severity === 'error');
    expect(blocking.map((c) => c.title)).toEqual(['Embedded Cluster backup']);
    expect(blocking[0]!.reason).toMatch(/only legacy type instance backups are restorable/);
    expect(blocking[0]!.reason).toContain(INFRA);
    expect(blocking[0]!.reason).toContain(APP);
    expect(blocking[0]!.fix).toMatch(/Embedded Cluster binary.*restore/);
  });

  it('the same pair, whichever name is used: the backup name or either Velero Backup', () => {
    expect(findBackupRow(pair, DR_NAME)?.name).toBe(DR_NAME);
    expect(findBackupRow(pair, INFRA)?.name).toBe(DR_NAME);
    expect(findBackupRow(pair, APP)?.name).toBe(DR_NAME);
    expect(findBackupRow(pair, 'nope')).toBeUndefined();
  });

  it('judges the pair: a member still running, a member failed, a member missing', () => {
    expect(errors([infraBackup(completed(40)), appBackup(running())]).map((c) => c.title)).toEqual(['Embedded Cluster backup', 'Backup not finished']);
    expect(errors([infraBackup(completed(40)), appBackup(running())])[1]!.reason).toContain(`${APP} (app) is InProgress`);

    const failed = errors([infraBackup({ ...completed(40), phase: 'PartiallyFailed', errors: 3 }), appBackup(completed(12))]);
    expect(failed.map((c) => c.title)).toEqual(['Embedded Cluster backup', 'Backup did not complete']);
    expect(failed[1]!.reason).toContain(`${INFRA} (infra) ended PartiallyFailed with 3 error(s)`);

    const alone = errors([infraBackup(completed(40))]);
    expect(alone.map((c) => c.title)).toEqual(['Embedded Cluster backup', 'Backup incomplete']);
    expect(alone[1]!.reason).toMatch(/Only 1 of the 2 Velero Backups.*the app backup is missing/);
    expect(describeRow(findBackupRow([infraBackup(completed(40))], DR_NAME)!, ctx)).toMatchObject({ name: DR_NAME, phase: 'Failed', restorable: false });
  });

  it('never repeats a check the two members share; one that differs says which member', () => {
    const checks = rowChecks(findBackupRow([infraBackup(completed(40, undefined, { warnings: 2 })), appBackup(completed(12))], DR_NAME)!, {
      ...ctx,
      locations: {},
    });
    const titles = checks.map((c) => c.title);
    expect(titles.filter((t) => t === 'Storage location missing')).toHaveLength(1);
    expect(new Set(titles).size).toBe(titles.length);
    expect(checks.find((c) => c.title === 'Backup had warnings')?.reason).toMatch(new RegExp(`^${INFRA}: `));
  });

  it('a legacy backup is described exactly as before', () => {
    expect(describeRow(findBackupRow([legacy], 'instance-legacy')!, ctx)).toEqual(describeBackup(legacy, ctx));
  });
});
