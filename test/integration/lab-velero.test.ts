/**
 * The lab's promise, proven with the real velero CLI and server: install against MinIO, back up a
 * namespace, see the files in the bucket, delete the namespace for real, restore it, and find every
 * object back with the same data; logs arrive through the DownloadRequest flow.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { adminKube, ensureVelero, lab, namespaceGone, runTool, testNamespace, waitUntil } from './lab.js';

describe('lab: real Velero against real MinIO', () => {
  beforeAll(async () => {
    await ensureVelero();
  }, 400_000);

  it('the velero pod runs as a local process and reports Ready', async () => {
    const kube = adminKube();
    const pods = await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero');
    const pod = pods.items.find((p: any) => !p.metadata.deletionTimestamp);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.conditions.find((c: any) => c.type === 'lab.lifeboat.dev/Executed')?.status).toBe('True');
    const dep = await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero');
    expect(dep.status.availableReplicas).toBe(1);
    const r = await runTool('velero', ['version']);
    expect(r.stdout).toMatch(/Server:\s*\n\s*Version:\s*v1\.18\.3/);
  });

  it('backs up a namespace, deletes it, and restores every object with the same data', async () => {
    const kube = adminKube();
    const state = lab();
    const ns = await testNamespace('roundtrip');
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns.name, labels: { app: 'demo' } },
      data: { 'config.yaml': 'replicas: 3\nmode: production\n', greeting: 'hello' },
    };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: ns.name }, type: 'Opaque', stringData: { password: 's3cr3t-value' } };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns.name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        // The lab is air-gapped: the image comes from its registry, with its credentials.
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { imagePullSecrets: [{ name: 'registry' }], containers: [{ name: 'web', image: `${state.registry.host}/lifeboat/sample-web:1.0.0` }] },
        },
      },
    };
    const auth = Buffer.from(`${state.registry.username}:${state.registry.password}`).toString('base64');
    const pull = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry', namespace: ns.name },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [state.registry.host]: { auth } } }) },
    };
    for (const o of [cm, secret, pull, deployment]) await kube.apply(o);
    await waitUntil(
      'deployment available',
      async () => (await kube.get(`/apis/apps/v1/namespaces/${ns.name}/deployments/web`)).status?.availableReplicas === 2,
    );

    const backup = `${ns.name}-b`;
    const b = await runTool('velero', ['backup', 'create', backup, '--include-namespaces', ns.name, '--wait']);
    expect(b.code, b.stderr).toBe(0);
    const obj = await kube.get(`/apis/velero.io/v1/namespaces/velero/backups/${backup}`);
    expect(obj.status.phase).toBe('Completed');
    expect(obj.status.progress.itemsBackedUp).toBeGreaterThanOrEqual(5);

    const s3 = new S3Client({
      endpoint: state.minio.endpoint,
      region: state.minio.region,
      forcePathStyle: true,
      credentials: { accessKeyId: state.minio.accessKey, secretAccessKey: state.minio.secretKey },
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: state.minio.bucket, Prefix: `backups/${backup}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).toContain(`backups/${backup}/${backup}.tar.gz`);
    expect(keys).toContain(`backups/${backup}/velero-backup.json`);
    expect(keys).toContain(`backups/${backup}/${backup}-logs.gz`);
    s3.destroy();

    const logs = await runTool('velero', ['backup', 'logs', backup]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/Backed up a total of \d+ items/);

    await ns.remove();
    await waitUntil('namespace really gone', () => namespaceGone(ns.name), 120_000);

    const r = await runTool('velero', ['restore', 'create', `${backup}-r`, '--from-backup', backup, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    const restore = await kube.get(`/apis/velero.io/v1/namespaces/velero/restores/${backup}-r`);
    expect(restore.status.phase).toBe('Completed');

    const cm2 = await kube.get(`/api/v1/namespaces/${ns.name}/configmaps/settings`);
    expect(cm2.data).toEqual(cm.data);
    expect(cm2.metadata.labels.app).toBe('demo');
    const secret2 = await kube.get(`/api/v1/namespaces/${ns.name}/secrets/db`);
    expect(Buffer.from(secret2.data.password, 'base64').toString()).toBe('s3cr3t-value');
    const dep2 = await kube.get(`/apis/apps/v1/namespaces/${ns.name}/deployments/web`);
    expect(dep2.spec.replicas).toBe(2);
    expect(dep2.spec.template.spec.containers[0].image).toBe(`${state.registry.host}/lifeboat/sample-web:1.0.0`);
    await waitUntil(
      'restored deployment available',
      async () => (await kube.get(`/apis/apps/v1/namespaces/${ns.name}/deployments/web`)).status?.availableReplicas === 2,
    );
    await kube.delete(`/api/v1/namespaces/${ns.name}`);
  });

  it('restarts the velero pod when it is deleted, as KOTS configure commands do', async () => {
    const kube = adminKube();
    const before = await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero');
    const old = before.items[0];
    await kube.delete(`/api/v1/namespaces/velero/pods/${old.metadata.name}`);
    const fresh = await waitUntil(
      'a new velero pod Ready',
      async () => {
        const pods = await kube.get('/api/v1/namespaces/velero/pods?labelSelector=deploy%3Dvelero');
        return pods.items.find(
          (p: any) => p.metadata.uid !== old.metadata.uid && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
        );
      },
      60_000,
    );
    expect(fresh.metadata.name).not.toBe(old.metadata.name);
    await waitUntil('old pod gone', async () => !(await kube.getOrUndefined(`/api/v1/namespaces/velero/pods/${old.metadata.name}`)), 30_000);
  });
});
