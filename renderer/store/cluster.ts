import type { ClusterStatus } from '../../electron/api/contract.js';
import type { ClusterSlice, GetState, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

export function createClusterSlice(set: SetState, get: GetState, deps: StoreDeps): ClusterSlice {
  const { api, notify } = deps;
  /** cluster.changed events received (see receiveEnvironment in environment.ts: the same race). */
  let events = 0;

  /** Runs one cluster action; its failure is kept for the card and raised as a notification. */
  async function run(pending: NonNullable<ClusterSlice['clusterPending']>, title: string, fn: () => Promise<void>) {
    set({ clusterPending: pending, clusterError: null });
    try {
      await fn();
    } catch (err) {
      const view = toErrorView(err);
      set({ clusterError: view });
      notify?.(title, view);
    } finally {
      set({ clusterPending: null });
    }
  }

  /** connect/useContext answer with a status; a status in error is a failure the operator asked about. */
  function settle(status: ClusterStatus, title: string) {
    set({ cluster: status });
    if (status.state === 'error' && status.error) notify?.(title, status.error);
  }

  return {
    cluster: null,
    kubeconfigs: [],
    clusterPending: null,
    clusterError: null,

    receiveCluster: (cluster) => {
      events++;
      set({ cluster });
    },

    loadCluster: () =>
      run('load', 'Could not read the cluster status', async () => {
        const seen = events;
        const [status, kubeconfigs] = await Promise.all([api.call('cluster.status', {}), api.call('cluster.kubeconfigs', {})]);
        set(events === seen ? { cluster: status, kubeconfigs } : { kubeconfigs });
      }),

    connect: (input) =>
      run('connect', 'Could not connect to the cluster', async () => {
        settle(await api.call('cluster.connect', input), 'Could not connect to the cluster');
        // A chosen path joins the list the main process knows; fetch it so the chooser shows it.
        const kubeconfigs = await api.call('cluster.kubeconfigs', {}).catch(() => get().kubeconfigs);
        set({ kubeconfigs });
      }),

    switchContext: (context) =>
      run('context', `Could not switch to context ${context}`, async () => {
        settle(await api.call('cluster.useContext', { context }), `Could not connect with context ${context}`);
      }),

    disconnect: () =>
      run('disconnect', 'Could not disconnect', async () => {
        set({ cluster: await api.call('cluster.disconnect', {}) });
      }),

    dismissClusterError: () => set({ clusterError: null }),
  };
}
