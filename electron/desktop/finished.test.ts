import { describe, expect, it } from 'vitest';
import type { FollowedBackup, RegistryJob, RestoreWizard } from '../api/contract.js';
import { FinishedJobs, noticeToShow } from './finished.js';

const backup = (state: FollowedBackup['state'], over: Partial<FollowedBackup> = {}): FollowedBackup => ({
  id: 'f1',
  kind: 'full',
  state,
  requestedAt: '2026-01-01T00:00:00Z',
  backupName: 'instance-abc',
  timeline: [],
  ...over,
});
const restore = (state: NonNullable<RestoreWizard['run']>['state'], over: Record<string, unknown> = {}) =>
  ({ run: { id: 'r1', backup: 'instance-abc', state, ...over } }) as unknown as RestoreWizard;
const job = (state: RegistryJob['state'], over: Partial<RegistryJob> = {}): RegistryJob => ({
  id: 'j1',
  kind: 'export',
  state,
  startedAt: '2026-01-01T00:00:00Z',
  registry: '10.96.0.11:5000',
  path: '/exports/reg',
  origin: 'registry',
  ...over,
});

describe('FinishedJobs: which events end a long job, and what the notice says', () => {
  it('a backup followed from running to its end, once, with the outcome', () => {
    const f = new FinishedJobs();
    expect(f.ended('backups.followed', backup('starting'))).toBeUndefined();
    expect(f.ended('backups.followed', backup('running'))).toBeUndefined();
    expect(f.ended('backups.followed', backup('succeeded', { message: 'All 12 items backed up.' }))).toEqual({
      title: 'Backup completed',
      body: 'instance-abc: All 12 items backed up.',
    });
    expect(f.ended('backups.followed', backup('succeeded'))).toBeUndefined(); // told once
  });

  it('a failed backup says why', () => {
    const f = new FinishedJobs();
    f.ended('backups.followed', backup('running'));
    expect(f.ended('backups.followed', backup('failed', { error: { code: 'BACKUP_FAILED', message: 'Velero reported PartiallyFailed.' } }))).toEqual({
      title: 'Backup failed',
      body: 'instance-abc: Velero reported PartiallyFailed.',
    });
  });

  it('nothing for a job found already finished (Lifeboat started after it ended)', () => {
    const f = new FinishedJobs();
    expect(f.ended('backups.followed', backup('succeeded'))).toBeUndefined();
    expect(f.ended('restore.changed', restore('failed'))).toBeUndefined();
    expect(f.ended('registry.job', job('succeeded'))).toBeUndefined();
  });

  it('a restore ends after verifying; an interrupted one (Lifeboat closing) is not announced', () => {
    const f = new FinishedJobs();
    f.ended('restore.changed', restore('running'));
    f.ended('restore.changed', restore('verifying'));
    expect(f.ended('restore.changed', restore('attention'))).toEqual({
      title: 'Restore completed: needs attention',
      body: 'From backup instance-abc: Check the report for warnings.',
    });
    f.ended('restore.changed', restore('running', { id: 'r2' }));
    expect(f.ended('restore.changed', restore('interrupted', { id: 'r2' }))).toBeUndefined();
    expect(f.ended('restore.changed', { step: 'situation' } as unknown as RestoreWizard)).toBeUndefined();
  });

  it('registry export and re-seed: where from, where to, and the error', () => {
    const f = new FinishedJobs();
    f.ended('registry.job', job('running'));
    expect(f.ended('registry.job', job('succeeded', { tarPath: '/exports/reg.tar' }))).toEqual({
      title: 'Registry export completed',
      body: '10.96.0.11:5000 → /exports/reg.tar',
    });
    f.ended('registry.job', job('running', { id: 'j2', kind: 'reseed' }));
    expect(
      f.ended('registry.job', job('failed', { id: 'j2', kind: 'reseed', error: { code: 'REGISTRY_UNREACHABLE', message: 'connection refused' } })),
    ).toEqual({
      title: 'Registry re-seed failed',
      body: '/exports/reg → 10.96.0.11:5000: connection refused',
    });
  });

  it('other events are not jobs; long messages are cut', () => {
    const f = new FinishedJobs();
    expect(f.ended('cluster.changed', { connected: true } as never)).toBeUndefined();
    f.ended('backups.followed', backup('running'));
    const n = f.ended('backups.followed', backup('failed', { message: 'x'.repeat(1000) }));
    expect(n!.body.length).toBeLessThanOrEqual(240);
  });
});

describe('noticeToShow: only while the window is not focused', () => {
  const notice = { title: 'Backup completed', body: 'instance-abc' };
  it('shows it when the window is in the background or gone, not when focused', () => {
    expect(noticeToShow(notice, false)).toBe(notice);
    expect(noticeToShow(notice, true)).toBeUndefined();
    expect(noticeToShow(undefined, false)).toBeUndefined();
  });
});
