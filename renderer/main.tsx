// First: the API client, which starts the large calls while the rest of the code is evaluated.
import { api } from './client.js';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { useColorScheme } from '@mantine/hooks';
import { Notifications, notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { screenFromHash } from './routes.js';
import { StoreProvider, connectStore, createLifeboatStore, loadAll, useLifeboat, whenBackupsLoaded, type ErrorView, type StoreDeps } from './store/index.js';
import { theme } from './theme.js';

function notify(title: string, error: ErrorView) {
  notifications.show({
    // One notification per distinct error: a flapping cluster must not bury the screen.
    id: `${error.code}:${error.message}`,
    color: 'red',
    title,
    message: error.hint ? `${error.message} — ${error.hint}` : error.message,
    autoClose: 12_000,
  });
}

function Themed({ children }: { children: React.ReactNode }) {
  const pref = useLifeboat((s) => s.colorScheme);
  const system = useColorScheme('light', { getInitialValueInEffect: false });
  const scheme = pref === 'auto' ? system : pref;
  return (
    <MantineProvider theme={theme} forceColorScheme={scheme}>
      <Notifications position="bottom-right" limit={4} />
      {children}
    </MantineProvider>
  );
}

const deps: StoreDeps = { api, storage: window.localStorage, notify };
const store = createLifeboatStore(deps);
connectStore(store, deps);
if (api.hasToken) void loadAll(store);

function render() {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store}>
        <Themed>
          <App />
        </Themed>
      </StoreProvider>
    </StrictMode>,
  );
}

// Opened straight at the Backups screen: the first paint waits (at most 0.4 s) for the backup list,
// so thousands of rows render once with their data instead of empty and then again.
if (api.hasToken && screenFromHash(window.location.hash) === 'backups') whenBackupsLoaded(store, 400).then(render);
else render();
