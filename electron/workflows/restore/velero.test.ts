import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { KubeJson } from './kube.js';
import { isTerminalRestore, labelValue, VeleroReader } from './velero.js';

function fakeKube(objects: Map<string, any>, onPost?: (path: string, body: any) => void): KubeJson {
  return {
    get: async (p) => objects.get(p),
    getOrUndefined: async (p) => objects.get(p),
    post: async (p, b) => {
      onPost?.(p, b);
      return b as any;
    },
    mergePatch: async (p, b) => ({ ...objects.get(p), ...(b as object) }),
    delete: async (p) => void objects.delete(p),
  };
}

describe('restore velero reads', () => {
  it('downloads a DownloadRequest target, gunzipped, and cleans the request up; 404 is undefined', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/results') res.end(gzipSync(JSON.stringify({ warnings: { namespaces: { a: ['w'] } } })));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const objects = new Map<string, any>();
    const kube = fakeKube(objects, (path, body) => {
      const url = body.spec.target.kind === 'RestoreResults' ? `${base}/results` : `${base}/missing`;
      objects.set(`${path}/${body.metadata.name}`, { ...body, status: { downloadURL: url, phase: 'Processed' } });
    });
    const v = new VeleroReader(kube, 'velero');
    const buf = await v.download('RestoreResults', 'b.sample-app');
    expect(JSON.parse(buf!.toString())).toEqual({ warnings: { namespaces: { a: ['w'] } } });
    expect(await v.download('RestoreLog', 'b.sample-app')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
    expect([...objects.keys()]).toEqual([]);
    server.close();
  });

  it('times out clearly when Velero never answers a DownloadRequest', async () => {
    const v = new VeleroReader(fakeKube(new Map()), 'velero');
    await expect(v.download('BackupResourceList', 'b', 300)).rejects.toMatchObject({ code: 'TOOL_TIMEOUT', hint: expect.stringContaining('storage location') });
  });

  it('phases and label values', () => {
    expect(['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'].every(isTerminalRestore)).toBe(true);
    expect(isTerminalRestore('InProgress')).toBe(false);
    expect(isTerminalRestore(undefined)).toBe(false);
    expect(labelValue('short')).toBe('short');
    const long = 'x'.repeat(70);
    expect(labelValue(long)).toHaveLength(63);
    expect(labelValue(long).startsWith('x'.repeat(57))).toBe(true);
  });
});
