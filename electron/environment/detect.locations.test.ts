import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKubeconfig } from '../cluster/kubeconfig';
import { kubeconfigYaml } from '../cluster/test-fixtures';
import { VeleroWatch, type WatchedKind, type WatchVerb } from '../velero/resources';
import { EnvironmentDetector } from './detect';
import { bsl } from './fixtures';

const BSL = '/apis/velero.io/v1/backupstoragelocations';

/** An API server stand-in: every list is empty but BSL's, watches stay open, and requests are counted. */
async function fakeCluster() {
  const lists = new Map<string, number>();
  const watches = new Map<string, number>();
  const open = new Map<string, Set<ServerResponse>>();
  let rv = 10;
  const srv = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.searchParams.get('watch') === 'true') {
      watches.set(url.pathname, (watches.get(url.pathname) ?? 0) + 1);
      if (!open.has(url.pathname)) open.set(url.pathname, new Set());
      open.get(url.pathname)!.add(res);
      res.write('');
      req.on('close', () => open.get(url.pathname)!.delete(res));
      return;
    }
    lists.set(url.pathname, (lists.get(url.pathname) ?? 0) + 1);
    res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(rv) }, items: url.pathname === BSL ? [bsl('default', 'Unavailable')] : [] }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`,
    lists,
    watches,
    push(path: string, type: 'ADDED' | 'MODIFIED', object: any) {
      object.metadata.resourceVersion = String(++rv);
      for (const r of open.get(path) ?? []) r.write(JSON.stringify({ type, object }) + '\n');
    },
    close() {
      for (const set of open.values()) for (const r of set) r.destroy();
      srv.closeAllConnections();
      return new Promise((r) => srv.close(r));
    },
  };
}

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup() {
  const api = await fakeCluster();
  const { kc } = parseKubeconfig(kubeconfigYaml({ server: api.url }));
  const det = new EnvironmentDetector({ debounceMs: 20 });
  const watch = new VeleroWatch(kc, { locations: det.locations });
  const heard: Array<[WatchedKind, WatchVerb, string | undefined]> = [];
  watch.on((kind, verb, obj) => heard.push([kind, verb, (obj as any).status?.phase]));
  cleanup.push(
    () => api.close(),
    () => det.stop(),
    () => watch.stop(),
  );
  return { api, kc, det, watch, heard };
}

describe('one watch of BackupStorageLocations, shared by the detector and VeleroWatch', () => {
  it("VeleroWatch reads the detector's storage locations and opens no watch of its own", async () => {
    const { api, kc, det, watch, heard } = await setup();
    await det.start(kc);
    await watch.start();
    expect(watch.synced).toBe(true);
    expect(watch.problem('backupstoragelocations')).toBeUndefined();
    expect(watch.locations().map((l) => l.status?.phase)).toEqual(['Unavailable']);
    expect(watch.get('backupstoragelocations', 'velero', 'default')).toMatchObject({ metadata: { name: 'default' } });
    expect(watch.count('backupstoragelocations')).toBe(1);
    await until(() => (api.watches.get(BSL) ?? 0) > 0 && (api.watches.get('/apis/velero.io/v1/backups') ?? 0) > 0);
    expect(api.lists.get(BSL)).toBe(1);
    expect(api.watches.get(BSL)).toBe(1);
    expect(api.lists.get('/apis/velero.io/v1/backups')).toBe(1);

    api.push(BSL, 'MODIFIED', bsl('default', 'Available'));
    await until(() => heard.some(([kind, verb, phase]) => kind === 'backupstoragelocations' && verb === 'update' && phase === 'Available'));
    expect(watch.locations()[0].status?.phase).toBe('Available');
    await until(() => det.get()?.velero.storageLocations[0]?.phase === 'Available');

    await watch.stop();
    heard.length = 0;
    api.push(BSL, 'MODIFIED', bsl('default', 'Unavailable'));
    await until(() => det.locations.list()[0]?.metadata?.name === 'default' && (det.locations.list()[0] as any).status.phase === 'Unavailable');
    expect(heard).toEqual([]);
    expect(watch.locations()).toEqual([]);
    expect(watch.problem('backupstoragelocations')).toEqual({ message: 'not watching (not connected)' });
  });

  it('a VeleroWatch started before the detector waits for its first list; a disconnect releases it', async () => {
    const { kc, det, watch } = await setup();
    let started = false;
    const starting = watch.start().then(() => (started = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toBe(false);
    await det.start(kc);
    await starting;
    expect(watch.locations()).toHaveLength(1);

    const other = parseKubeconfig(kubeconfigYaml({ server: 'http://127.0.0.1:9' })).kc;
    const waiting = det.locations.ready(other);
    await det.clear();
    await waiting;
    expect(det.locations.problem()).toEqual({ message: 'not watching (not connected)' });
  });
});
