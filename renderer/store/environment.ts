import type { EnvironmentSlice, GetState, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

export function createEnvironmentSlice(set: SetState, _get: GetState, deps: StoreDeps): EnvironmentSlice {
  const { api, notify } = deps;
  /** environment.changed events received: detection publishes every change, so an event that
   * arrived while a call was in flight is at least as new as the call's answer. */
  let events = 0;

  async function run(pending: 'load' | 'refresh', method: 'environment.get' | 'environment.refresh') {
    set({ environmentPending: pending, environmentError: null });
    try {
      const seen = events;
      const environment = await api.call(method, {});
      if (events === seen) set({ environment });
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
    receiveEnvironment: (environment) => {
      events++;
      set({ environment });
    },
    loadEnvironment: () => run('load', 'environment.get'),
    refreshEnvironment: () => run('refresh', 'environment.refresh'),
  };
}
