/**
 * Phases in which Velero is still working on a backup (velero pkg/apis/velero/v1/backup_types.go at
 * v1.18.3). Pure, so the renderer's Backups screen and the main process (velero/types.ts, the
 * restore's eligibility check) read the one list.
 */
const RUNNING_BACKUP_PHASES: ReadonlySet<string> = new Set([
  'New',
  'Queued',
  'ReadyToStart',
  'InProgress',
  'WaitingForPluginOperations',
  'WaitingForPluginOperationsPartiallyFailed',
  'Finalizing',
  'FinalizingPartiallyFailed',
]);

export const isRunningPhase = (phase: string) => RUNNING_BACKUP_PHASES.has(phase);
