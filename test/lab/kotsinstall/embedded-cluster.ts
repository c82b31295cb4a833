/**
 * kotsadm as Embedded Cluster runs it. Embedded Cluster deploys the same kotsadm with
 * EMBEDDED_CLUSTER_ID (and its version and data directory) in its environment and, for the improved
 * disaster recovery, ENABLE_IMPROVED_DR=true (kots pkg/util/util.go IsEmbeddedCluster,
 * pkg/kotsadmsnapshot/backup.go getAppInstanceBackupSpec at v1.131.4). In that mode kotsadm reads the
 * cluster's Installation — from a ConfigMap in namespace embedded-cluster labelled
 * replicated.com/installation=embedded-cluster, or the operator's Installation objects (kots
 * pkg/embeddedcluster/util.go ListInstallations) — to name the namespaces and annotations of a full
 * backup, and refuses application (partial) backups (pkg/handlers/backup.go).
 *
 * The lab writes that ConfigMap as the Embedded Cluster installer leaves it, with the fields of the
 * Installation type kots v1.131.4 builds against (embedded-cluster kinds apis/v1beta1
 * installation_types.go, runtimeconfig_types.go), and sets that environment on the kotsadm
 * StatefulSet `kubectl kots install` created; the StatefulSet controller replaces the pod and the
 * kubelet starts the same kotsadm binary again in Embedded Cluster mode.
 */
import { Kube } from '../kube.js';
import { waitFor } from '../processes.js';
import type { LabState } from '../state.js';

export const EMBEDDED_CLUSTER = {
  id: '6a4c9a2e-1f3b-4c8e-9d55-0b7e2f6a1c3d',
  version: '2.8.0+k8s-1.32',
  dataDir: '/var/lib/embedded-cluster',
  podCIDR: '10.244.0.0/17',
  serviceCIDR: '10.244.128.0/17',
  adminConsolePort: 30000,
  localArtifactMirrorPort: 50000,
  installationName: '20261201000000',
} as const;

/** The Installation the Embedded Cluster installer records (air-gapped, one node). */
export function installationConfigMap(): any {
  const ec = EMBEDDED_CLUSTER;
  const installation = {
    apiVersion: 'embeddedcluster.replicated.com/v1beta1',
    kind: 'Installation',
    metadata: { name: ec.installationName },
    spec: {
      clusterID: ec.id,
      airGap: true,
      highAvailability: false,
      binaryName: 'sample-app',
      sourceType: 'ConfigMap',
      config: { version: ec.version },
      runtimeConfig: {
        dataDir: ec.dataDir,
        network: { podCIDR: ec.podCIDR, serviceCIDR: ec.serviceCIDR },
        adminConsole: { port: ec.adminConsolePort },
        localArtifactMirror: { port: ec.localArtifactMirrorPort },
      },
    },
    status: { state: 'Installed' },
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `installation-${ec.installationName}`,
      namespace: 'embedded-cluster',
      labels: { 'replicated.com/installation': 'embedded-cluster' },
    },
    data: { installation: JSON.stringify(installation) },
  };
}

/** The environment Embedded Cluster gives kotsadm, improved disaster recovery on. */
function embeddedClusterEnv(): Array<{ name: string; value: string }> {
  const ec = EMBEDDED_CLUSTER;
  return [
    { name: 'EMBEDDED_CLUSTER_ID', value: ec.id },
    { name: 'EMBEDDED_CLUSTER_VERSION', value: ec.version },
    { name: 'EMBEDDED_CLUSTER_DATA_DIR', value: ec.dataDir },
    { name: 'ENABLE_IMPROVED_DR', value: 'true' },
  ];
}

/** Restarts the installed kotsadm in Embedded Cluster mode and waits until the new pod is Ready. */
export async function runKotsadmAsEmbeddedCluster(state: LabState, log: (l: string) => void, timeoutMs = 180_000): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  const path = `/apis/apps/v1/namespaces/${state.kotsNamespace}/statefulsets/kotsadm`;
  const patch = { spec: { template: { spec: { containers: [{ name: 'kotsadm', env: embeddedClusterEnv() }] } } } };
  const patched = await kube.request('PATCH', path, patch, 'application/strategic-merge-patch+json');
  const generation = patched.metadata.generation as number;
  await waitFor(
    'kotsadm in Embedded Cluster mode (see logs/kubelet.log)',
    async () => {
      const s = (await kube.get(path)).status ?? {};
      const rolled = s.observedGeneration >= generation && s.updateRevision && s.currentRevision === s.updateRevision;
      return rolled && s.readyReplicas === 1 && (await podRunsEmbeddedCluster(kube, state.kotsNamespace));
    },
    timeoutMs,
  );
  log('kotsadm runs in Embedded Cluster mode (improved disaster recovery on)');
}

async function podRunsEmbeddedCluster(kube: Kube, namespace: string): Promise<boolean> {
  const pods = await kube.get(`/api/v1/namespaces/${namespace}/pods?labelSelector=app%3Dkotsadm`);
  const ready = (pods.items ?? []).filter(
    (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
  );
  return ready.length === 1 && ready[0].spec.containers.some((c: any) => c.env?.some((e: any) => e.name === 'EMBEDDED_CLUSTER_ID'));
}
