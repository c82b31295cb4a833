import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestVerifier, getBlob, headBlob, openBlob } from './blobs.js';
import { sha, startServer, type TestServer } from './testServer.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const data = Buffer.from('the bytes of a layer');
const drainAll = async (r: AsyncIterable<unknown>) => {
  for await (const _ of r) {
    /* read */
  }
};

describe('DigestVerifier', () => {
  it('passes bytes that hash to the digest and are the size; fails otherwise with DIGEST_MISMATCH', async () => {
    await expect(pipeline(Readable.from([data]), new DigestVerifier(sha(data), data.length), drainAll)).resolves.toBeUndefined();
    await expect(pipeline(Readable.from([data]), new DigestVerifier(sha(data), data.length + 1), drainAll)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(pipeline(Readable.from([Buffer.from('other')]), new DigestVerifier(sha(data), null), drainAll)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining(sha(data)),
    });
  });
});

describe('blobs', () => {
  it('HEAD: the size when the registry has it, null size on a redirect, null when absent', async () => {
    s.handle((q, res) => {
      const status = q.url.includes('gone') ? 404 : q.url.includes('moved') ? 307 : 200;
      res.writeHead(status, status === 307 ? { location: '/elsewhere' } : { 'content-length': data.length });
      res.end();
    });
    expect(await headBlob(s.transport(), 'app', sha(data))).toEqual({ size: data.length });
    expect(await headBlob(s.transport(), 'moved', sha(data))).toEqual({ size: null });
    expect(await headBlob(s.transport(), 'gone', sha(data))).toBeNull();
  });

  it('GET from an offset sends a Range and accepts 206; counts the bytes in', async () => {
    s.handle((q, res) => {
      const from = Number(/bytes=(\d+)-/.exec(String(q.headers.range ?? ''))?.[1] ?? 0);
      res.writeHead(from ? 206 : 200);
      res.end(data.subarray(from));
    });
    const t = s.transport();
    const res = await openBlob(t, 'app', sha(data), { from: 4 });
    await drainAll(res);
    expect(res.statusCode).toBe(206);
    expect(s.seen[0]!.headers.range).toBe('bytes=4-');
    expect(t.stats).toMatchObject({ blobGets: 1, blobBytesIn: data.length - 4 });
  });

  it('getBlob streams verified bytes and fails at the end on corrupt ones; refuses a malformed digest', async () => {
    let corrupt = false;
    s.handle((_q, res) => {
      res.writeHead(200);
      res.end(corrupt ? Buffer.from('tampered') : data);
    });
    const chunks: Buffer[] = [];
    for await (const c of await getBlob(s.transport(), 'app', sha(data))) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    corrupt = true;
    await expect(drainAll(await getBlob(s.transport(), 'app', sha(data)))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(getBlob(s.transport(), 'app', 'md5:nope')).rejects.toThrow();
  });
});
