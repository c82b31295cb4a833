import { describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../electron/api/contract.js';
import { applyDelta } from './backups.js';

const b = (name: string, phase = 'Completed'): BackupSummary => ({ name, namespace: 'velero', type: 'full', phase, apps: [], errors: 0, warnings: 0, volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 } });

describe('backups slice', () => {
  it('applies upserts, removals and resets without mutating the old map', () => {
    const m0 = new Map([['a', b('a')]]);
    const m1 = applyDelta(m0, { upserted: [b('a', 'Deleting'), b('c')], removed: [] });
    expect(m0.get('a')!.phase).toBe('Completed');
    expect(m1.get('a')!.phase).toBe('Deleting');
    const m2 = applyDelta(m1, { upserted: [], removed: ['a'] });
    expect([...m2.keys()]).toEqual(['c']);
    expect([...applyDelta(m2, { upserted: [b('x')], removed: [], reset: true }).keys()]).toEqual(['x']);
  });
});
