import { ReadinessScreen } from '../../components/ReadinessScreen.js';
import { backupReadiness } from '../../readiness.js';

export function BackupsScreen() {
  return (
    <ReadinessScreen
      testId="backups-screen"
      title="Backups"
      description="Take full backups of the admin console and the application, see the ones you have, and check that they finished cleanly."
      readiness={backupReadiness}
      plan={[
        'List every backup in the storage location, with its status, size, age and any warnings.',
        'Start a full backup now (admin console and application) and follow it to the end.',
        'Show what went wrong in a failed or partially failed backup, with the Velero logs.',
        'Show and change the backup schedule and retention the admin console uses.',
      ]}
      meanwhile="Until then, `kubectl kots backup` and the admin console's Snapshots page do the same."
    />
  );
}
