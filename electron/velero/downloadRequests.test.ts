import { describe, expect, it } from 'vitest';
import { DownloadRequests, type DownloadKube } from './downloadRequests.js';

const V = '/apis/velero.io/v1/namespaces/velero';
const target = { veleroNamespace: 'velero', kind: 'BackupLog' as const, name: 'b', location: 'default' };

function kube(answer: (body: any) => string | undefined) {
  const objects = new Map<string, any>();
  const writes: string[] = [];
  const k: DownloadKube = {
    post: async (p, body: any) => {
      writes.push(`POST ${p}`);
      objects.set(`${p}/${body.metadata.name}`, { ...body, status: {} });
      setTimeout(() => {
        const url = answer(body);
        if (url) objects.get(`${p}/${body.metadata.name}`).status.downloadURL = url;
      }, 20);
      return body;
    },
    getOrUndefined: async (p) => objects.get(p),
    delete: async (p) => {
      writes.push(`DELETE ${p}`);
      objects.delete(p);
    },
  };
  return { k, objects, writes };
}

describe('DownloadRequests (one flow for backups and restore)', () => {
  it('creates the request through the cluster client, waits for its URL, and deletes it', async () => {
    const { k, objects, writes } = kube((body) => `http://store/${body.spec.target.kind}`);
    const url = await new DownloadRequests(k, { pollMs: 5 }).presignedUrl(target, 2000);
    expect(url).toBe('http://store/BackupLog');
    await new Promise((r) => setTimeout(r, 5));
    expect(writes[0]).toBe(`POST ${V}/downloadrequests`);
    expect(writes[1]).toMatch(new RegExp(`^DELETE ${V}/downloadrequests/b-`));
    expect([...objects.keys()]).toEqual([]);
  });

  it('times out as TOOL_TIMEOUT naming the storage location, and still cleans up', async () => {
    const { k, writes } = kube(() => undefined);
    const err = await new DownloadRequests(k, { pollMs: 5 }).presignedUrl(target, 100).catch((e) => e);
    expect(err).toMatchObject({
      code: 'TOOL_TIMEOUT',
      message: expect.stringMatching(/backup log of b/),
      hint: expect.stringContaining('storage location "default"'),
    });
    expect(writes.some((w) => w.startsWith('DELETE'))).toBe(true);
  });

  it('reads the storage location a target lives in through the same client', async () => {
    const { k, objects } = kube(() => undefined);
    objects.set(`${V}/backups/b`, { metadata: { name: 'b' }, spec: { storageLocation: 'default' } });
    objects.set(`${V}/backupstoragelocations/default`, { metadata: { name: 'default' }, spec: { provider: 'aws' } });
    expect(await new DownloadRequests(k).location(target)).toMatchObject({ metadata: { name: 'default' } });
  });
});
