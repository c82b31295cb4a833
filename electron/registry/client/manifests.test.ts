import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaTypes } from '../mediaTypes.js';
import { deleteManifest, getManifest, headManifest, putManifest } from './manifests.js';
import { sha, startServer, type TestServer } from './testServer.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const bytes = Buffer.from(
  `{"schemaVersion":2,"mediaType":"${MediaTypes.ociManifest}","config":{"mediaType":"x","digest":"sha256:${'1'.repeat(64)}","size":1},"layers":[]}`,
);

function serve(claimed: string) {
  s.handle((q, res) => {
    if (q.method === 'HEAD' && q.url.endsWith('/missing')) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(q.method === 'PUT' ? 201 : q.method === 'DELETE' ? 202 : 200, {
      'content-type': MediaTypes.ociManifest,
      'docker-content-digest': claimed,
      'content-length': q.method === 'PUT' ? 0 : bytes.length,
    });
    res.end(q.method === 'GET' ? bytes : undefined);
  });
}

describe('manifests', () => {
  it('gets one byte-exact with its digest, media type and size; counted', async () => {
    serve(sha(bytes));
    const t = s.transport();
    const m = await getManifest(t, 'app', 'v1');
    expect(m).toMatchObject({ digest: sha(bytes), mediaType: MediaTypes.ociManifest, size: bytes.length });
    expect(m.bytes.equals(bytes)).toBe(true);
    expect(t.stats.manifestGets).toBe(1);
    expect(s.seen[0]!.headers.accept).toContain(MediaTypes.ociManifest);
  });

  it('refuses bytes that do not hash to the digest asked for or advertised', async () => {
    serve(`sha256:${'0'.repeat(64)}`);
    await expect(getManifest(s.transport(), 'app', 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH', message: expect.stringContaining('app:v1') });
    serve(sha(bytes));
    await expect(getManifest(s.transport(), 'app', `sha256:${'2'.repeat(64)}`)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining('app@sha256:'),
    });
  });

  it('HEAD gives digest and type, or null when absent', async () => {
    serve(sha(bytes));
    expect(await headManifest(s.transport(), 'app', 'v1')).toEqual({ digest: sha(bytes), mediaType: MediaTypes.ociManifest, size: bytes.length });
    expect(await headManifest(s.transport(), 'app', 'missing')).toBeNull();
  });

  it('PUT sends the bytes with their type; refuses a digest ref they do not match before sending, and a digest the registry rewrote', async () => {
    serve(sha(bytes));
    expect(await putManifest(s.transport(), 'app', 'v1', bytes, MediaTypes.ociManifest)).toBe(sha(bytes));
    expect(s.seen[0]).toMatchObject({ method: 'PUT', url: '/v2/app/manifests/v1', headers: { 'content-type': MediaTypes.ociManifest } });
    expect(s.seen[0]!.body.equals(bytes)).toBe(true);
    s.seen.length = 0;
    await expect(putManifest(s.transport(), 'app', `sha256:${'3'.repeat(64)}`, bytes, MediaTypes.ociManifest)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    expect(s.seen).toEqual([]);
    serve(`sha256:${'4'.repeat(64)}`);
    await expect(putManifest(s.transport(), 'app', 'v1', bytes, MediaTypes.ociManifest)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining('stored manifest app:v1'),
    });
  });

  it('DELETE by digest', async () => {
    serve(sha(bytes));
    await deleteManifest(s.transport(), 'app', sha(bytes));
    expect(s.seen.map((x) => `${x.method} ${x.url}`)).toEqual([`DELETE /v2/app/manifests/${sha(bytes)}`]);
  });
});
