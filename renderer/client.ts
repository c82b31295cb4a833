/**
 * The window's one API client, made first thing when the bundle runs (main.tsx imports this
 * before React and Mantine are evaluated), so the one large call a cold start waits for —
 * `backups.rows`, thousands of backups — is on its way while the rest of the app's code loads.
 */
import { decodeBackupRows } from '../electron/api/backupRows.js';
import { createDefaultClient } from './api.js';
import { startEarly } from './early.js';

export const api = createDefaultClient();
// In web mode the call waits for the sign-in (a local round trip) and fails with its reason. The
// rows are decoded as soon as they arrive, while the app's code may still be loading, not when
// the store asks for them (renderer/store/backups.ts takes the decoded list).
startEarly('backups.rows', () =>
  api.call('backups.rows', {}).then((wire) => {
    performance.mark?.('lifeboat:backups-list-received');
    return decodeBackupRows(wire);
  }),
);
