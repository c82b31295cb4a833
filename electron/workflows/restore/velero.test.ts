import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { KubeJson } from '../../cluster/rest.js';
import { VeleroReader } from './velero.js';
import { isTerminalRestore, labelValue } from '../../velero/types.js';

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

/** A restore of backup "b" in location "default" on a MinIO at `base` (its s3Url). */
function storeObjects(base: string): Map<string, any> {
  const V = '/apis/velero.io/v1/namespaces/velero';
  return new Map<string, any>([
    [`${V}/restores/b.sample-app`, { metadata: { name: 'b.sample-app' }, spec: { backupName: 'b' } }],
    [`${V}/backups/b`, { metadata: { name: 'b' }, spec: { storageLocation: 'default' } }],
    [
      `${V}/backupstoragelocations/default`,
      {
        metadata: { name: 'default' },
        spec: { provider: 'aws', objectStorage: { bucket: 'velero' }, config: { region: 'minio', s3ForcePathStyle: 'true', s3Url: base } },
      },
    ],
  ]);
}

describe('restore velero reads', () => {
  it('downloads a DownloadRequest target, gunzipped, and cleans the request up; 404 is undefined', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/results') res.end(gzipSync(JSON.stringify({ warnings: { namespaces: { a: ['w'] } } })));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const objects = storeObjects(base);
    const kube = fakeKube(objects, (path, body) => {
      const url = body.spec.target.kind === 'RestoreResults' ? `${base}/results` : `${base}/missing`;
      objects.set(`${path}/${body.metadata.name}`, { ...body, status: { downloadURL: url, phase: 'Processed' } });
    });
    const v = new VeleroReader(kube, 'velero');
    const buf = await v.download('RestoreResults', 'b.sample-app');
    expect(JSON.parse(buf!.toString())).toEqual({ warnings: { namespaces: { a: ['w'] } } });
    expect(await v.download('RestoreLog', 'b.sample-app')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
    expect([...objects.keys()].filter((k) => k.includes('downloadrequests'))).toEqual([]);
    server.close();
  });

  it("refuses a URL off the storage location's store (before fetching), a gzip bomb, and truncates a huge log", async () => {
    let hits = 0;
    const bomb = gzipSync(Buffer.alloc(256 << 20), { level: 9 });
    const server = createServer((req, res) => {
      hits++;
      if (req.url === '/bomb') res.end(bomb);
      else if (req.url === '/log') res.end(gzipSync('level=info msg=x\n'.repeat(600_000)));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    const objects = storeObjects(base);
    let url = '';
    const kube = fakeKube(objects, (path, body) => objects.set(`${path}/${body.metadata.name}`, { ...body, status: { downloadURL: url } }));
    const v = new VeleroReader(kube, 'velero');
    try {
      url = `http://localhost:${port}/bomb`; // same server, another host name: not the location's s3Url
      const off = await v.download('RestoreResults', 'b.sample-app').catch((e) => e);
      expect(off).toMatchObject({ code: 'STORAGE_INVALID', details: { host: `localhost:${port}`, location: 'default' } });
      expect(hits).toBe(0);
      url = `${base}/bomb`;
      const big = await v.download('RestoreResults', 'b.sample-app').catch((e) => e);
      expect(big?.code).toBe('STORAGE_INVALID');
      expect(big.message).toMatch(/RestoreResults of b\.sample-app is larger than the 32 MiB Lifeboat reads once uncompressed/);
      url = `${base}/log`;
      const log = (await v.download('RestoreLog', 'b.sample-app'))!.toString().split('\n');
      expect(log).toHaveLength(500_002); // 500,000 lines, the marker, ''
      expect(log[500_000]).toMatch(/^\[Lifeboat: log truncated at 500,000 lines .* velero restore logs b\.sample-app -n velero\]$/);
    } finally {
      server.close();
    }
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
