/**
 * The app itself: store, theme and the shell, loaded by main.tsx once the data and the first
 * screen's code are already on their way.
 */
import { MantineProvider } from '@mantine/core';
import { useColorScheme } from '@mantine/hooks';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './client.js';
import { App } from './App.js';
import { screenFromHash, screens } from './routes.js';
import { loadScreen, prefetchScreens } from './screenLoaders.js';
import { StoreProvider, connectStore, createLifeboatStore, loadAll, useLifeboat, whenBackupsLoaded, type ErrorView, type StoreDeps } from './store/index.js';
import { theme } from './theme.js';

// Notifications (Mantine's component and its transitions) are not needed for the first paint:
// their chunk loads after it, or at once when something has to be said before that. (Their
// styles are in the one stylesheet index.html links: vite.config.ts.)
let notificationsModule: Promise<typeof import('./notifications.js')> | undefined;
const loadNotifications = () => (notificationsModule ??= import('./notifications.js'));
/** Set while the notifications area waits for idle time; a notification to show mounts it at once. */
let mountNotificationsNow: (() => void) | undefined;

function notify(title: string, error: ErrorView) {
  mountNotificationsNow?.();
  void loadNotifications().then((m) =>
    m.notifications.show({
      // One notification per distinct error: a flapping cluster must not bury the screen.
      id: `${error.code}:${error.message}`,
      color: 'red',
      title,
      message: error.hint ? `${error.message} — ${error.hint}` : error.message,
      autoClose: 12_000,
    }),
  );
}

/** Mounts the notifications area once its chunk is in (notifications shown earlier are queued in its store). */
function LazyNotifications() {
  const [Notifications, setNotifications] = useState<(typeof import('./notifications.js'))['Notifications'] | null>(null);
  useEffect(() => {
    let live = true;
    const mount = () => {
      mountNotificationsNow = undefined;
      void loadNotifications().then(
        (m) => live && setNotifications(() => m.Notifications),
        () => {},
      );
    };
    mountNotificationsNow = mount;
    // When the window is idle after the first paint: mounting it (a portal, a store, transitions)
    // is work that paint does not need. (A notification raised before then mounts it at once: see notify.)
    const idle = typeof window.requestIdleCallback === 'function' ? window.requestIdleCallback(mount, { timeout: 2000 }) : undefined;
    const timer = idle === undefined ? setTimeout(mount, 300) : undefined;
    return () => {
      live = false;
      mountNotificationsNow = undefined;
      if (idle !== undefined) window.cancelIdleCallback(idle);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return Notifications ? <Notifications position="bottom-right" limit={4} /> : null;
}

function Themed({ children }: { children: React.ReactNode }) {
  const pref = useLifeboat((s) => s.colorScheme);
  const system = useColorScheme('light', { getInitialValueInEffect: false });
  const scheme = pref === 'auto' ? system : pref;
  return (
    <MantineProvider theme={theme} forceColorScheme={scheme}>
      <LazyNotifications />
      {children}
    </MantineProvider>
  );
}

const deps: StoreDeps = { api, storage: window.localStorage, notify };
const store = createLifeboatStore(deps);
connectStore(store, deps);
void api.session.then((s) => {
  if (s.ok) void loadAll(store);
});

function render() {
  // The colour scheme on <html> before React renders, as MantineProvider will set it: set only in
  // its layout effect, it would arrive after the list has been laid out once and restyle the whole
  // page a second time before the first paint.
  const pref = store.getState().colorScheme;
  const scheme = pref === 'auto' ? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : pref;
  document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store}>
        <Themed>
          <App />
        </Themed>
      </StoreProvider>
    </StrictMode>,
  );
  // Once the first screen is up, the other screens' code loads while the window is idle, so
  // switching screens stays instant.
  const first = screenFromHash(window.location.hash);
  prefetchScreens(screens.map((s) => s.id).filter((id) => id !== first));
}

// The first paint waits for the first screen's code (requested by main.tsx) so it does not flash a
// placeholder; opened straight at the Backups screen it also waits (at most 0.4 s) for the backup
// list, so thousands of rows render once with their data instead of empty and then again.
const first = screenFromHash(window.location.hash);
const ready: Promise<unknown>[] = [
  // Signed out, the window shows how to sign in instead of the screen.
  api.session.then((s) => {
    if (!s.ok) return;
    return Promise.all([loadScreen(first).catch(() => {}), first === 'backups' ? whenBackupsLoaded(store, 400) : undefined]);
  }),
];
// main.tsx runs as an async module script (it does not wait for the page to be parsed), so the
// first render also waits for the document if it is somehow not parsed yet.
if (document.readyState === 'loading') ready.push(new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true })));
void Promise.all(ready).then(render);
