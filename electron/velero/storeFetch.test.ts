import { describe, expect, it, vi } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { couldBeClusterIP, storeFetch } from './storeFetch.js';

describe('store fetch: which presigned URLs may be inside the cluster', () => {
  it('private addresses and Service names could be a ClusterIP; public hosts are fetched directly', () => {
    // KOTS's file-system MinIO: publicUrl http://<ClusterIP>:9000 (kots pkg/snapshot/store.go at v1.131.4).
    for (const h of [
      '10.96.12.7',
      '172.20.0.1',
      '192.168.1.5',
      '100.64.0.10',
      '[fd00::12]',
      'kotsadm-fs-minio.kotsadm',
      'minio.minio.svc',
      'minio.minio.svc.cluster.local',
    ])
      expect(couldBeClusterIP(h), h).toBe(true);
    for (const h of ['s3.amazonaws.com', 'storage.googleapis.com', '8.8.8.8', '172.32.0.1', 'minio.example.com', 'localhost', '[2001:db8::1]'])
      expect(couldBeClusterIP(h), h).toBe(false);
  });

  it('a public store URL goes straight to fetch, with no call to the cluster', async () => {
    const direct = vi.fn(async () => new Response('ok'));
    const kc = new KubeConfig(); // no cluster: any API call would throw
    const f = storeFetch(kc, direct as unknown as typeof fetch);
    const r = await f('https://s3.amazonaws.com/bucket/key?X-Amz-Signature=abc');
    expect(await r.text()).toBe('ok');
    expect(direct).toHaveBeenCalledTimes(1);
  });

  it('a private address that is no Service of the cluster (the cluster cannot be asked) is fetched directly too', async () => {
    const direct = vi.fn(async () => new Response('on-prem'));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const r = await storeFetch(kc, direct as unknown as typeof fetch)('http://10.0.0.5:9000/velero/backups/b/b-logs.gz?sig=1');
    expect(await r.text()).toBe('on-prem');
  });
});
