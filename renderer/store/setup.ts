/**
 * The Setup screen's state: the persisted wizard from the main process (`setup.changed` keeps it
 * live: image push progress, apply phases, verification). Secrets typed into the forms go straight
 * into one call and are never kept here.
 */
import type { MethodInput, SetupWizard } from '../../electron/api/contract.js';
import type { ApiClient } from '../api.js';
import { toErrorView } from './errors.js';
import type { ErrorView, SetState, StoreDeps } from './types.js';

export type SetupAction =
  | 'load'
  | 'preflight'
  | 'mode'
  | 'validate'
  | 'registry'
  | 'check'
  | 'push'
  | 'review'
  | 'apply'
  | 'resume'
  | 'cancel'
  | 'verify'
  | 'back'
  | 'change'
  | 'uninstall'
  | 'reset'
  | 'forget';

export interface SetupSlice {
  setup: SetupWizard | null;
  setupAction: SetupAction | null;
  setupError: ErrorView | null;
  loadSetup(): Promise<void>;
  setupCall<M extends SetupMethod>(action: SetupAction, method: M, input: MethodInput<M>): Promise<boolean>;
  dismissSetupError(): void;
}

type SetupMethod = Extract<Parameters<ApiClient['call']>[0], `setup.${string}`>;

/** Keeps the newest wizard snapshot. Events (server-sent) and method results (fetch) travel on
 * different connections, so a result computed before a background push finished can arrive after
 * the push's last event: the revision decides, not the arrival order. */
export function newerSetup(current: SetupWizard | null, incoming: SetupWizard): SetupWizard {
  if (!current || current.rev === undefined || incoming.rev === undefined) return incoming;
  // Older only when both say so (a wizard file deleted by hand restarts the revisions).
  return incoming.rev < current.rev && incoming.updatedAt <= current.updatedAt ? current : incoming;
}

export function createSetupSlice(set: SetState, deps: StoreDeps): SetupSlice {
  const { api } = deps;
  return {
    setup: null,
    setupAction: null,
    setupError: null,
    async loadSetup() {
      try {
        const w = await api.call('setup.state', {});
        set((s) => ({ setup: newerSetup(s.setup, w) }));
      } catch (err) {
        set({ setupError: toErrorView(err) });
      }
    },
    async setupCall(action, method, input) {
      set({ setupAction: action, setupError: null });
      try {
        const w = (await api.call(method, input as never)) as SetupWizard;
        set((s) => ({ setup: newerSetup(s.setup, w) }));
        return true;
      } catch (err) {
        set({ setupError: toErrorView(err) });
        return false;
      } finally {
        set({ setupAction: null });
      }
    },
    dismissSetupError() {
      set({ setupError: null });
    },
  };
}

export function subscribeSetup(api: ApiClient, set: SetState): Array<() => void> {
  return [api.subscribe('setup.changed', (setup) => set((s) => ({ setup: newerSetup(s.setup, setup) })))];
}
