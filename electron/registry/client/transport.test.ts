import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseBase } from './transport.js';
import { startServer, type TestServer } from './testServer.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

describe('normaliseBase', () => {
  it('defaults to https, keeps http when said, refuses other schemes', () => {
    expect(normaliseBase('reg:5000').href).toBe('https://reg:5000/');
    expect(normaliseBase('http://reg:5000/some/path').href).toBe('http://reg:5000/');
    expect(() => normaliseBase('ftp://reg')).toThrow(/not an http\(s\) registry address/);
  });
});

describe('RegistryTransport.request', () => {
  it('retries an idempotent request after a 5xx, not a non-idempotent one', async () => {
    let n = 0;
    s.handle((_q, res) => {
      res.writeHead(n++ === 0 ? 503 : 200);
      res.end();
    });
    const t = s.transport();
    const res = await t.request({ method: 'GET', path: '/v2/', ok: [200], idempotent: true });
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(s.seen).toHaveLength(2);
    n = 0;
    s.seen.length = 0;
    await expect(t.request({ method: 'POST', path: '/v2/x', ok: [200], idempotent: false })).rejects.toMatchObject({
      code: 'REGISTRY_FAILED',
      message: expect.stringContaining('answered 503 to POST /v2/x'),
    });
    expect(s.seen).toHaveLength(1);
    expect(t.stats.requests).toBe(3);
  });

  it('answers a Basic challenge once and sends the credentials again', async () => {
    s.handle((q, res) => {
      res.writeHead(q.headers.authorization ? 200 : 401, { 'www-authenticate': 'Basic realm="r"' });
      res.end();
    });
    const t = s.transport({ username: 'u', password: 'p' });
    (await t.request({ method: 'GET', path: '/v2/', ok: [200] })).resume();
    expect(s.seen.map((x) => x.headers.authorization)).toEqual([undefined, `Basic ${Buffer.from('u:p').toString('base64')}`]);
  });

  it('maps 403, 404 and other statuses, with the registry text and what was asked for', async () => {
    const t = s.transport();
    s.handle((_q, res) => {
      res.writeHead(403);
      res.end('{"errors":[{"code":"DENIED","message":"no push"}]}');
    });
    await expect(t.request({ method: 'PUT', path: '/v2/a/manifests/v1', ok: [201] })).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('PUT /v2/a/manifests/v1 is denied (DENIED: no push)'),
    });
    s.handle((_q, res) => {
      res.writeHead(404);
      res.end();
    });
    await expect(t.request({ method: 'GET', path: '/v2/a/manifests/v1', ok: [200], what: 'Manifest a:v1' })).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
      message: expect.stringMatching(/^Manifest a:v1 was not found/),
    });
    s.handle((_q, res) => {
      res.writeHead(418);
      res.end('teapot');
    });
    await expect(t.request({ method: 'GET', path: '/v2/', ok: [200], idempotent: true })).rejects.toMatchObject({
      code: 'REGISTRY_FAILED',
      details: { status: 418 },
      message: expect.stringContaining('teapot'),
    });
  });

  it('follows redirects only when asked', async () => {
    s.handle((q, res) => {
      if (q.url === '/moved') {
        res.writeHead(307, { location: '/here' });
        return res.end();
      }
      res.writeHead(200);
      res.end('ok');
    });
    const t = s.transport();
    const res = await t.request({ method: 'GET', path: '/moved', ok: [200], followRedirects: true });
    res.resume();
    expect(s.seen.map((x) => x.url)).toEqual(['/moved', '/here']);
    await expect(t.request({ method: 'GET', path: '/moved', ok: [200] })).rejects.toMatchObject({ code: 'REGISTRY_FAILED', details: { status: 307 } });
  });

  it('a refused connection is REGISTRY_UNREACHABLE; an aborted request is CANCELLED', async () => {
    const dead = s.transport({ registry: 'http://127.0.0.1:1' });
    await expect(dead.request({ method: 'GET', path: '/v2/', ok: [200] })).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringContaining('connection refused'),
    });
    const a = new AbortController();
    a.abort();
    await expect(s.transport().request({ method: 'GET', path: '/v2/', ok: [200], signal: a.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('names an upload location relative to the registry, and refuses a missing one', () => {
    const t = s.transport();
    expect(t.uploadUrl('/v2/a/blobs/uploads/u1', 'x').href).toBe(`${s.base}/v2/a/blobs/uploads/u1`);
    expect(() => t.uploadUrl(undefined, 'sha256:abc')).toThrow(/no upload location for sha256:abc/);
  });
});
