import type { EnvironmentSlice, GetState, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

export function createEnvironmentSlice(set: SetState, _get: GetState, deps: StoreDeps): EnvironmentSlice {
  const { api, notify } = deps;

  async function run(pending: 'load' | 'refresh', method: 'environment.get' | 'environment.refresh') {
    set({ environmentPending: pending, environmentError: null });
    try {
      set({ environment: await api.call(method, {}) });
    } catch (err) {
      const view = toErrorView(err);
      set({ environmentError: view });
      notify?.('Could not detect the environment', view);
    } finally {
      set({ environmentPending: null });
    }
  }

  return {
    environment: null,
    environmentPending: null,
    environmentError: null,
    loadEnvironment: () => run('load', 'environment.get'),
    refreshEnvironment: () => run('refresh', 'environment.refresh'),
  };
}
