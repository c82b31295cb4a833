/** Objects shaped like real ones, for environment tests (never imported by shipped code). */
import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Namespace, V1StatefulSet } from '@kubernetes/client-node';
import type { BackupStorageLocation } from '../velero/types.js';
import type { Snapshot } from './compute.js';

export const ns = (name: string, annotations?: Record<string, string>): V1Namespace => ({ metadata: { name, annotations } });

export const kotsadm = (namespace = 'default', tag = 'v1.131.4', available = 1, registry = 'kotsadm'): V1Deployment => ({
  metadata: { name: 'kotsadm', namespace, labels: { app: 'kotsadm', 'kots.io/kotsadm': 'true' } },
  spec: {
    selector: {},
    template: { metadata: { labels: { app: 'kotsadm' } }, spec: { containers: [{ name: 'kotsadm', image: `${registry}/kotsadm:${tag}` }] } },
  },
  status: { availableReplicas: available },
});

/**
 * kotsadm as KOTS deploys it without MinIO: a StatefulSet named kotsadm (kots
 * pkg/kotsadm/objects/kotsadm_objects.go KotsadmStatefulSet at v1.131.4: labels from
 * GetKotsadmLabels, no spec.replicas, init containers before the kotsadm container, no
 * POD_OWNER_KIND env), with the status the StatefulSet controller reports.
 */
export const kotsadmStatefulSet = (namespace = 'default', tag = 'v1.131.4', ready = 1, registry = 'kotsadm'): V1StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'kotsadm', namespace, generation: 1, labels: { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' } },
  spec: {
    serviceName: 'kotsadm',
    selector: { matchLabels: { app: 'kotsadm' } },
    template: {
      metadata: { labels: { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero', app: 'kotsadm' } },
      spec: {
        serviceAccountName: 'kotsadm',
        initContainers: [
          { name: 'schemahero-plan', image: `${registry}/kotsadm-migrations:${tag}` },
          { name: 'schemahero-apply', image: `${registry}/kotsadm-migrations:${tag}` },
          { name: 'restore-data', image: `${registry}/kotsadm:${tag}` },
          { name: 'migrate-s3', image: `${registry}/kotsadm:${tag}` },
        ],
        containers: [
          {
            name: 'kotsadm',
            image: `${registry}/kotsadm:${tag}`,
            env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'kotsadmdata', labels: { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Gi' } } },
      },
    ],
  },
  status: {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: 1,
    updatedReplicas: 1,
    currentRevision: 'kotsadm-7d9f',
    updateRevision: 'kotsadm-7d9f',
  },
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
  status: {
    desiredNumberScheduled: available + unavailable,
    numberAvailable: available,
    numberUnavailable: unavailable,
    currentNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: available,
  },
});

export const configMap = (name: string, namespace: string, data: Record<string, string>): V1ConfigMap => ({ metadata: { name, namespace }, data });

/**
 * ConfigMap kotsadm-confg as KOTS writes it (kots pkg/kotsadm/objects/configmaps_objects.go
 * KotsadmConfigMap at v1.131.4; every value is fmt.Sprintf("%v")). `kubectl kots install
 * --with-minio=false` writes with-minio=false and minio-enabled-snapshots=false.
 */
export const kotsadmConfg = (namespace = 'default', withMinio = true, over: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kotsadm-confg', namespace, labels: { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' } },
  data: {
    'kots-install-id': '2x8Cq9s1ZbQk3VYy0bW3xWzP1aB',
    'initial-app-images-pushed': 'false',
    'skip-preflights': 'false',
    'registry-is-read-only': 'false',
    'minio-enabled-snapshots': String(withMinio),
    'skip-compatibility-check': 'false',
    'ensure-rbac': 'true',
    'skip-rbac-check': 'false',
    'use-minimal-rbac': 'false',
    'strict-security-context': 'false',
    'wait-duration': '2m0s',
    'with-minio': String(withMinio),
    'app-version-label': '',
    'requested-channel-slug': 'stable',
    'additional-annotations': '',
    'additional-labels': '',
    ...over,
  },
});

export const bsl = (
  name = 'default',
  phase = 'Available',
  extra: Partial<NonNullable<BackupStorageLocation['spec']>> = {},
  namespace = 'velero',
): BackupStorageLocation => ({
  metadata: { name, namespace },
  spec: {
    provider: 'aws',
    default: name === 'default',
    objectStorage: { bucket: 'lifeboat', prefix: 'lab' },
    config: { region: 'minio', s3Url: 'http://127.0.0.1:9000' },
    ...extra,
  },
  status: {
    phase,
    lastSyncedTime: '2026-01-01T00:00:00Z',
    lastValidationTime: '2026-01-01T00:00:00Z',
    message: phase === 'Available' ? undefined : 'BackupStorageLocation "default" is unavailable: rpc error: bucket not found',
  },
});

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    deployments: [kotsadm(), veleroDeploy()],
    statefulsets: [],
    daemonsets: [nodeAgent()],
    configmaps: [],
    namespaces: [ns('default'), ns('kube-system'), ns('velero')],
    kotsadmPods: [],
    bsls: [bsl()],
    watchProblems: [],
    ...over,
  };
}
