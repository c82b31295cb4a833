/**
 * The renderer's state: one zustand store made of slices per area, fed by contract events.
 * Screens read it and call its actions; only the slices talk to the API client.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { appendLine, createActivitySlice, upsertEntry } from './activity.js';
import { createAppSlice } from './app.js';
import { createClusterSlice } from './cluster.js';
import { createEnvironmentSlice } from './environment.js';
import { createUiSlice } from './ui.js';
import { createRegistrySlice, subscribeRegistry } from './registry.js';
import { createBackupsSlice, subscribeBackups } from './backups.js';
import { createRestoreSlice, subscribeRestore } from './restore.js';
import { createSetupSlice, subscribeSetup } from './setup.js';
import type { LifeboatState, StoreDeps } from './types.js';

export type LifeboatStore = StoreApi<LifeboatState>;

export function createLifeboatStore(deps: StoreDeps): LifeboatStore {
  return createStore<LifeboatState>()((set, get) => ({
    transport: deps.api.transport,
    session: 'pending',
    link: { status: 'connecting' },
    ...createAppSlice(set, deps),
    ...createClusterSlice(set, get, deps),
    ...createEnvironmentSlice(set, get, deps),
    ...createActivitySlice(set, get, deps),
    ...createUiSlice(set, deps),
    ...createRegistrySlice(set, get, deps),
    ...createBackupsSlice(set, get, deps),
    ...createRestoreSlice(set, get, deps),
    ...createSetupSlice(set, deps),
  }));
}

/** Loads everything the screens show. Also run after the event stream comes back from a drop. */
export async function loadAll(store: LifeboatStore): Promise<void> {
  const s = store.getState();
  await Promise.all([
    s.loadApp(),
    s.loadCluster(),
    s.loadEnvironment(),
    s.loadActivity(),
    s.loadRegistryJobs(),
    s.loadRestore(),
    s.loadSetup(),
    s.loadBackups(),
    s.loadFollowedBackup(),
  ]);
  const selected = store.getState().selectedRunId;
  if (selected) await store.getState().selectRun(selected);
}

/** Subscribes the store to the contract's events and the link state; returns the unsubscribe. */
export function connectStore(store: LifeboatStore, deps: StoreDeps): () => void {
  const { api } = deps;
  let live = true;
  void api.session.then((session) => {
    if (live) store.setState({ session });
  });
  const offs = [
    () => {
      live = false;
    },
    api.onLink((link) => store.setState({ link })),
    api.subscribe('cluster.changed', (cluster) => store.getState().receiveCluster(cluster)),
    api.subscribe('environment.changed', (environment) => store.getState().receiveEnvironment(environment)),
    api.subscribe('activity.entry', (entry) => store.setState((s) => ({ entries: upsertEntry(s.entries, entry) }))),
    api.subscribe('activity.output', (line) => store.setState((s) => ({ output: { ...s.output, [line.runId]: appendLine(s.output[line.runId], line) } }))),
    ...subscribeRegistry(api, store.setState),
    ...subscribeBackups(api, store.setState, store.getState),
    ...subscribeRestore(api, store.setState, store.getState),
    ...subscribeSetup(api, store.setState),
    api.onResync(() => void loadAll(store)),
  ];
  return () => offs.forEach((off) => off());
}
