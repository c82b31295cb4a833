/**
 * The one API contract between Lifeboat's main process and its renderer, grouped by area.
 *
 * Both transports (Electron IPC and web mode's HTTP + server-sent events) are generic over this
 * file: they validate every input and output with these schemas, so a method added here is
 * validated everywhere at once. The renderer gets its types from here too.
 *
 * Each area keeps its shapes, methods and events in its own file under contract/ (and its handlers
 * in electron/workflows/<area>/handlers.ts), so the areas grow without stepping on each other;
 * shapes several areas use are in contract/shared.ts, defined once. This file is the index: it
 * re-exports every area's shapes and assembles the `methods` and `events` tables, so everything
 * else imports the contract from here. The contract imports nothing of ours outside electron/api.
 */
import type { z } from 'zod';
import { activityEvents, activityMethods } from './contract/activity.js';
import { appMethods } from './contract/app.js';
import { backupsEvents, backupsMethods } from './contract/backups.js';
import { clusterEvents, clusterMethods } from './contract/cluster.js';
import { environmentEvents, environmentMethods } from './contract/environment.js';
import { registryEvents, registryMethods } from './contract/registry.js';
import { restoreEvents, restoreMethods } from './contract/restore.js';
import { setupEvents, setupMethods } from './contract/setup.js';

// ---------------------------------------------------------------------------------------------
// Shapes, by area
// ---------------------------------------------------------------------------------------------

export { Check, ErrorData } from './contract/shared.js';
export { AppInfo, ChoosePathInput, ChosenPath, ShownInFolder } from './contract/app.js';
export { BundledTool, JournalEntry, ToolOutputLine } from './contract/activity.js';
export { ClusterStatus, KubeconfigSource, KubeContext, PermissionCheck } from './contract/cluster.js';
export { BackupStorageLocationInfo, CompatibilityVerdict, Environment, Flavour, KotsInfo, VeleroInfo } from './contract/environment.js';
export {
  SetupApply,
  SetupCommand,
  SetupDestination,
  SetupImage,
  SetupMode,
  SetupObjectChange,
  SetupPhase,
  SetupPhaseId,
  SetupRegistry,
  SetupReview,
  SetupSecrets,
  SetupStep,
  SetupValidation,
  SetupVerification,
  SetupWizard,
} from './contract/setup.js';
export {
  BackupDetail,
  BackupHook,
  BackupLogPage,
  BackupReadiness,
  BackupRegistryExport,
  BackupResultEntry,
  BackupRows,
  BackupSchedule,
  BackupSummary,
  BackupSummaryList,
  BackupType,
  BackupVolumes,
  checkedBackupSummary,
  CronCheck,
  FollowedBackup,
  HookOutcome,
  HookPlan,
  RetentionUnit,
} from './contract/backups.js';
export {
  RestoreBackup,
  RestoreImpact,
  RestoreObjectRef,
  RestoreProgress,
  RestoreRegistryArchive,
  RestoreRegistryPlan,
  RestoreRegistryStep,
  RestoreReport,
  RestoreResultEntry,
  RestoreRun,
  RestoreRunStep,
  RestoreSituation,
  RestoreStep,
  RestoreStorage,
  RestoreType,
  RestoreVerification,
  RestoreWizard,
} from './contract/restore.js';
export {
  RegistryExportInput,
  RegistryExportSummary,
  RegistryInfo,
  RegistryJob,
  RegistryJobProgress,
  RegistryPathCheck,
  RegistryPhase,
  RegistryReseedInput,
  RegistryReseedReport,
  RegistryTarget,
} from './contract/registry.js';

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

const coreMethods = {
  ...appMethods,
  ...clusterMethods,
  ...environmentMethods,
  ...activityMethods,
} as const;

export const methods = {
  ...coreMethods,
  ...setupMethods,
  ...backupsMethods,
  ...restoreMethods,
  ...registryMethods,
} as const;

export type CoreMethods = typeof coreMethods;
export type SetupMethods = typeof setupMethods;
export type BackupsMethods = typeof backupsMethods;
export type RestoreMethods = typeof restoreMethods;
export type RegistryMethods = typeof registryMethods;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)
// ---------------------------------------------------------------------------------------------

const coreEvents = {
  ...clusterEvents,
  ...environmentEvents,
  ...activityEvents,
} as const;

export const events = {
  ...coreEvents,
  ...setupEvents,
  ...backupsEvents,
  ...restoreEvents,
  ...registryEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
