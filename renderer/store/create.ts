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

/** The loadAll in flight per store, so the event stream's first open can wait for it (connectStore). */
const loading = new WeakMap<LifeboatStore, Promise<void>>();

/** Loads everything the screens show. Also run after the event stream comes back from a drop. */
export async function loadAll(store: LifeboatStore): Promise<void> {
  const p = loadEverything(store);
  loading.set(store, p);
  try {
    await p;
  } finally {
    if (loading.get(store) === p) loading.delete(store);
  }
}

async function loadEverything(store: LifeboatStore): Promise<void> {
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
  let opened = false;
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
    api.onResync((stream) => {
      const first = !opened;
      opened = true;
      const pending = first ? loading.get(store) : undefined;
      if (!pending) return void (stream.missedEvents() && loadAll(store));
      // The stream first opens while the window's first load is still in flight (both start once
      // signed in): re-reading everything then would fetch the backup list a second time while the
      // first screen is being drawn from the first copy, and make that screen wait for it. Once
      // that load is in, the stream says whether it can have missed anything (nothing happened
      // between the reads and the stream: the usual case, no second read) and, if so, the window
      // reads again once it has drawn the first copy.
      const reload = () => stream.missedEvents() && afterPaint(() => void loadAll(store));
      void pending.then(reload, reload);
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** Runs `cb` when the window is next idle (after the frame being drawn), or soon where there is no idle callback. */
function afterPaint(cb: () => void): void {
  if (typeof globalThis.requestIdleCallback === 'function') globalThis.requestIdleCallback(cb, { timeout: 1000 });
  else setTimeout(cb, 0);
}
