/** Objects shaped like real ones, for environment tests (never imported by shipped code). */
import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Namespace } from '@kubernetes/client-node';
import type { BackupStorageLocation, Snapshot } from './compute.js';

export const ns = (name: string, annotations?: Record<string, string>): V1Namespace => ({ metadata: { name, annotations } });

export const kotsadm = (namespace = 'default', tag = 'v1.131.4', available = 1, registry = 'kotsadm'): V1Deployment => ({
  metadata: { name: 'kotsadm', namespace, labels: { app: 'kotsadm', 'kots.io/kotsadm': 'true' } },
  spec: { selector: {}, template: { metadata: { labels: { app: 'kotsadm' } }, spec: { containers: [{ name: 'kotsadm', image: `${registry}/kotsadm:${tag}` }] } } },
  status: { availableReplicas: available },
});

export const veleroDeploy = (namespace = 'velero', image = 'velero/velero:v1.18.3', available = 1): V1Deployment => ({
  metadata: { name: 'velero', namespace, labels: { component: 'velero' } },
  spec: {
    selector: {},
    template: {
      metadata: { labels: { component: 'velero', deploy: 'velero' } },
      spec: {
        initContainers: [{ name: 'velero-velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.14.3' }],
        containers: [{ name: 'velero', image }],
      },
    },
  },
  status: { availableReplicas: available },
});

export const nodeAgent = (namespace = 'velero', name = 'node-agent', available = 1, unavailable = 0): V1DaemonSet => ({
  metadata: { name, namespace, labels: { component: 'velero' } },
  spec: { selector: {}, template: {} },
  status: { desiredNumberScheduled: available + unavailable, numberAvailable: available, numberUnavailable: unavailable, currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: available },
});

export const configMap = (name: string, namespace: string, data: Record<string, string>): V1ConfigMap => ({ metadata: { name, namespace }, data });

export const bsl = (name = 'default', phase = 'Available', extra: Partial<NonNullable<BackupStorageLocation['spec']>> = {}, namespace = 'velero'): BackupStorageLocation => ({
  metadata: { name, namespace },
  spec: { provider: 'aws', default: name === 'default', objectStorage: { bucket: 'lifeboat', prefix: 'lab' }, config: { region: 'minio', s3Url: 'http://127.0.0.1:9000' }, ...extra },
  status: { phase, lastSyncedTime: '2026-01-01T00:00:00Z', lastValidationTime: '2026-01-01T00:00:00Z', message: phase === 'Available' ? undefined : 'BackupStorageLocation "default" is unavailable: rpc error: bucket not found' },
});

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    deployments: [kotsadm(), veleroDeploy()],
    daemonsets: [nodeAgent()],
    configmaps: [],
    namespaces: [ns('default'), ns('kube-system'), ns('velero')],
    kotsadmPods: [],
    bsls: [bsl()],
    watchProblems: [],
    ...over,
  };
}
