import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupSummary, FollowedBackup } from '../../api/contract.js';
import { advance, isActive, loadFollowed, saveFollowed } from './followed.js';

const base: FollowedBackup = { id: 'f1', kind: 'full', state: 'running', requestedAt: '2026-11-23T20:00:00Z', backupName: 'instance-abc', timeline: [] };
const sum = (phase: string, extra: Partial<BackupSummary> = {}): BackupSummary => ({
  name: 'instance-abc',
  namespace: 'velero',
  type: 'full',
  phase,
  apps: [],
  errors: 0,
  warnings: 0,
  volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
  ...extra,
});

describe('followed backup', () => {
  it('records each phase once and succeeds only on Completed', () => {
    let f = advance(base, sum('New'));
    f = advance(f, sum('InProgress', { itemsBackedUp: 3, totalItems: 10 }));
    f = advance(f, sum('InProgress', { itemsBackedUp: 5, totalItems: 10 }));
    expect(f.state).toBe('running');
    expect(f.timeline.map((t) => t.phase)).toEqual(['New', 'InProgress']);
    f = advance(f, sum('Completed', { itemsBackedUp: 10, completedAt: '2026-11-23T20:01:00Z' }));
    expect(f).toMatchObject({ state: 'succeeded', finishedAt: '2026-11-23T20:01:00Z' });
    expect(isActive(f)).toBe(false);
  });

  it("PartiallyFailed needs attention, FailedValidation fails with Velero's reasons", () => {
    expect(advance(base, sum('PartiallyFailed', { errors: 2 })).state).toBe('attention');
    const f = advance(base, sum('FailedValidation', { validationErrors: ['backup storage location default is unavailable'] }));
    expect(f.state).toBe('failed');
    expect(f.message).toMatch(/unavailable/);
  });

  it('Failed says where the cause is: the log, or — when Velero left none — what happened', () => {
    expect(advance(base, sum('Failed', { failureReason: 'hook failed' })).message).toBe('Velero failed the backup: hook failed. Read the log for the cause.');
    // The Velero server restarted mid-backup (the fault suite deletes its pod): no log was uploaded.
    const restarted = advance(
      base,
      sum('Failed', { failureReason: 'found a backup with status "InProgress" during the server starting, mark it as "Failed"' }),
    );
    expect(restarted.state).toBe('failed');
    expect(restarted.message).toMatch(/during the server starting.*The Velero server restarted while this backup ran.*Take a new backup\.$/);
    expect(restarted.message).not.toMatch(/Read the log/);
    // The store went away while Velero wrote the backup (the fault suite stops MinIO): no log there either.
    const store = advance(
      base,
      sum('Failed', {
        failureReason:
          'backup execution failed: rpc error: code = Unknown desc = error putting object backups/instance-654gr/velero-backup.json: operation error S3: PutObject, exceeded maximum number of attempts, 3',
      }),
    );
    expect(store.message).toMatch(/PutObject.*could not write the backup to its storage/);
    expect(store.message).not.toMatch(/Read the log/);
  });

  it('a finished backup stays finished', () => {
    const done = advance(base, sum('Completed'));
    expect(advance(done, sum('Deleting')).state).toBe('succeeded');
  });

  it('persists and reloads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-followed-'));
    expect(loadFollowed(dir)).toBeNull();
    saveFollowed(dir, base);
    expect(loadFollowed(dir)).toEqual(base);
  });
});

describe('a full backup with the registry export', () => {
  const base = { id: 'x', kind: 'full' as const, state: 'running' as const, requestedAt: '2026-11-23T10:00:00Z', timeline: [], backupName: 'instance-1' };
  const done = {
    name: 'instance-1',
    namespace: 'velero',
    type: 'full' as const,
    phase: 'Completed',
    apps: [],
    errors: 0,
    warnings: 0,
    itemsBackedUp: 9,
    volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
  };
  it('is complete only when Velero completed AND the export was verified', () => {
    const running = advance({ ...base, registry: { state: 'running', dest: '/x' } }, done);
    expect(running.state).toBe('running');
    expect(running.message).toMatch(/registry export is still running/);
    const ok = advance({ ...running, registry: { state: 'succeeded', dest: '/x', verified: true, tags: 3 } }, done);
    expect(ok.state).toBe('succeeded');
    expect(ok.message).toMatch(/complete with registry/);
    const bad = advance({ ...running, registry: { state: 'failed', dest: '/x', error: { code: 'REGISTRY_FAILED', message: 'registry down' } } }, done);
    expect(bad.state).toBe('attention');
    expect(bad.message).toMatch(/registry export failed: registry down.*NOT complete with registry/);
  });
});
