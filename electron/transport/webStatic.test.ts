import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CSP, serveStatic } from './webStatic';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function get(root: string | undefined, path: string, method = 'GET') {
  server = createServer((req, res) => serveStatic(root, req.url!, res, req.method === 'HEAD'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function builtRenderer(): string {
  const root = mkdtempSync(join(tmpdir(), 'lb-static-'));
  writeFileSync(join(root, 'index.html'), '<title>x</title>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'app.js'), '1');
  return root;
}

describe('web static files', () => {
  it('serves files with the CSP, routes to index.html, and refuses the rest', async () => {
    const root = builtRenderer();
    const js = await get(root, '/assets/app.js');
    expect(js).toMatchObject({ status: 200, body: '1' });
    expect(js.headers).toMatchObject({
      'content-security-policy': CSP,
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    });
    server!.close();
    const route = await get(root, '/backups');
    expect(route).toMatchObject({ status: 200, body: '<title>x</title>' });
    expect(route.headers['cache-control']).toBe('no-store');
    server!.close();
    expect((await get(root, '/missing.js')).status).toBe(404);
    server!.close();
    expect((await get(root, '/%E0%A4%A')).status).toBe(400);
    server!.close();
    expect((await get(root, '/assets/app.js', 'HEAD')).body).toBe('');
  });

  it('says so when the renderer is not built', async () => {
    const res = await get(undefined, '/');
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/not built/);
  });
});
