/**
 * The Backups screen's state: every Velero Backup (kept current by `backups.delta`), the backup
 * Lifeboat follows (`backups.followed`), readiness, detail and log of the opened backup, hooks,
 * schedule and retention. Screens read it and call its actions; only this slice talks to the API.
 */
import type {
  BackupDetail,
  BackupReadiness,
  BackupSchedule,
  BackupSummary,
  CronCheck,
  FollowedBackup,
  HookPlan,
  MethodInput,
} from '../../electron/api/contract.js';
import type { ApiClient } from '../api.js';
import { decodeBackupRows } from '../../electron/api/backupRows.js';
import { takeEarly } from '../early.js';
import { toErrorView } from './errors.js';
import type { ErrorView, GetState, SetState, StoreDeps } from './types.js';

export interface BackupLogState {
  name: string;
  lines: string[];
  total: number;
  loading: boolean;
  /** Milliseconds until the first page arrived (shown, and read by the benchmark). */
  firstPageMs?: number;
  error?: ErrorView;
}

export interface BackupsSlice {
  /** By name; replaced (not mutated) on every change so selectors notice. */
  backupsByName: Map<string, BackupSummary>;
  backupsLoaded: boolean;
  backupsError: ErrorView | null;
  followedBackup: FollowedBackup | null;
  backupReadiness: BackupReadiness | null;
  backupCreating: boolean;
  /** kURL / Embedded Cluster: "also export the registry" with the next full backup (default on). */
  backupIncludeRegistry: boolean;
  setBackupIncludeRegistry(v: boolean): void;
  backupCreateError: ErrorView | null;
  backupDetail: { name: string; data?: BackupDetail; loading: boolean; error?: ErrorView } | null;
  backupLog: BackupLogState | null;
  backupDeleting: string | null;
  backupDeleteError: ErrorView | null;
  hookPlan: HookPlan | null;
  hookPlanError: ErrorView | null;
  backupSchedule: BackupSchedule | null;
  backupScheduleError: ErrorView | null;
  backupSchedulePending: 'load' | 'schedule' | 'retention' | null;
  loadBackups(): Promise<void>;
  loadBackupReadiness(): Promise<void>;
  loadFollowedBackup(): Promise<void>;
  createBackup(input?: MethodInput<'backups.create'>): Promise<FollowedBackup | null>;
  openBackup(name: string | null): Promise<void>;
  loadBackupLog(name: string): Promise<void>;
  deleteBackup(name: string, confirm: string): Promise<boolean>;
  loadHookPlan(): Promise<void>;
  loadBackupSchedule(): Promise<void>;
  checkCron(schedule: string): Promise<CronCheck>;
  saveBackupSchedule(autoEnabled: boolean, schedule: string): Promise<boolean>;
  saveBackupRetention(value: number, unit: MethodInput<'backups.setRetention'>['unit']): Promise<boolean>;
  dismissBackupErrors(): void;
}

export function applyDelta(
  map: Map<string, BackupSummary>,
  delta: { upserted: BackupSummary[]; removed: string[]; reset?: boolean },
): Map<string, BackupSummary> {
  const next = delta.reset ? new Map<string, BackupSummary>() : new Map(map);
  for (const b of delta.upserted) next.set(b.name, b);
  for (const n of delta.removed) next.delete(n);
  return next;
}

const LOG_FIRST_PAGE = 2000;
const LOG_PAGE = 100_000;

/** The readiness shown when it could not be read: not ready, and why. */
export function readinessUnknown(err: unknown): BackupReadiness {
  const view = toErrorView(err);
  return {
    ok: false,
    checks: [{ ok: false, severity: 'error', title: 'Readiness unknown', reason: view.message, fix: view.hint }],
    partialAllowed: false,
    apps: [],
  };
}

type BackupsData = Omit<BackupsSlice, { [K in keyof BackupsSlice]: BackupsSlice[K] extends (...args: never[]) => unknown ? K : never }[keyof BackupsSlice]>;

const initialBackups = (): BackupsData => ({
  backupsByName: new Map(),
  backupsLoaded: false,
  backupsError: null,
  followedBackup: null,
  backupReadiness: null,
  backupCreating: false,
  backupIncludeRegistry: true,
  backupCreateError: null,
  backupDetail: null,
  backupLog: null,
  backupDeleting: null,
  backupDeleteError: null,
  hookPlan: null,
  hookPlanError: null,
  backupSchedule: null,
  backupScheduleError: null,
  backupSchedulePending: null,
});

/** The list, its readiness, the followed backup, and taking a new one. */
function listActions(
  set: SetState,
  get: GetState,
  { api, notify }: StoreDeps,
): Pick<BackupsSlice, 'setBackupIncludeRegistry' | 'loadBackups' | 'loadBackupReadiness' | 'loadFollowedBackup' | 'createBackup'> {
  return {
    setBackupIncludeRegistry: (v) => set({ backupIncludeRegistry: v }),
    async loadBackups() {
      try {
        // The window's first read was sent and decoded early (renderer/client.ts); later reads ask.
        const early = takeEarly<BackupSummary[]>('backups.rows');
        const list = early ? await early : decodeBackupRows(await api.call('backups.rows', {}));
        set({ backupsByName: applyDelta(new Map(), { upserted: list, removed: [], reset: true }), backupsLoaded: true, backupsError: null });
        performance.mark?.('lifeboat:backups-list-stored');
      } catch (err) {
        set({ backupsError: toErrorView(err), backupsLoaded: true });
      }
    },
    async loadBackupReadiness() {
      try {
        set({ backupReadiness: await api.call('backups.readiness', {}) });
      } catch (err) {
        set({ backupReadiness: readinessUnknown(err) });
      }
    },
    async loadFollowedBackup() {
      try {
        set({ followedBackup: await api.call('backups.followed', {}) });
      } catch {
        // not connected yet: the event brings it
      }
    },
    async createBackup(input = { kind: 'full' }) {
      set({ backupCreating: true, backupCreateError: null });
      try {
        const f = await api.call('backups.create', input);
        set({ followedBackup: f });
        return f;
      } catch (err) {
        const view = toErrorView(err);
        set({ backupCreateError: view });
        notify?.('The backup did not start', view);
        return null;
      } finally {
        set({ backupCreating: false });
        void get().loadBackupReadiness();
      }
    },
  };
}

/** The opened backup: its detail, its log (paged in), and deleting it. */
function detailActions(set: SetState, get: GetState, { api }: StoreDeps): Pick<BackupsSlice, 'openBackup' | 'loadBackupLog' | 'deleteBackup'> {
  let logGen = 0;
  return {
    async openBackup(name) {
      if (!name) return set({ backupDetail: null, backupLog: null, backupDeleteError: null });
      set({ backupDetail: { name, loading: true }, backupDeleteError: null });
      try {
        const data = await api.call('backups.detail', { name });
        if (get().backupDetail?.name === name) set({ backupDetail: { name, data, loading: false } });
      } catch (err) {
        if (get().backupDetail?.name === name) set({ backupDetail: { name, loading: false, error: toErrorView(err) } });
      }
    },
    async loadBackupLog(name) {
      const gen = ++logGen;
      const t0 = performance.now();
      set({ backupLog: { name, lines: [], total: 0, loading: true } });
      try {
        const first = await api.call('backups.log', { name, offset: 0, limit: LOG_FIRST_PAGE });
        if (gen !== logGen) return;
        let lines = first.lines;
        let complete = first.complete && lines.length >= first.total;
        set({ backupLog: { name, lines, total: first.total, loading: !complete, firstPageMs: Math.round(performance.now() - t0) } });
        while (!complete) {
          const page = await api.call('backups.log', { name, offset: lines.length, limit: LOG_PAGE });
          if (gen !== logGen) return;
          lines = lines.concat(page.lines);
          complete = page.complete && lines.length >= page.total;
          if (!page.lines.length && !complete) break;
          const total = page.total;
          set((s) => ({ backupLog: s.backupLog && { ...s.backupLog, lines, total, loading: !complete } }));
        }
      } catch (err) {
        if (gen === logGen) set((s) => ({ backupLog: { name, lines: s.backupLog?.lines ?? [], total: 0, loading: false, error: toErrorView(err) } }));
      }
    },
    async deleteBackup(name, confirm) {
      set({ backupDeleting: name, backupDeleteError: null });
      try {
        await api.call('backups.delete', { name, confirm });
        return true;
      } catch (err) {
        set({ backupDeleteError: toErrorView(err) });
        return false;
      } finally {
        set({ backupDeleting: null });
      }
    },
  };
}

/** Hooks, and the admin console's schedule and retention. */
function scheduleActions(
  set: SetState,
  { api }: StoreDeps,
): Pick<BackupsSlice, 'loadHookPlan' | 'loadBackupSchedule' | 'checkCron' | 'saveBackupSchedule' | 'saveBackupRetention' | 'dismissBackupErrors'> {
  /** Saves schedule or retention: the schedule as saved, or the error shown. */
  async function save(pending: 'schedule' | 'retention', call: () => Promise<BackupSchedule>): Promise<boolean> {
    set({ backupSchedulePending: pending, backupScheduleError: null });
    try {
      set({ backupSchedule: await call() });
      return true;
    } catch (err) {
      set({ backupScheduleError: toErrorView(err) });
      return false;
    } finally {
      set({ backupSchedulePending: null });
    }
  }
  return {
    async loadHookPlan() {
      try {
        set({ hookPlan: await api.call('backups.hooks', {}), hookPlanError: null });
      } catch (err) {
        set({ hookPlanError: toErrorView(err) });
      }
    },
    async loadBackupSchedule() {
      set({ backupSchedulePending: 'load' });
      try {
        set({ backupSchedule: await api.call('backups.schedule', {}), backupScheduleError: null });
      } catch (err) {
        set({ backupScheduleError: toErrorView(err) });
      } finally {
        set({ backupSchedulePending: null });
      }
    },
    checkCron: (schedule) => api.call('backups.checkCron', { schedule }),
    saveBackupSchedule: (autoEnabled, schedule) => save('schedule', () => api.call('backups.setSchedule', { autoEnabled, schedule })),
    saveBackupRetention: (value, unit) => save('retention', () => api.call('backups.setRetention', { value, unit })),
    dismissBackupErrors: () => set({ backupCreateError: null, backupDeleteError: null, backupScheduleError: null }),
  };
}

export function createBackupsSlice(set: SetState, get: GetState, deps: StoreDeps): BackupsSlice {
  return {
    ...initialBackups(),
    ...listActions(set, get, deps),
    ...detailActions(set, get, deps),
    ...scheduleActions(set, deps),
  };
}

/** Feeds the slice from the contract's backups events; returns the unsubscribes. */
export function subscribeBackups(api: ApiClient, set: SetState, get: GetState): Array<() => void> {
  let readinessTimer: ReturnType<typeof setTimeout> | undefined;
  // "another backup in progress" depends on the list: re-ask after changes, at most every 300 ms.
  const recheck = () => {
    if (!readinessTimer)
      readinessTimer = setTimeout(() => {
        readinessTimer = undefined;
        void get().loadBackupReadiness();
      }, 300);
  };
  return [
    api.subscribe('backups.delta', (d) => {
      set((s) => ({ backupsByName: applyDelta(s.backupsByName, d), backupsLoaded: true }));
      recheck();
    }),
    api.subscribe('backups.followed', (f) => {
      set({ followedBackup: f });
      recheck();
    }),
    // Velero stopping/starting or its storage location changing shows up here first.
    api.subscribe('environment.changed', () => recheck()),
  ];
}

/** Resolves once the backup list is in the store (or failed), or after `maxMs`, whichever is first. */
export function whenBackupsLoaded(
  store: { getState(): { backupsLoaded: boolean }; subscribe(l: (s: { backupsLoaded: boolean }) => void): () => void },
  maxMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    if (store.getState().backupsLoaded) return resolve();
    const timer = setTimeout(done, maxMs);
    const off = store.subscribe((s) => {
      if (s.backupsLoaded) done();
    });
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}
