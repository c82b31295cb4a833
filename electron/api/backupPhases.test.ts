import { describe, expect, it } from 'vitest';
import { isRunningPhase } from './backupPhases.js';

describe('isRunningPhase (velero backup_types.go at v1.18.3)', () => {
  it('counts every phase in which Velero still works on a backup', () => {
    const running =
      'New Queued ReadyToStart InProgress WaitingForPluginOperations WaitingForPluginOperationsPartiallyFailed Finalizing FinalizingPartiallyFailed';
    for (const p of running.split(' ')) expect([p, isRunningPhase(p)]).toEqual([p, true]);
  });

  it('does not count ended, failed, deleting or unknown phases', () => {
    for (const p of ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation', 'Deleting', '', 'inprogress'])
      expect([p, isRunningPhase(p)]).toEqual([p, false]);
  });
});
