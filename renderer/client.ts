/**
 * The window's one API client, made first thing when the bundle runs (main.tsx imports this
 * before React and Mantine are evaluated), so the one large call a cold start waits for —
 * `backups.rows`, thousands of backups — is on its way while the rest of the app's code loads.
 */
import { createDefaultClient } from './api.js';
import { startEarly } from './early.js';

export const api = createDefaultClient();
// In web mode the call waits for the sign-in (a local round trip) and fails with its reason.
startEarly('backups.rows', () => api.call('backups.rows', {}));
