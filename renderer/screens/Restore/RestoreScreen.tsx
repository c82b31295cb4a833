import { ReadinessScreen } from '../../components/ReadinessScreen.js';
import { restoreReadiness } from '../../readiness.js';

export function RestoreScreen() {
  return (
    <ReadinessScreen
      testId="restore-screen"
      title="Restore"
      description="Bring the admin console and the application back from a backup, on this cluster or a fresh one, step by step."
      readiness={restoreReadiness}
      plan={[
        'Pick a backup and check it can be restored here: complete, compatible, and from this application.',
        'Choose a full restore, the application only, or the admin console only.',
        'Run the restore one step at a time, saving progress so it can be resumed if Lifeboat or the machine stops.',
        'Wait for the admin console and the application to be ready, and say so plainly.',
      ]}
      meanwhile="Until then, restore with `kubectl kots restore --from-backup <name>`."
    />
  );
}
