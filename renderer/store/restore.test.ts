import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { RestoreWizard } from '../../electron/api/contract.js';
import { LifeboatError } from '../../electron/api/errors.js';
import type { ApiClient } from '../api.js';
import { createRestoreSlice, subscribeRestore, type RestoreSlice } from './restore.js';

const wizard = (step: RestoreWizard['step']): RestoreWizard => ({ step, readOnlyDuringRestore: false, updatedAt: '2026-01-01T00:00:00Z' });

function setup(call: (method: string, input: unknown) => unknown) {
  const listeners: Record<string, (p: unknown) => void> = {};
  const api = {
    call: vi.fn(async (m: string, i: unknown) => call(m, i)),
    subscribe: (e: string, cb: (p: unknown) => void) => {
      listeners[e] = cb;
      return () => delete listeners[e];
    },
  } as unknown as ApiClient;
  const notify = vi.fn();
  const store = createStore<RestoreSlice>()((set, get) => createRestoreSlice(set as never, get as never, { api, notify }));
  subscribeRestore(api, store.setState as never, store.getState as never);
  return { store, api, notify, listeners };
}

describe('restore slice', () => {
  it('keeps the wizard from calls and from restore.changed events', async () => {
    const { store, listeners } = setup((m) => (m === 'restore.setSituation' ? wizard('backup') : wizard('situation')));
    await store.getState().loadRestore();
    expect(store.getState().restoreWizard?.step).toBe('situation');
    await store.getState().chooseRestoreSituation('same-cluster');
    expect(store.getState().restoreWizard?.step).toBe('backup');
    listeners['restore.changed']!(wizard('run'));
    expect(store.getState().restoreWizard?.step).toBe('run');
  });

  it('a refused start keeps the error (what happened, what to do) and notifies; the wizard stays', async () => {
    const { store, notify } = setup((m) => {
      if (m === 'restore.start') throw new LifeboatError('RESTORE_IN_PROGRESS', 'Velero is already running restore x.', 'Wait for it.');
      return wizard('confirm');
    });
    await store.getState().loadRestore();
    expect(await store.getState().startRestore('sample-app')).toBe(false);
    expect(store.getState().restoreError).toEqual({
      action: 'start',
      error: { code: 'RESTORE_IN_PROGRESS', message: 'Velero is already running restore x.', hint: 'Wait for it.' },
    });
    expect(notify).toHaveBeenCalledWith('The restore did not start', expect.objectContaining({ code: 'RESTORE_IN_PROGRESS' }));
    expect(store.getState().restoreWizard?.step).toBe('confirm');
    expect(store.getState().restorePending).toBeNull();
  });

  it('a late method result never rolls back a newer wizard announced by an event (re-seed done before its call returns)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = { ...wizard('registry'), updatedAt: '2026-01-01T00:00:01.000Z', registry: { state: 'running' } } as unknown as RestoreWizard;
    const done = { ...wizard('registry'), updatedAt: '2026-01-01T00:00:01.250Z', registry: { state: 'succeeded' } } as unknown as RestoreWizard;
    const { store, listeners } = setup(async (m) => {
      if (m === 'restore.registryReseed') {
        await gate;
        return running;
      }
      return wizard('registry');
    });
    await store.getState().loadRestore();
    const call = store.getState().reseedRestoreRegistry('/tmp/export');
    listeners['restore.changed']!(running);
    listeners['restore.changed']!(done);
    release();
    await call;
    expect((store.getState().restoreWizard as any).registry.state).toBe('succeeded');
  });
});
