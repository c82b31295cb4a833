/**
 * The Restore screen's state: the persisted wizard (fed by `restore.changed`), the storage status
 * on a new cluster, the backups with their eligibility, the impact preview and the final report.
 * The slug the operator types to confirm goes straight into the call; nothing else is kept.
 */
import type { MethodInput, MethodOutput, RestoreWizard } from '../../electron/api/contract.js';
import type { ApiClient } from '../api.js';
import { toErrorView } from './errors.js';
import type { ErrorView, GetState, SetState, StoreDeps } from './types.js';

export type RestoreAction =
  | 'load'
  | 'situation'
  | 'storage'
  | 'backups'
  | 'select'
  | 'type'
  | 'preview'
  | 'start'
  | 'resume'
  | 'verify'
  | 'report'
  | 'back'
  | 'reset'
  | 'archives'
  | 'plan'
  | 'reseed'
  | 'skip'
  | 'continue';

export interface RestoreSlice {
  restoreWizard: RestoreWizard | null;
  /** What the restore methods last answered, typed by the contract's methods. */
  restoreStorage: MethodOutput<'restore.storage'> | null;
  restoreBackups: MethodOutput<'restore.backups'> | null;
  restoreImpact: MethodOutput<'restore.preview'> | null;
  restoreReport: MethodOutput<'restore.report'> | null;
  /** Registry step: exports Lifeboat made earlier, and the chosen archive compared with the registry. */
  restoreArchives: MethodOutput<'restore.registryArchives'> | null;
  restoreRegistryPlan: MethodOutput<'restore.registryPlan'> | null;
  restorePending: RestoreAction | null;
  restoreError: { action: RestoreAction; error: ErrorView } | null;
  loadRestore(): Promise<void>;
  chooseRestoreSituation(situation: MethodInput<'restore.setSituation'>['situation'], readOnlyDuringRestore?: boolean): Promise<void>;
  loadRestoreStorage(): Promise<void>;
  loadRestoreBackups(): Promise<void>;
  selectRestoreBackup(name: string): Promise<void>;
  selectRestoreType(type: MethodInput<'restore.selectType'>['type']): Promise<void>;
  loadRestoreImpact(): Promise<void>;
  startRestore(confirm: string): Promise<boolean>;
  resumeRestore(confirm: string): Promise<boolean>;
  verifyRestore(): Promise<void>;
  loadRestoreReport(): Promise<void>;
  restoreBack(step: MethodInput<'restore.back'>['step']): Promise<void>;
  resetRestore(): Promise<void>;
  loadRestoreArchives(): Promise<void>;
  planRestoreRegistry(source: string, caPath?: string): Promise<void>;
  reseedRestoreRegistry(source: string, caPath?: string): Promise<void>;
  skipRestoreRegistry(): Promise<void>;
  continueRestoreRegistry(): Promise<void>;
  dismissRestoreError(): void;
}

const TITLES: Record<RestoreAction, string> = {
  load: 'Could not read the restore wizard',
  situation: 'Could not save the situation',
  storage: 'Could not read the backup storage',
  backups: 'Could not list the backups',
  select: 'That backup cannot be restored',
  type: 'That restore type is not possible',
  preview: 'Could not preview the restore',
  start: 'The restore did not start',
  resume: 'The step did not start again',
  verify: 'Could not check the restore',
  report: 'Could not build the report',
  back: 'Could not go back',
  reset: 'Could not start over',
  archives: 'Could not list the registry exports',
  plan: 'Could not compare the archive with the registry',
  reseed: 'The re-seed did not start',
  skip: 'Could not skip the registry step',
  continue: 'Could not go on',
};
export const restoreErrorTitle = (a: RestoreAction) => TITLES[a];

/**
 * A method's result and the `restore.changed` events race: a re-seed that finishes at once announces
 * "succeeded" before the call that started it returns "running". The wizard is saved with a fresh
 * updatedAt on every change, so the older of the two is the stale one and is dropped.
 */
export function isStaleWizard(current: RestoreWizard | null, next: RestoreWizard): boolean {
  return !!current && Date.parse(next.updatedAt) < Date.parse(current.updatedAt);
}

export function createRestoreSlice(set: SetState, get: GetState, deps: StoreDeps): RestoreSlice {
  const { api, notify } = deps;

  async function act<T>(action: RestoreAction, fn: () => Promise<T>, quiet = false): Promise<T | undefined> {
    set({ restorePending: action, restoreError: null });
    try {
      return await fn();
    } catch (err) {
      const view = toErrorView(err);
      set({ restoreError: { action, error: view } });
      if (!quiet) notify?.(TITLES[action], view);
      return undefined;
    } finally {
      set({ restorePending: null });
    }
  }
  const wizard = (w: RestoreWizard | undefined) => {
    if (w && !isStaleWizard(get().restoreWizard, w)) set({ restoreWizard: w });
    return w;
  };

  return {
    restoreWizard: null,
    restoreStorage: null,
    restoreBackups: null,
    restoreImpact: null,
    restoreReport: null,
    restoreArchives: null,
    restoreRegistryPlan: null,
    restorePending: null,
    restoreError: null,
    loadRestore: async () => void wizard(await act('load', () => api.call('restore.state', {}), true)),
    chooseRestoreSituation: async (situation, readOnlyDuringRestore) =>
      void wizard(await act('situation', () => api.call('restore.setSituation', { situation, readOnlyDuringRestore }))),
    loadRestoreStorage: async () => {
      const s = await act('storage', () => api.call('restore.storage', {}), true);
      if (s) set({ restoreStorage: s });
    },
    loadRestoreBackups: async () => {
      const b = await act('backups', () => api.call('restore.backups', {}), true);
      if (b) set({ restoreBackups: b });
    },
    selectRestoreBackup: async (backup) => {
      set({ restoreImpact: null });
      wizard(await act('select', () => api.call('restore.selectBackup', { backup })));
    },
    selectRestoreType: async (type) => {
      set({ restoreImpact: null });
      wizard(await act('type', () => api.call('restore.selectType', { type })));
    },
    loadRestoreImpact: async () => {
      const i = await act('preview', () => api.call('restore.preview', {}), true);
      if (i) set({ restoreImpact: i });
    },
    startRestore: async (confirm) => !!wizard(await act('start', () => api.call('restore.start', { confirm }))),
    resumeRestore: async (confirm) => !!wizard(await act('resume', () => api.call('restore.resume', { confirm }))),
    verifyRestore: async () => void wizard(await act('verify', () => api.call('restore.verify', {}))),
    loadRestoreReport: async () => {
      const r = await act('report', () => api.call('restore.report', {}));
      if (r) set({ restoreReport: r });
    },
    restoreBack: async (step) => void wizard(await act('back', () => api.call('restore.back', { step }))),
    resetRestore: async () => {
      set({ restoreImpact: null, restoreReport: null, restoreRegistryPlan: null });
      wizard(await act('reset', () => api.call('restore.reset', {})));
    },
    loadRestoreArchives: async () => {
      const a = await act('archives', () => api.call('restore.registryArchives', {}), true);
      if (a) set({ restoreArchives: a });
    },
    planRestoreRegistry: async (source, caPath) => {
      set({ restoreRegistryPlan: null });
      const p = await act('plan', () => api.call('restore.registryPlan', caPath ? { source, caPath } : { source }), true);
      if (p) set({ restoreRegistryPlan: p });
    },
    reseedRestoreRegistry: async (source, caPath) =>
      void wizard(await act('reseed', () => api.call('restore.registryReseed', caPath ? { source, caPath } : { source }))),
    skipRestoreRegistry: async () => void wizard(await act('skip', () => api.call('restore.registrySkip', { acceptConsequence: true }))),
    continueRestoreRegistry: async () => void wizard(await act('continue', () => api.call('restore.registryContinue', {}))),
    dismissRestoreError: () => set({ restoreError: null }),
  };
}

export function subscribeRestore(api: ApiClient, set: SetState, get?: GetState): Array<() => void> {
  return [
    api.subscribe('restore.changed', (w) => {
      if (!get || !isStaleWizard(get().restoreWizard, w)) set({ restoreWizard: w });
    }),
  ];
}
