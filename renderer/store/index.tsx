import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { LifeboatStore } from './create.js';
import type { LifeboatState } from './types.js';

export { createLifeboatStore, connectStore, loadAll, type LifeboatStore } from './create.js';
export { whenBackupsLoaded } from './backups.js';
export type * from './types.js';

const StoreContext = createContext<LifeboatStore | null>(null);

export function StoreProvider({ store, children }: { store: LifeboatStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** A function that reads the store's current value when called, for use after an awaited action. */
export function useLifeboatGetter<T>(selector: (s: LifeboatState) => T): () => T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useLifeboatGetter outside StoreProvider');
  return () => selector(store.getState());
}

/** Reads from the store; pick small slices (or use useShallow) so screens re-render only as needed. */
export function useLifeboat<T>(selector: (s: LifeboatState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useLifeboat outside StoreProvider');
  return useStore(store, selector);
}
