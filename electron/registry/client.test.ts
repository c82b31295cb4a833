/**
 * The client against a small in-process HTTP fake: Bearer token flow, pagination, digest checks,
 * chunked upload and mounts. (Real-registry behaviour is covered by test/integration.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { RegistryClient, parseChallenge, parseNextLink } from './client.js';
import { MediaTypes } from './mediaTypes.js';
import { runPool } from './pool.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('header parsing', () => {
  it('parses Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="basic-realm"')).toEqual({ scheme: 'basic', params: { realm: 'basic-realm' } });
    expect(parseChallenge(undefined)).toBeNull();
  });
  it('finds the next page in a Link header', () => {
    expect(parseNextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(parseNextLink('<https://x/v2/a/tags/list?n=1&last=1>; rel=next')).toBe('https://x/v2/a/tags/list?n=1&last=1');
    expect(parseNextLink(undefined)).toBeNull();
  });
});

describe('pool', () => {
  it('bounds concurrency and stops on the first error', async () => {
    let active = 0;
    let peak = 0;
    const ran: number[] = [];
    await expect(
      runPool([1, 2, 3, 4, 5, 6, 7, 8], 3, async (n, signal) => {
        active++;
        peak = Math.max(peak, active);
        ran.push(n);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (n === 2) throw new Error('boom');
        if (signal.aborted) return;
      }),
    ).rejects.toThrow('boom');
    expect(peak).toBe(3);
    expect(ran.length).toBeLessThan(8);
  });
});

// ---------------------------------------------------------------- fake registry with token auth

const TOKEN = 'tok-123';
const blobs = new Map<string, Buffer>();
const manifests = new Map<string, { bytes: Buffer; type: string }>();
const uploads = new Map<string, Buffer[]>();
const log: string[] = [];
let tokenRequests: string[] = [];
let lieAboutDigest = false;
let corruptBlob = false;
let server: http.Server;
let base: string;

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url!, 'http://x');
  log.push(`${req.method} ${url.pathname}${url.search}`);
  if (url.pathname === '/token') {
    tokenRequests.push(url.search);
    const ok = req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    return res.end(ok ? JSON.stringify({ token: TOKEN, expires_in: 300 }) : '{"details":"bad creds"}');
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token",service="fake",scope="repository:app:pull"` });
    return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  }
  if (url.pathname === '/v2/_catalog') {
    const last = url.searchParams.get('last');
    const all = ['a', 'b', 'c', 'd', 'e'];
    const start = last ? all.indexOf(last) + 1 : 0;
    const page = all.slice(start, start + 2);
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (start + 2 < all.length) headers.link = `</v2/_catalog?last=${page[page.length - 1]}&n=2>; rel="next"`;
    res.writeHead(200, headers);
    return res.end(JSON.stringify({ repositories: page }));
  }
  let m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
  if (m) {
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        manifests.set(`${m![1]}:${m![2]}`, { bytes, type: String(req.headers['content-type']) });
        manifests.set(`${m![1]}:${sha(bytes)}`, { bytes, type: String(req.headers['content-type']) });
        res.writeHead(201, { 'docker-content-digest': sha(bytes) });
        res.end();
      });
      return;
    }
    const man = manifests.get(`${m[1]}:${m[2]}`);
    if (!man) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    }
    res.writeHead(200, { 'content-type': man.type, 'docker-content-digest': lieAboutDigest ? `sha256:${'0'.repeat(64)}` : sha(man.bytes) });
    return res.end(man.bytes);
  }
  m = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(url.pathname);
  if (m) {
    if (req.method === 'POST') {
      if (url.searchParams.get('mount') && blobs.has(url.searchParams.get('mount')!)) {
        res.writeHead(201);
        return res.end();
      }
      const id = `u${uploads.size}`;
      uploads.set(id, []);
      res.writeHead(202, { location: `/v2/${m[1]}/blobs/uploads/${id}?_state=s`, range: '0-0' });
      return res.end();
    }
    const id = m[2]!;
    const parts = uploads.get(id)!;
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      parts.push(Buffer.concat(chunks));
      if (req.method === 'PATCH') {
        const n = parts.reduce((s, p) => s + p.length, 0);
        res.writeHead(202, { location: `/v2/${m![1]}/blobs/uploads/${id}?_state=s${n}`, range: `0-${n - 1}` });
        return res.end();
      }
      const all = Buffer.concat(parts);
      const digest = url.searchParams.get('digest')!;
      if (sha(all) !== digest) {
        res.writeHead(400);
        return res.end('{"errors":[{"code":"DIGEST_INVALID","message":"digest did not match"}]}');
      }
      blobs.set(digest, all);
      res.writeHead(201, { 'docker-content-digest': digest });
      res.end();
    });
    return;
  }
  m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]+)$/.exec(url.pathname);
  if (m) {
    const b = blobs.get(m[2]!);
    if (!b) {
      res.writeHead(404);
      return res.end();
    }
    const from = /bytes=(\d+)-/.exec(String(req.headers.range ?? ''));
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': b.length });
      return res.end();
    }
    const body = corruptBlob ? Buffer.from(b).fill(0, 0, 1) : b;
    if (from) {
      res.writeHead(206, { 'content-length': b.length - Number(from[1]) });
      return res.end(body.subarray(Number(from[1])));
    }
    res.writeHead(200, { 'content-length': b.length });
    return res.end(body);
  }
  res.writeHead(404);
  res.end();
}

let tmp: string;
beforeAll(async () => {
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-client-'));
});
afterAll(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('RegistryClient against a token-auth fake', () => {
  it('gets a Bearer token with Basic credentials, scoped, and lists a paginated catalog', async () => {
    tokenRequests = [];
    const c = new RegistryClient({ registry: base, username: 'u', password: 'p' });
    expect(await c.catalog({ pageSize: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toContain('scope=registry%3Acatalog%3A*');
    expect(tokenRequests[0]).toContain('service=fake');
  });

  it('wrong credentials at the token service → REGISTRY_AUTH_FAILED', async () => {
    const c = new RegistryClient({ registry: base, username: 'u', password: 'nope' });
    await expect(c.catalog()).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });

  it('pushes blobs monolithic and chunked, mounts known blobs, and round-trips a manifest byte-exact', async () => {
    const c = new RegistryClient({ registry: base, username: 'u', password: 'p' });
    const small = Buffer.from('small layer');
    const big = Buffer.alloc(2500, 7);
    expect(await c.pushBlob('app', sha(small), small.length, small)).toBe('uploaded');
    log.length = 0;
    expect(await c.pushBlob('app', sha(big), big.length, (a, b) => Readable.from([big.subarray(a, b)]), { chunkSize: 1000 })).toBe('uploaded');
    expect(log.filter((l) => l.startsWith('PATCH'))).toHaveLength(3);
    expect(blobs.get(sha(big))).toEqual(big);
    expect(await c.pushBlob('other', sha(small), small.length, small, { mountFrom: 'app' })).toBe('mounted');
    expect(c.stats.blobMounts).toBe(1);

    const bytes = Buffer.from(
      `{\n   "schemaVersion": 2,\n   "mediaType": "${MediaTypes.dockerManifest}",\n   "config": {"mediaType":"x","digest":"${sha(small)}","size":11},\n   "layers": []\n}`,
    );
    const digest = await c.putManifest('app', 'v1', bytes, MediaTypes.dockerManifest);
    const got = await c.getManifest('app', 'v1');
    expect(got).toMatchObject({ digest, mediaType: MediaTypes.dockerManifest, size: bytes.length });
    expect(got.bytes.equals(bytes)).toBe(true);
    await expect(c.getManifest('app', 'nope')).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND' });
    lieAboutDigest = true;
    await expect(c.getManifest('app', 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    lieAboutDigest = false;
  });

  it('downloads with digest verification, deletes the partial on mismatch, resumes with Range', async () => {
    const c = new RegistryClient({ registry: base, username: 'u', password: 'p' });
    const data = Buffer.alloc(5000, 3);
    data.write('distinct');
    const digest = sha(data);
    blobs.set(digest, data);
    const dest = path.join(tmp, 'blob');

    corruptBlob = true;
    await expect(c.downloadBlob('app', digest, data.length, dest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH', message: expect.stringContaining(digest) });
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(existsSync(dest)).toBe(false);
    const s = await c.getBlob('app', digest);
    await expect(
      (async () => {
        for await (const _ of s) {
          /* drain */
        }
      })(),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    corruptBlob = false;

    writeFileSync(`${dest}.partial`, data.subarray(0, 1234));
    const fetched = await c.downloadBlob('app', digest, data.length, dest);
    expect(fetched).toBe(data.length - 1234);
    expect(readFileSync(dest).equals(data)).toBe(true);
  });

  it('never writes through a symlink planted at the partial file (fresh or resumed)', async () => {
    const c = new RegistryClient({ registry: base, username: 'u', password: 'p' });
    const data = Buffer.alloc(3000, 5);
    const digest = sha(data);
    blobs.set(digest, data);
    const victim = path.join(tmp, 'victim');
    writeFileSync(victim, 'precious');
    for (const [i, resumePartial] of [
      [1, true],
      [2, false],
    ] as const) {
      const dest = path.join(tmp, `blob-link-${i}`);
      symlinkSync(victim, `${dest}.partial`);
      await c.downloadBlob('app', digest, data.length, dest, { resumePartial });
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(lstatSync(dest).isFile()).toBe(true);
      expect(readFileSync(dest).equals(data)).toBe(true);
    }
  });
});
