/**
 * What the lab's cluster has around KOTS, for four flavours (existing cluster online, existing
 * cluster air-gapped, kURL, Embedded Cluster): before the install, RBAC, a default StorageClass and
 * the private registry's images; the release KOTS installs (the sample application and the vendor's
 * Backup); after the install, kURL's and Embedded Cluster's own pieces (docs/kots-contract.md
 * #registry-and-embedded-cluster-namespaces). The admin console's objects and the application's are
 * created by the real `kubectl kots install` and kotsadm (kotsinstall/install.ts), not here.
 */
import { readFileSync } from 'node:fs';
import { Kube } from './kube.js';
import { installationConfigMap } from './kotsinstall/embedded-cluster.js';
import { pushSyntheticImage, type RegistryAuth } from './images.js';
import type { LabState } from './state.js';

export type Flavour = LabState['flavour'];
/** The tag of docker.io/kotsadm/minio that kots v1.131.4 deploys (pkg/image/constants.go). */
export const KOTS_MINIO_TAG = 'RELEASE.2025-10-15T17-29-55Z';
export const LAB_NODE = 'lab-node';

const kotsLabels = { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' };

/** The namespace (path) under which the air-gapped flavours' images sit in the lab registry (kotsadm-confg's kotsadm-registry). */
export const LAB_REGISTRY_NAMESPACE = 'lifeboat';

function dockerConfig(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

export interface SampleAppObjects {
  objects: any[];
  backupSpec: any;
}

/**
 * The sample application's backup hooks really run: the process kubelet serves exec, so Velero runs
 * each hook command in the pod's sandbox (its volumes and environment). By default every hook
 * succeeds — the database dump lands in the db's volume. LIFEBOAT_LAB_FAILING_HOOKS=1 (read when
 * the release is installed) adds a hook that really fails: an app check that exits 3 (onError
 * Continue). KOTS's own pre-backup hook on the kotsadm pod (/scripts/backup.sh) is kotsadm's.
 */
export function labFailingHooks(): boolean {
  return process.env.LIFEBOAT_LAB_FAILING_HOOKS === '1';
}

/** The vendor's velero.io/v1 Backup shipped in the release (merged into instance backups). */
export function vendorBackupSpec(withFailing = labFailingHooks()): any {
  const pre: any[] = [
    { exec: { container: 'db', command: ['/bin/sh', '-c', 'echo "dump of $HOSTNAME" > /data/dump.sql'], onError: 'Continue', timeout: '30s' } },
  ];
  if (withFailing)
    pre.push({ exec: { container: 'db', command: ['/bin/sh', '-c', 'echo "integrity check failed" >&2; exit 3'], onError: 'Continue', timeout: '30s' } });
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name: 'backup' },
    spec: {
      hooks: {
        resources: [
          {
            name: 'sample-db-dump',
            includedNamespaces: ['sample-app'],
            labelSelector: { matchLabels: { app: 'sample-db' } },
            pre,
            post: [
              {
                exec: {
                  container: 'db',
                  command: ['/bin/sh', '-c', 'rm -f /data/dump.sql && echo done > /data/post-hook.txt'],
                  onError: 'Continue',
                  timeout: '30s',
                },
              },
            ],
          },
        ],
      },
    },
  };
}

/** The vendor's velero.io/v1 Restore, as a release that opts into Embedded Cluster's improved
 * disaster recovery carries it beside its Backup (kotsKinds.Restore, kots pkg/kotsutil/kots.go at
 * v1.131.4); kotsadm records it on the application's Velero Backup. */
export function vendorRestoreSpec(): any {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name: 'restore' },
    spec: { backupName: 'PLACEHOLDER', includedNamespaces: ['sample-app'], restorePVs: true },
  };
}

/** The sample application's objects as the vendor's release holds them: upstream image references,
 * no pull Secret and no Namespace (KOTS rewrites the images to the private registry and adds those
 * when it deploys the release). */
export function sampleApp(state: LabState): any[] {
  const ns = state.app.namespace;
  const slug = state.app.slug;
  const labels = { 'kots.io/backup': 'velero', 'kots.io/app-slug': slug };
  const annotations = { 'kots.io/app-slug': slug };
  const image = (name: string) => `docker.io/lifeboat/${name}:1.0.0`;
  const meta = (name: string, extra: Record<string, string> = {}) => ({ name, namespace: ns, labels: { ...labels, ...extra }, annotations });
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('sample-config'),
      data: { greeting: 'hello from the lab', 'settings.json': '{"replicas":2,"mode":"production"}' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('sample-db-credentials'),
      type: 'Opaque',
      stringData: { username: 'sample', password: 'lab-db-password-123' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('sample-web', { app: 'sample-web' }),
      spec: { selector: { app: 'sample-web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('sample-web', { app: 'sample-web' }),
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'sample-web' } },
        template: {
          metadata: {
            labels: { app: 'sample-web', ...labels },
            // A pod-annotation hook, as vendors write them; it runs by exec in each replica.
            annotations: {
              'pre.hook.backup.velero.io/command': '["/bin/sh","-c","echo flushing caches"]',
              'pre.hook.backup.velero.io/on-error': 'Continue',
              'pre.hook.backup.velero.io/timeout': '30s',
            },
          },
          spec: {
            containers: [{ name: 'web', image: image('sample-web'), ports: [{ containerPort: 8080 }], envFrom: [{ configMapRef: { name: 'sample-config' } }] }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('sample-db', { app: 'sample-db' }),
      spec: { clusterIP: 'None', selector: { app: 'sample-db' }, ports: [{ name: 'db', port: 5432 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('sample-db', { app: 'sample-db' }),
      spec: {
        serviceName: 'sample-db',
        replicas: 1,
        selector: { matchLabels: { app: 'sample-db' } },
        template: {
          // No backup.velero.io/backup-volumes opt-in: its data is a host-path PVC, which Velero's file-system backup skips.
          metadata: { labels: { app: 'sample-db', ...labels } },
          spec: {
            containers: [
              {
                name: 'db',
                image: image('sample-db'),
                env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'sample-db-credentials', key: 'password' } } }],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    },
  ];
}

/** kURL's and Embedded Cluster's own pieces: their registry, its credentials, the flavour markers. */
export function flavourObjects(state: LabState): any[] {
  const registryCreds = (ns: string, user: string, extra: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'registry-creds', namespace: ns, labels: { ...kotsLabels, ...extra } },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': dockerConfig(state.registry.host, user, state.registry.password) },
  });
  const registryDeployment = (ns: string, labels: Record<string, string>, annotations: Record<string, string>) => {
    // Embedded Cluster's registry pods are labelled app=docker-registry: the selector follows the pod labels.
    const podLabels = { app: 'registry', ...labels };
    return [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'registry', namespace: ns, labels },
        spec: { selector: { app: podLabels.app }, ports: [{ port: 443, targetPort: 443 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'registry', namespace: ns, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: podLabels.app } },
          template: {
            metadata: { labels: podLabels, annotations },
            spec: { containers: [{ name: 'registry', image: 'registry:2.8.3', ports: [{ containerPort: 443 }] }] },
          },
        },
      },
    ];
  };
  if (state.flavour === 'kurl') {
    return [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kurl-config', namespace: 'kube-system' },
        data: { kurl_install_directory: '/var/lib/kurl', installation_id: 'lab' },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kurl' } },
      ...registryDeployment('kurl', kotsLabels, { 'backup.velero.io/backup-volumes': 'backup', 'pre.hook.backup.velero.io/container': 'registry-backup' }),
      registryCreds('default', 'kurl'),
    ];
  }
  if (state.flavour === 'embedded-cluster') {
    return [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'embedded-cluster' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'registry' } },
      ...registryDeployment('registry', { app: 'docker-registry' }, {}),
      registryCreds(state.kotsNamespace, 'embedded-cluster', { 'replicated.com/disaster-recovery': 'infra' }),
      installationConfigMap(),
    ];
  }
  return [];
}

/** Seeds what every flavour has before KOTS is installed. */
export async function seedCluster(state: LabState, opts: { kubeletPort: number; log: (l: string) => void }): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  // RBAC for the restricted user: it may see namespaces and nothing else.
  await kube.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'lab:restricted' },
    rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }],
  });
  await kube.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'lab:restricted' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'lab:restricted' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'restricted' }],
  });
  await kube.apply({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'lab-local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'lab.lifeboat.dev/hostpath',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  });

  {
    // What an air-gapped install has in its private registry: the admin console and the app, never Velero.
    const auth: RegistryAuth = {
      host: state.registry.host,
      username: state.registry.username,
      password: state.registry.password,
      ca: readFileSync(state.registry.caFile),
    };
    // KOTS's MinIO for file-system destinations (kots pkg/image/constants.go), pushed with kotsadm's images.
    await pushSyntheticImage(auth, 'lifeboat/minio', KOTS_MINIO_TAG);
    await pushSyntheticImage(auth, 'lifeboat/sample-web', '1.0.0');
    await pushSyntheticImage(auth, 'lifeboat/sample-db', '1.0.0');
    opts.log("pushed the sample app images and KOTS's MinIO to the lab registry");
  }
}

/** kURL's and Embedded Cluster's pieces, applied after KOTS is installed (flavourObjects). */
export async function applyFlavourMarkers(state: LabState, log: (l: string) => void): Promise<void> {
  const kube = new Kube(state.kubeconfig);
  const objects = flavourObjects(state);
  for (const obj of objects) {
    await waitForNamespace(kube, obj);
    await kube.apply(obj);
  }
  if (objects.length) log(`applied the ${state.flavour} markers`);
}

/** A new namespace's default ServiceAccount appears a moment after it: pods need it. */
async function waitForNamespace(kube: Kube, obj: any): Promise<void> {
  const ns = obj.metadata.namespace;
  if (!ns || (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet')) return;
  for (let i = 0; i < 100; i++) {
    if (await kube.getOrUndefined(`/api/v1/namespaces/${ns}/serviceaccounts/default`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
