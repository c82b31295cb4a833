/**
 * The page's entry, kept small so it runs as soon as it arrives: it sends the one large call a cold
 * start waits for (renderer/client.ts: `backups.rows`), then runs the code of the screen in the
 * address (#/backups → the Backups chunk) and the rest of the app (React, Mantine, the store:
 * renderer/start.tsx).
 *
 * The stylesheets are imported here (renderer/styles.ts) so the built index.html links them
 * directly (no script needed to start loading them).
 */
import { api } from './client.js';
import './styles.js';
import { screenFromHash } from './routes.js';
import { loadScreen } from './screenLoaders.js';

// The app's code, and what every screen shares, is already on its way (index.html preloads it):
// what waits here is running it. Running React, Mantine and the store is one task of tens of
// milliseconds that nothing can interrupt, and in web mode `backups.rows` can only leave once the
// sign-in answer has been handled; run before that answer, the app would hold the request back
// until it finished. So the screen (whose chunk runs the app's modules it imports) and the app
// start once the request is out — client.ts asked first, so its continuation runs before this
// one — and they run while the server builds the answer. Signed out, they still start: the window
// then explains how to sign in. In Electron the session is settled from the start.
const startApp = () => {
  void loadScreen(screenFromHash(window.location.hash));
  void import('./start.js');
};
void api.session.then(startApp, startApp);
