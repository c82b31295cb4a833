/**
 * The page's entry, kept small so it runs as soon as it arrives: it sends the one large call a cold
 * start waits for (renderer/client.ts: `backups.rows`), asks for the code of the screen in the
 * address (#/backups → the Backups chunk), and only then loads the rest of the app (React, Mantine,
 * the store: renderer/start.tsx). All three travel at the same time instead of one after another.
 *
 * The stylesheets are imported here so the built index.html links them directly (no script needed
 * to start loading them).
 */
import './client.js';
import '@mantine/core/styles.css';
import './app.css';
import { screenFromHash } from './routes.js';
import { loadScreen } from './screenLoaders.js';

// The screen's code loads whether or not the window turns out to be signed in (it costs nothing to
// have it), so it need not wait for the sign-in round trip.
void loadScreen(screenFromHash(window.location.hash));
void import('./start.js');
