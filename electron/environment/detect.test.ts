import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../api/contract';
import { parseKubeconfig } from '../cluster/kubeconfig';
import { kubeconfigYaml } from '../cluster/test-fixtures';
import { EventBus } from '../events';
import { EnvironmentDetector } from './detect';
import { bsl, kotsadm, kotsadmStatefulSet, nodeAgent, ns, veleroDeploy } from './fixtures';

/** An API server stand-in that serves lists and streams watch events the test pushes. */
async function fakeCluster(store: Record<string, any[]>, opts: { forbid?: string[]; ssr?: 'answer' | 'silent'; stallSecretsOnce?: boolean } = {}) {
  let stalled = false;
  const watchers = new Map<string, Set<ServerResponse>>();
  let rv = 10;
  const srv = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const path = url.pathname;
    res.setHeader('content-type', 'application/json');
    if (opts.forbid?.includes(path)) {
      res.statusCode = 403;
      return res.end(JSON.stringify({ kind: 'Status', code: 403, message: 'forbidden' }));
    }
    if (path.includes('serverstatusrequests')) {
      if (req.method === 'POST') return res.end(JSON.stringify({ metadata: { name: 'lifeboat-1' } }));
      if (req.method === 'DELETE') return res.end('{}');
      return res.end(JSON.stringify(opts.ssr === 'silent' ? { status: {} } : { status: { phase: 'Processed', serverVersion: 'v1.18.3' } }));
    }
    if (path.includes('/secrets/')) {
      if (opts.stallSecretsOnce && !stalled) {
        stalled = true;
        return; // never answered: an API server that lost the request
      }
      if (!(path in store)) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ kind: 'Status', code: 404 }));
      }
      return res.end(JSON.stringify(store[path][0]));
    }
    const field = url.searchParams.get('fieldSelector')?.replace('metadata.name=', '');
    const label = url.searchParams.get('labelSelector');
    const match = (o: any) => (!field || o.metadata?.name === field) && (!label || o.metadata?.labels?.app === label.replace('app=', ''));
    if (url.searchParams.get('watch') === 'true') {
      const key = path + (field ?? '') + (label ?? '');
      if (!watchers.has(key)) watchers.set(key, new Set());
      watchers.get(key)!.add(res);
      res.write('');
      req.on('close', () => watchers.get(key)!.delete(res));
      return;
    }
    if (!(path in store)) {
      res.statusCode = 404;
      return res.end(JSON.stringify({ kind: 'Status', code: 404 }));
    }
    res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(rv) }, items: store[path].filter(match) }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as any).port}`,
    push(path: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: any) {
      object.metadata.resourceVersion = String(++rv);
      for (const [key, set] of watchers) if (key.startsWith(path)) for (const r of set) r.write(JSON.stringify({ type, object }) + '\n');
    },
    close() {
      for (const set of watchers.values()) for (const r of set) r.destroy();
      srv.closeAllConnections();
      return new Promise((r) => srv.close(r));
    },
  };
}

const D = '/apis/apps/v1/deployments';
const baseStore = () => ({
  [D]: [kotsadm('default', 'v1.131.4')],
  '/apis/apps/v1/statefulsets': [] as any[],
  '/apis/apps/v1/daemonsets': [] as any[],
  '/api/v1/namespaces': [ns('default'), ns('kube-system')],
  '/api/v1/pods': [] as any[],
  '/api/v1/configmaps': [] as any[],
});

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function start(store: Record<string, any[]>, opts = {}) {
  const api = await fakeCluster(store, opts);
  const bus = new EventBus();
  const seen: Array<Environment | null> = [];
  bus.on((e, p) => e === 'environment.changed' && seen.push(p as Environment | null));
  const namespaces: unknown[] = [];
  const det = new EnvironmentDetector({
    bus,
    kubernetesVersion: () => 'v1.36.3',
    cliVersion: async () => '1.18.3',
    debounceMs: 20,
    serverStatusTimeoutMs: 300,
    secretReadTimeoutMs: 300,
    onNamespaces: (n) => namespaces.push(n),
  });
  const { kc } = parseKubeconfig(kubeconfigYaml({ server: api.url }));
  cleanup.push(
    () => det.stop(),
    () => api.close(),
  );
  const env = await det.start(kc);
  return { api, det, env: env!, seen, namespaces };
}

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('EnvironmentDetector (live watches)', () => {
  it('detects KOTS without Velero, then notices Velero arriving through the watch', async () => {
    const { api, det, env, seen, namespaces } = await start(baseStore());
    expect(env.kots).toMatchObject({ found: true, version: 'v1.131.4' });
    expect(env.velero.installed).toBe(false);
    expect(seen).toHaveLength(1);

    api.push(D, 'ADDED', veleroDeploy());
    api.push('/apis/apps/v1/daemonsets', 'ADDED', nodeAgent());
    const after = await until(() => (det.get()?.velero.versionSource === 'server' ? det.get() : undefined));
    expect(after!.velero).toMatchObject({ installed: true, namespace: 'velero', versionSource: 'server', ready: true });
    expect(after!.velero.fileSystemBackup?.kind).toBe('node-agent');
    expect(seen.length).toBeGreaterThan(1);
    expect(namespaces).toContainEqual({ velero: 'velero', kots: 'default' });
  });

  it('reads BSL phase changes live', async () => {
    const store = {
      ...baseStore(),
      [D]: [kotsadm(), veleroDeploy()],
      '/apis/apps/v1/daemonsets': [nodeAgent()],
      '/apis/velero.io/v1/backupstoragelocations': [bsl('default', 'Unavailable')],
    };
    const { api, det, env } = await start(store);
    expect(env.velero.storageLocations[0].phase).toBe('Unavailable');
    expect(env.problems.map((p) => p.title)).toContain('Backup storage default is Unavailable');
    api.push('/apis/velero.io/v1/backupstoragelocations', 'MODIFIED', bsl('default', 'Available'));
    const after = await until(() => (det.get()?.velero.storageLocations[0]?.phase === 'Available' ? det.get() : undefined));
    expect(after!.compatibility.verdict).toBe('compatible');
  });

  it('a server that does not answer the ServerStatusRequest falls back to the image tag with a reason', async () => {
    const store = {
      ...baseStore(),
      [D]: [kotsadm(), veleroDeploy('velero', 'velero/velero:v1.18.2')],
      '/apis/apps/v1/daemonsets': [nodeAgent()],
      '/apis/velero.io/v1/backupstoragelocations': [bsl()],
    };
    const { env } = await start(store, { ssr: 'silent' });
    expect(env.velero).toMatchObject({ version: 'v1.18.2', versionSource: 'image' });
    expect(env.problems.find((p) => p.title === 'Velero server version read from the image')?.reason).toMatch(/ServerStatusRequest/);
  });

  it('air gap: registry from kotsadm-confg, credentials when Secret kotsadm-private-registry exists', async () => {
    const confg = { metadata: { name: 'kotsadm-confg', namespace: 'default' }, data: { 'kotsadm-registry': 'registry.lab:5000/lifeboat' } };
    const store = {
      ...baseStore(),
      '/api/v1/configmaps': [confg],
      '/api/v1/namespaces/default/secrets/kotsadm-private-registry': [{ metadata: { name: 'kotsadm-private-registry' } }],
    };
    const { det, env } = await start(store);
    expect(env.airgap.airgapped).toBe(true);
    const after = await until(() => (det.get()?.kots.registry?.hasCredentials ? det.get() : undefined));
    expect(after!.kots.registry).toEqual({ host: 'registry.lab:5000', namespace: 'lifeboat', hasCredentials: true });
  });

  it('a read of Secret kotsadm-private-registry that is never answered is asked again, and the credentials are offered', async () => {
    const confg = { metadata: { name: 'kotsadm-confg', namespace: 'default' }, data: { 'kotsadm-registry': 'registry.lab:5000/lifeboat' } };
    const store = {
      ...baseStore(),
      '/api/v1/configmaps': [confg],
      '/api/v1/namespaces/default/secrets/kotsadm-private-registry': [{ metadata: { name: 'kotsadm-private-registry' } }],
    };
    const { det } = await start(store, { stallSecretsOnce: true });
    const after = await until(() => (det.get()?.kots.registry?.hasCredentials ? det.get() : undefined), 6000);
    expect(after!.kots.registry).toEqual({ host: 'registry.lab:5000', namespace: 'lifeboat', hasCredentials: true });
  });

  it('a forbidden watch becomes a problem, not a failure, and stays one across retries', async () => {
    const { env, det } = await start(baseStore(), { forbid: ['/apis/apps/v1/daemonsets'] });
    expect(env.problems.map((p) => p.title)).toContain('Lifeboat may not watch DaemonSets');
    expect(env.kots.found).toBe(true);
    // still reported after the first retry (ListWatch.start() resolves even when its list fails)
    await new Promise((r) => setTimeout(r, 1500));
    expect(det.get()!.problems.map((p) => p.title)).toContain('Lifeboat may not watch DaemonSets');
  });

  it('finds kotsadm as a StatefulSet (KOTS without MinIO, kots pkg/kotsadm/kotsadm.go) and follows its readiness', async () => {
    const sts = kotsadmStatefulSet('default', 'v1.131.4', 0);
    const other = { ...kotsadmStatefulSet('default'), metadata: { name: 'kotsadm-rqlite', namespace: 'default' } };
    const { api, det, env } = await start({ ...baseStore(), [D]: [], '/apis/apps/v1/statefulsets': [sts, other] });
    expect(env.kots).toMatchObject({ found: true, namespace: 'default', version: 'v1.131.4', ready: false });
    api.push('/apis/apps/v1/statefulsets', 'MODIFIED', kotsadmStatefulSet('default', 'v1.131.4', 1));
    const after = await until(() => (det.get()?.kots.ready ? det.get() : undefined));
    expect(after!.problems.map((p) => p.title)).not.toContain('KOTS admin console is not ready');
  });

  it('StatefulSets and pods forbidden, no Deployment kotsadm: "cannot tell", not "not found"', async () => {
    const { env } = await start({ ...baseStore(), [D]: [] }, { forbid: ['/apis/apps/v1/statefulsets', '/api/v1/pods'] });
    expect(env.problems.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Lifeboat may not watch StatefulSet kotsadm', 'Cannot tell whether KOTS is installed']),
    );
  });

  it('a watch that was refused recovers once it is allowed', async () => {
    const forbid = ['/apis/apps/v1/deployments'];
    const { env, det } = await start(baseStore(), { forbid });
    expect(env.problems.map((p) => p.title)).toEqual(expect.arrayContaining(['Lifeboat may not watch Deployments', 'Cannot tell whether Velero is installed']));
    forbid.length = 0;
    const after = await until(
      () => (det.get()?.kots.found && !det.get()!.problems.some((p) => p.title.includes('may not watch')) ? det.get() : undefined),
      5000,
    );
    expect(after!.kots.version).toBe('v1.131.4');
  });
});
