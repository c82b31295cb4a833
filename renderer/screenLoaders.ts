/**
 * Each screen is its own chunk, loaded when it is first needed. main.tsx asks for the chunk of the
 * screen in the address (#/backups) first thing, beside the data; the others load when the window
 * is idle, so switching screens later does not wait for the network or the parser.
 *
 * The promises carry React's thenable fields (status, value), so `use()` reads an already loaded
 * screen synchronously: no placeholder flashes when a loaded screen is opened again.
 */
import type { ScreenId } from './routes.js';

export type ScreenComponent = () => React.JSX.Element;

/** A promise with the fields React's `use()` reads to take a settled value without suspending. */
type Tracked<T> = Promise<T> & { status?: 'pending' | 'fulfilled' | 'rejected'; value?: T; reason?: unknown };

// Literal import() calls, one per screen, so the bundler makes one chunk for each (paths relative to
// the page, which works over http:// in web mode and file:// in Electron).
const loaders: Record<ScreenId, () => Promise<ScreenComponent>> = {
  overview: () => import('./screens/Overview/OverviewScreen.js').then((m) => m.OverviewScreen),
  setup: () => import('./screens/Setup/SetupScreen.js').then((m) => m.SetupScreen),
  backups: () => import('./screens/Backups/BackupsScreen.js').then((m) => m.BackupsScreen),
  restore: () => import('./screens/Restore/RestoreScreen.js').then((m) => m.RestoreScreen),
  registry: () => import('./screens/Registry/RegistryScreen.js').then((m) => m.RegistryScreen),
  activity: () => import('./screens/Activity/ActivityScreen.js').then((m) => m.ActivityScreen),
};

const cache = new Map<ScreenId, Tracked<ScreenComponent>>();

/** The screen's component, loading its chunk once (a failed load is tried again next time). */
export function loadScreen(id: ScreenId): Promise<ScreenComponent> {
  const cached = cache.get(id);
  if (cached) return cached;
  const tracked: Tracked<ScreenComponent> = loaders[id]().then(
    (c) => {
      tracked.status = 'fulfilled';
      tracked.value = c;
      return c;
    },
    (err: unknown) => {
      tracked.status = 'rejected';
      tracked.reason = err;
      cache.delete(id);
      throw err;
    },
  );
  tracked.status = 'pending';
  tracked.catch(() => {}); // whoever renders the screen sees the error; an unwatched prefetch must not be "unhandled"
  cache.set(id, tracked);
  return tracked;
}

/** Loads every other screen's chunk, one at a time, when the window has nothing else to do. */
export function prefetchScreens(ids: readonly ScreenId[]): void {
  const idle: (cb: () => void) => void =
    typeof window !== 'undefined' && 'requestIdleCallback' in window ? (cb) => window.requestIdleCallback(cb, { timeout: 2000 }) : (cb) => setTimeout(cb, 200);
  const next = (i: number) => {
    if (i >= ids.length) return;
    idle(() => {
      loadScreen(ids[i]).then(
        () => next(i + 1),
        () => next(i + 1),
      );
    });
  };
  next(0);
}
