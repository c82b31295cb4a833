import { ReadinessScreen } from '../../components/ReadinessScreen.js';
import { setupReadiness } from '../../readiness.js';

export function SetupScreen() {
  return (
    <ReadinessScreen
      testId="setup-screen"
      title="Setup"
      description="Get this cluster ready for backups: install Velero at a version KOTS supports, and give it somewhere to keep them."
      readiness={setupReadiness}
      plan={[
        'Check that the KOTS admin console and your permissions allow installing Velero.',
        'Install Velero and its node agent from the version bundled with Lifeboat, using images from your private registry on air-gapped clusters.',
        'Configure a backup storage location (S3-compatible, NFS or host path) and check it can be written to before saving.',
        'Wait until the storage location is Available, then hand over to the Backups screen.',
      ]}
      meanwhile="Until then, the KOTS admin console's Snapshots settings and `kubectl kots velero` commands do the same."
    />
  );
}
