import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBlob } from './upload.js';
import { sha, startServer, type TestServer, type Seen } from './testServer.js';
import type { ServerResponse } from 'node:http';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

/** A registry's upload endpoints: mounts what it has, sessions collecting PATCHed parts; `dropPatch` resets the connection on that PATCH. */
function registry(opts: { has?: Set<string>; dropPatch?: number } = {}) {
  const parts: Buffer[] = [];
  const stored = new Map<string, Buffer>();
  let patches = 0;
  s.handle((q: Seen, res: ServerResponse) => {
    const u = new URL(q.url, 'http://x');
    const received = () => parts.reduce((n, p) => n + p.length, 0);
    if (q.method === 'POST') {
      const mount = u.searchParams.get('mount');
      if (mount && opts.has?.has(mount)) {
        res.writeHead(201);
        return res.end();
      }
      res.writeHead(202, { location: '/v2/app/blobs/uploads/s1' });
      return res.end();
    }
    if (q.method === 'PATCH') {
      if (++patches === opts.dropPatch) return res.socket?.destroy();
      parts.push(q.body);
      res.writeHead(202, { location: `/v2/app/blobs/uploads/s1?n=${received()}`, range: `0-${received() - 1}` });
      return res.end();
    }
    if (q.method === 'GET') {
      res.writeHead(204, { location: '/v2/app/blobs/uploads/s1', range: `0-${received() - 1}` });
      return res.end();
    }
    parts.push(q.body);
    const all = Buffer.concat(parts);
    const digest = u.searchParams.get('digest')!;
    stored.set(digest, all);
    res.writeHead(sha(all) === digest ? 201 : 400);
    res.end();
  });
  return stored;
}

const blob = Buffer.alloc(2500);
for (let i = 0; i < blob.length; i++) blob[i] = i % 251;

describe('pushBlob', () => {
  it('mounts from another repository without sending bytes', async () => {
    registry({ has: new Set([sha(blob)]) });
    const t = s.transport();
    expect(await pushBlob(t, 'app', sha(blob), blob.length, blob, { mountFrom: 'base' })).toBe('mounted');
    expect(s.seen.map((x) => x.url)).toEqual([`/v2/app/blobs/uploads/?mount=${encodeURIComponent(sha(blob))}&from=base`]);
    expect(t.stats).toMatchObject({ blobMounts: 1, blobUploads: 0, blobBytesOut: 0 });
  });

  it('falls back to one PUT with the digest when the mount is declined; counts the bytes', async () => {
    const stored = registry();
    const t = s.transport();
    let counted = 0;
    expect(await pushBlob(t, 'app', sha(blob), blob.length, blob, { mountFrom: 'base', onBytes: (n) => (counted += n) })).toBe('uploaded');
    expect(s.seen.map((x) => x.method)).toEqual(['POST', 'PUT']);
    expect(stored.get(sha(blob))?.equals(blob)).toBe(true);
    expect(counted).toBe(blob.length);
    expect(t.stats).toMatchObject({ blobUploads: 1, blobBytesOut: blob.length });
  });

  it('sends a bigger blob in PATCH chunks with their ranges, from a stream source, then closes with the digest', async () => {
    const stored = registry();
    const t = s.transport();
    const source = (a: number, b: number) => Readable.from([blob.subarray(a, b)]);
    expect(await pushBlob(t, 'app', sha(blob), blob.length, source, { chunkSize: 1000 })).toBe('uploaded');
    expect(s.seen.filter((x) => x.method === 'PATCH').map((x) => x.headers['content-range'])).toEqual(['0-999', '1000-1999', '2000-2499']);
    expect(s.seen.at(-1)).toMatchObject({ method: 'PUT', body: Buffer.alloc(0) });
    expect(stored.get(sha(blob))?.equals(blob)).toBe(true);
    expect(t.stats.blobBytesOut).toBe(blob.length);
  });

  it('a chunk lost with its connection is re-sent from the offset the session reports', async () => {
    const stored = registry({ dropPatch: 2 });
    expect(await pushBlob(s.transport(), 'app', sha(blob), blob.length, blob, { chunkSize: 1000 })).toBe('uploaded');
    expect(s.seen.map((x) => x.method)).toEqual(['POST', 'PATCH', 'PATCH', 'GET', 'PATCH', 'PATCH', 'PUT']);
    expect(stored.get(sha(blob))?.equals(blob)).toBe(true);
  });
});
