/**
 * Velero's objects as Lifeboat reads them (velero pkg/apis/velero/v1/*_types.go at v1.18.3): the
 * one set of shapes every area uses (backups, restore, setup, environment), their phases, and
 * Velero's label-value shortening.
 */
import { createHash } from 'node:crypto';
import { isRunningPhase } from '../api/backupPhases.js';

export interface Meta {
  name: string;
  namespace: string;
  uid?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  resourceVersion?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface HookExec {
  container?: string;
  command?: string[];
  onError?: string;
  timeout?: string;
}

export interface BackupHookSpec {
  name?: string;
  includedNamespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: LabelSelector;
  pre?: Array<{ exec?: HookExec }>;
  post?: Array<{ exec?: HookExec }>;
}

export interface VeleroBackup {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: {
    storageLocation?: string;
    includedNamespaces?: string[];
    excludedNamespaces?: string[];
    includeClusterResources?: boolean;
    labelSelector?: LabelSelector;
    orLabelSelectors?: LabelSelector[];
    ttl?: string;
    defaultVolumesToFsBackup?: boolean;
    hooks?: { resources?: BackupHookSpec[] };
  };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    expiration?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    progress?: { totalItems?: number; itemsBackedUp?: number };
    hookStatus?: { hooksAttempted?: number; hooksFailed?: number };
    version?: number;
    formatVersion?: string;
  };
}

export interface PodVolumeBackup {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: { pod?: { name?: string; namespace?: string }; volume?: string; node?: string };
  status?: { phase?: string; message?: string; progress?: { totalBytes?: number; bytesDone?: number } };
}

export interface BackupStorageLocation {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: {
    provider?: string;
    default?: boolean;
    accessMode?: string;
    objectStorage?: { bucket?: string; prefix?: string };
    config?: Record<string, string>;
    credential?: { name?: string; key?: string };
  };
  status?: { phase?: string; lastSyncedTime?: string; lastValidationTime?: string; message?: string };
}

export interface VeleroRestore {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: { backupName?: string; labelSelector?: LabelSelector };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    progress?: { totalItems?: number; itemsRestored?: number };
  };
}

export interface PodVolumeRestore {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  status?: { phase?: string; progress?: { totalBytes?: number; bytesDone?: number } };
}

export const TERMINAL_RESTORE_PHASES = new Set(['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation']);
export const isTerminalRestore = (phase: string | undefined) => !!phase && TERMINAL_RESTORE_PHASES.has(phase);

export const TERMINAL_BACKUP_PHASES = new Set(['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation']);
export const isTerminalBackup = (phase: string | undefined) => !!phase && TERMINAL_BACKUP_PHASES.has(phase);
export const isRunningBackup = (b: VeleroBackup) => !b.metadata.deletionTimestamp && isRunningPhase(b.status?.phase || 'New');

/** Velero's label-value shortening (names over 63 characters: first 57 + 6 hex of SHA-256). */
export function labelValue(name: string): string {
  if (name.length <= 63) return name;
  return name.slice(0, 57) + createHash('sha256').update(name).digest('hex').slice(0, 6);
}
