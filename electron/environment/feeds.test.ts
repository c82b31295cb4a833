import { createServer, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseKubeconfig } from '../cluster/kubeconfig';
import { kubeconfigYaml } from '../cluster/test-fixtures';
import { watchFeeds, watchProblem } from './feeds';

describe('watchFeeds', () => {
  it('keeps one watch per kind compute.ts reads, named for the user, none started', () => {
    const { kc } = parseKubeconfig(kubeconfigYaml());
    const feeds = watchFeeds(kc);
    expect(feeds.map((f) => [f.key, f.source, f.what])).toEqual([
      ['deployments', 'deployments', 'Deployments'],
      ['sts:kotsadm', 'statefulsets', 'StatefulSet kotsadm'],
      ['sts:ha-minio', 'statefulsets', 'StatefulSet ha-minio'],
      ['daemonsets', 'daemonsets', 'DaemonSets'],
      ['namespaces', 'namespaces', 'Namespaces'],
      ['kotsadmPods', 'kotsadmPods', 'kotsadm pods'],
      ['cm:kotsadm-confg', 'configmaps', 'ConfigMap kotsadm-confg'],
      ['cm:kotsadm-velero-namespace', 'configmaps', 'ConfigMap kotsadm-velero-namespace'],
      ['cm:kurl-config', 'configmaps', 'ConfigMap kurl-config'],
      ['bsls', 'bsls', 'BackupStorageLocations'],
    ]);
    for (const f of feeds) expect(f.informer.list()).toEqual([]);
  });

  it('lists and watches by name or label where the watch is bounded', async () => {
    const seen: string[] = [];
    const held = new Set<ServerResponse>();
    const srv = createServer((req, res) => {
      seen.push(req.url!);
      res.setHeader('content-type', 'application/json');
      if (new URL(req.url!, 'http://x').searchParams.get('watch') === 'true') {
        held.add(res);
        return res.write('');
      }
      res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: '1' }, items: [] }));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const { kc } = parseKubeconfig(kubeconfigYaml({ server: `http://127.0.0.1:${(srv.address() as { port: number }).port}` }));
      const feeds = watchFeeds(kc).filter((f) => f.key === 'cm:kurl-config' || f.key === 'kotsadmPods' || f.key === 'sts:kotsadm');
      await Promise.all(feeds.map((f) => f.informer.start()));
      await Promise.all(feeds.map((f) => f.informer.stop()));
      const decoded = seen.map((u) => decodeURIComponent(u));
      expect(decoded.some((u) => u.startsWith('/api/v1/configmaps?') && u.includes('fieldSelector=metadata.name=kurl-config'))).toBe(true);
      expect(decoded.some((u) => u.startsWith('/apis/apps/v1/statefulsets?') && u.includes('fieldSelector=metadata.name=kotsadm'))).toBe(true);
      expect(decoded.some((u) => u.startsWith('/api/v1/pods?') && u.includes('labelSelector=app=kotsadm'))).toBe(true);
    } finally {
      for (const r of held) r.destroy();
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});

describe('watchProblem', () => {
  it('says nothing when Velero has no BackupStorageLocation CRD', () => {
    expect(watchProblem('bsls', 'BackupStorageLocations', new Error('not found'), 404)).toBeUndefined();
  });

  it('turns a 403 into a permission warning', () => {
    expect(watchProblem('deployments', 'Deployments', new Error('forbidden'), 403)).toEqual({
      ok: false,
      severity: 'warning',
      title: 'Lifeboat may not watch Deployments',
      reason: 'The cluster refused to list Deployments for this user, so detection may be incomplete.',
      fix: 'Use a kubeconfig with cluster-wide read access, or see Cluster → Permissions.',
    });
  });

  it("quotes the first line of any other error as the watch's interruption", () => {
    const p = watchProblem('namespaces', 'Namespaces', new Error('socket hang up\nat somewhere'), undefined);
    expect(p).toMatchObject({ ok: false, severity: 'warning', title: 'Watching Namespaces was interrupted', reason: 'socket hang up' });
    expect(watchProblem('bsls', 'BackupStorageLocations', new Error('boom'), 500)?.reason).toBe('boom');
  });
});
