import { describe, expect, it } from 'vitest';
import type { RestoreProgress } from '../../api/contract.js';
import { mergeProgress, progressOf } from './progress.js';

const r = {
  metadata: { name: 'b.my-app', namespace: 'velero' },
  status: { phase: 'InProgress', warnings: 2, progress: { itemsRestored: 3, totalItems: 9 }, startTimestamp: 's' },
};
const step = { component: 'app' as const, state: 'running' as const, restoreNames: ['b.my-app'] };

describe('progressOf', () => {
  it('sums the pod volume restores and names the app', async () => {
    const pvrs = [
      { metadata: { name: 'p1', namespace: 'velero' }, status: { phase: 'Completed', progress: { bytesDone: 10, totalBytes: 10 } } },
      { metadata: { name: 'p2', namespace: 'velero' }, status: { phase: 'Failed', progress: { bytesDone: 1, totalBytes: 5 } } },
      { metadata: { name: 'p3', namespace: 'velero' }, status: { phase: 'InProgress' } },
    ];
    const p = await progressOf({ podVolumeRestores: async () => pvrs }, r, step, 'b');
    expect(p).toEqual({
      name: 'b.my-app',
      component: 'app',
      appSlug: 'my-app',
      phase: 'InProgress',
      itemsRestored: 3,
      totalItems: 9,
      warnings: 2,
      errors: 0,
      podVolumeRestores: { total: 3, completed: 1, failed: 1, bytesDone: 11, totalBytes: 15 },
      startedAt: 's',
      completedAt: undefined,
      failureReason: undefined,
      validationErrors: undefined,
    });
  });

  it('a Restore with no phase yet is New; unreadable volumes count as none', async () => {
    const p = await progressOf(
      { podVolumeRestores: async () => Promise.reject(new Error('x')) },
      { metadata: { name: 'b.kotsadm', namespace: 'velero' } },
      { ...step, component: 'admin-console' },
      'b',
    );
    expect(p).toMatchObject({ phase: 'New', component: 'admin-console', podVolumeRestores: { total: 0 } });
    expect('appSlug' in p).toBe(false);
  });
});

describe('mergeProgress', () => {
  const p = (name: string, phase: string): RestoreProgress => ({
    name,
    component: 'app',
    phase,
    warnings: 0,
    errors: 0,
    podVolumeRestores: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
  });
  it('replaces by name, appends new ones, and says when nothing changed', () => {
    const before = [p('a', 'InProgress')];
    expect(mergeProgress(before, [p('a', 'InProgress')])).toBeUndefined();
    expect(mergeProgress(before, [p('a', 'Completed'), p('b', 'New')])).toEqual([p('a', 'Completed'), p('b', 'New')]);
    expect(before).toEqual([p('a', 'InProgress')]);
  });
});
