import { ReadinessScreen } from '../../components/ReadinessScreen.js';
import { registryReadiness } from '../../readiness.js';

export function RegistryScreen() {
  return (
    <ReadinessScreen
      testId="registry-screen"
      title="Registry"
      description="On air-gapped clusters every image comes from the private registry. This screen gets the Velero images there."
      readiness={registryReadiness}
      plan={[
        'Show the private registry the admin console uses and check that Lifeboat can log in to it.',
        'List the Velero, plugin and node-agent images the bundled Velero needs, and which are already in the registry.',
        'Push the missing images from the bundle Lifeboat ships with, verifying each digest.',
        'Export or import them as an OCI archive when the registry is on the far side of the air gap.',
      ]}
      meanwhile="Until then, push the images with your registry's own tools."
    />
  );
}
