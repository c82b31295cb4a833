/**
 * The page's entry, kept small so it runs as soon as it arrives: it sends the one large call a cold
 * start waits for (renderer/client.ts: `backups.rows`), then runs the code of the screen in the
 * address (#/backups → the Backups chunk) and the rest of the app (React, Mantine, the store:
 * renderer/start.tsx).
 *
 * The stylesheets are imported here (renderer/styles.ts) so the built index.html links them
 * directly (no script needed to start loading them).
 */
import './client.js';
import './styles.js';
import { screenFromHash } from './routes.js';
import { loadScreen } from './screenLoaders.js';

// The app's code, and what every screen shares, is already on its way (index.html preloads it),
// and so is `backups.rows` in web mode (a signed-in index.html preloads it; in Electron client.ts
// sent it over IPC just now): nothing waits for the app's code but its own download, so the
// screen in the address (whose chunk brings the app's modules it imports) and the app start now.
void loadScreen(screenFromHash(window.location.hash));
void import('./start.js');
