/** What each kind of restore brings back, and what it deletes first (shown by several steps). */
import type { RestoreType } from '../../../electron/api/contract.js';

export const TYPE_INFO: Record<RestoreType, { label: string; what: string; consequences: string[] }> = {
  full: {
    label: 'Full restore',
    what: 'The admin console and the application, as they were when the backup was taken. Use this on a new or rebuilt cluster.',
    consequences: [
      "KOTS deletes the admin console and the application, including the application's persistent volume claims and their data, then restores both.",
      'Anything changed since the backup (data, configuration, releases) is lost. This cannot be undone.',
    ],
  },
  app: {
    label: 'Application only',
    what: 'Roll the application back to the backup. The admin console keeps running as it is.',
    consequences: [
      'KOTS deletes the application and its persistent volume claims (with their data) before restoring it from the backup.',
      'Data written since the backup is lost. This cannot be undone.',
    ],
  },
  'admin-console': {
    label: 'Admin console only',
    what: 'Bring back the admin console (its database, settings and releases). The application keeps running as it is.',
    consequences: ['KOTS deletes the admin console and restores it from the backup: configuration changes and releases uploaded since then are lost.'],
  },
};
