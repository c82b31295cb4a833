import type {
  AppInfo,
  BundledTool,
  ClusterStatus,
  Environment,
  JournalEntry,
  KubeconfigSource,
  MethodInput,
  ToolOutputLine,
} from '../../electron/api/contract.js';
import type { ApiErrorData } from '../../electron/api/errors.js';
import type { ApiClient, LinkState, SessionResult } from '../api.js';
import type { RegistrySlice } from './registry.js';
import type { BackupsSlice } from './backups.js';
import type { SetupSlice } from './setup.js';
import type { RestoreSlice } from './restore.js';

/** An error as the screens show it: what happened and what to do, never a stack. */
export interface ErrorView {
  /** An ErrorCode from errors.ts, or a code the cluster status carries. */
  code: ApiErrorData['code'] | (string & {});
  message: string;
  hint?: string;
}

export type ColorSchemePref = 'auto' | 'light' | 'dark';

export interface ConnectionSlice {
  transport: ApiClient['transport'];
  /** 'pending' until the API client knows whether this window is signed in (web mode). */
  session: SessionResult | 'pending';
  link: LinkState;
}

export interface ClusterSlice {
  cluster: ClusterStatus | null;
  kubeconfigs: KubeconfigSource[];
  /** What the cluster card is waiting for, if anything. */
  clusterPending: 'load' | 'connect' | 'context' | 'disconnect' | null;
  clusterError: ErrorView | null;
  /** A cluster.changed event: newer than any cluster.status answer still in flight. */
  receiveCluster(status: ClusterStatus): void;
  loadCluster(): Promise<void>;
  connect(input: MethodInput<'cluster.connect'>): Promise<void>;
  switchContext(context: string): Promise<void>;
  disconnect(): Promise<void>;
  dismissClusterError(): void;
}

export interface EnvironmentSlice {
  environment: Environment | null;
  environmentPending: 'load' | 'refresh' | null;
  environmentError: ErrorView | null;
  /** An environment.changed event: newer than any environment.get answer still in flight. */
  receiveEnvironment(environment: Environment | null): void;
  loadEnvironment(): Promise<void>;
  refreshEnvironment(): Promise<void>;
}

export interface ActivitySlice {
  /** Newest first. */
  entries: JournalEntry[];
  activityLoaded: boolean;
  activityError: ErrorView | null;
  /** Tool output per run id, oldest line first, capped at MAX_OUTPUT_LINES. */
  output: Record<string, ToolOutputLine[]>;
  selectedRunId: string | null;
  outputPending: boolean;
  cancelling: Record<string, boolean>;
  loadActivity(): Promise<void>;
  selectRun(runId: string | null): Promise<void>;
  cancelRun(runId: string): Promise<void>;
}

export interface AppSlice {
  appInfo: AppInfo | null;
  /** The bundled velero and kubectl-kots, and whether their checksums hold. */
  tools: BundledTool[] | null;
  toolsError: ErrorView | null;
  loadApp(): Promise<void>;
  /** A native file dialog's path (Electron); null when cancelled or not available (web mode: the typed field only). */
  choosePath(input: MethodInput<'app.choosePath'>): Promise<string | null>;
  /** Reveals a report or export Lifeboat wrote in the file manager (Electron); a refusal is notified. */
  showInFolder(path: string): Promise<void>;
}

export interface UiSlice {
  colorScheme: ColorSchemePref;
  setColorScheme(pref: ColorSchemePref): void;
}

export type LifeboatState = ConnectionSlice &
  AppSlice &
  ClusterSlice &
  EnvironmentSlice &
  ActivitySlice &
  UiSlice &
  RegistrySlice &
  RestoreSlice &
  SetupSlice &
  BackupsSlice;

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What the store needs from outside: the API, a place for preferences, a way to raise an alarm. */
export interface StoreDeps {
  api: ApiClient;
  storage?: StorageLike;
  /** Shows an error to the operator (a notification); the store also keeps it for inline display. */
  notify?: (title: string, error: ErrorView) => void;
}

export type SetState = (partial: Partial<LifeboatState> | ((s: LifeboatState) => Partial<LifeboatState>)) => void;
export type GetState = () => LifeboatState;
