import { describe, expect, it } from 'vitest';
import type { BackupSchedule, BackupSummary } from '../../electron/api/contract.js';
import { LifeboatError } from '../../electron/api/errors.js';
import type { ApiClient } from '../api.js';
import { encodeBackupRows } from '../../electron/api/backupRows.js';
import { startEarly } from '../early.js';
import { applyDelta, createBackupsSlice, readinessUnknown } from './backups.js';
import type { LifeboatState, SetState } from './types.js';

const b = (name: string, phase = 'Completed'): BackupSummary => ({
  name,
  namespace: 'velero',
  type: 'full',
  phase,
  apps: [],
  errors: 0,
  warnings: 0,
  volumes: { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 },
});

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

describe('backups slice actions', () => {
  /** The slice over a plain state object, with `call` answering every API method. */
  function slice(call: (method: string, input: unknown) => Promise<unknown>) {
    let state = {} as LifeboatState;
    const set: SetState = (p) => {
      state = { ...state, ...(typeof p === 'function' ? p(state) : p) };
    };
    const api = { call } as unknown as ApiClient;
    state = { ...state, ...createBackupsSlice(set, () => state, { api }) };
    return () => state;
  }

  it('takes the list the window decoded early (renderer/client.ts) once; later loads ask and decode the compact rows', async () => {
    const calls: string[] = [];
    const state = slice(async (method) => {
      calls.push(method);
      return encodeBackupRows([b('later')]);
    });
    startEarly('backups.rows', async () => [b('early')]);
    await state().loadBackups();
    expect([...state().backupsByName.keys()]).toEqual(['early']);
    expect(calls).toEqual([]);
    await state().loadBackups();
    expect([...state().backupsByName.keys()]).toEqual(['later']);
    expect(state().backupsByName.get('later')).toEqual(b('later'));
    expect(calls).toEqual(['backups.rows']);
  });

  it('says why readiness is unknown when it cannot be read', () => {
    const r = readinessUnknown(new LifeboatError('NOT_CONNECTED', 'No cluster.', 'Connect first.'));
    expect(r).toEqual({
      ok: false,
      checks: [{ ok: false, severity: 'error', title: 'Readiness unknown', reason: 'No cluster.', fix: 'Connect first.' }],
      partialAllowed: false,
      apps: [],
    });
  });

  it('saves schedule and retention: the saved schedule on success, the error otherwise, never left pending', async () => {
    const saved = { autoEnabled: true } as unknown as BackupSchedule;
    const calls: Array<[string, unknown]> = [];
    let fail = false;
    const state = slice(async (method, input) => {
      calls.push([method, input]);
      if (fail) throw new LifeboatError('INTERNAL', 'No.', 'Try again.');
      return saved;
    });
    expect(await state().saveBackupSchedule(true, '0 2 * * *')).toBe(true);
    expect(await state().saveBackupRetention(3, 'months')).toBe(true);
    expect(calls).toEqual([
      ['backups.setSchedule', { autoEnabled: true, schedule: '0 2 * * *' }],
      ['backups.setRetention', { value: 3, unit: 'months' }],
    ]);
    expect(state().backupSchedule).toBe(saved);
    fail = true;
    expect(await state().saveBackupRetention(1, 'days')).toBe(false);
    expect(state().backupScheduleError).toMatchObject({ message: 'No.', hint: 'Try again.' });
    expect(state().backupSchedulePending).toBeNull();
  });

  it('pages the log in until it is complete', async () => {
    const state = slice(async (_method, input) => {
      const { offset } = input as { offset: number };
      return offset === 0 ? { lines: ['a', 'b'], total: 3, complete: false } : { lines: ['c'], total: 3, complete: true };
    });
    await state().loadBackupLog('b1');
    expect(state().backupLog).toMatchObject({ name: 'b1', lines: ['a', 'b', 'c'], total: 3, loading: false });
  });
});
