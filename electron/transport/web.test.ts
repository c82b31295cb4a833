import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app';
import { EventBus } from '../events';
import { CSP, startWebServer, type WebServer } from './web';

let app: App;
let web: WebServer;
let staticDir: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-web-data-'));
  staticDir = mkdtempSync(join(tmpdir(), 'lb-web-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Lifeboat</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  app = createApp({ dataDir, mode: 'web', version: '0.1.0', env: { HOME: dataDir }, toolsDir: join(dataDir, 'no-tools') });
  web = await startWebServer({ handlers: app.handlers, bus: app.bus, staticDir, maxBodyBytes: 1024 });
});
afterAll(async () => {
  await web.close();
  await app.dispose();
});

async function call(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${web.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Raw request, for headers fetch will not let us set (Host, Origin on GET). */
function raw(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web transport', () => {
  it('listens on 127.0.0.1 with a 64-hex token, printed in the URL fragment', () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.token).toMatch(/^[0-9a-f]{64}$/);
    expect(web.openUrl).toBe(`${web.origin}/#token=${web.token}`);
  });

  it('calls methods with the token', async () => {
    const r = await call('app.info', {});
    expect(r).toMatchObject({ status: 200, body: { ok: true, result: { mode: 'web', version: '0.1.0' } } });
    expect((await call('cluster.status', {})).body.result.state).toBe('disconnected');
    const tools = await call('tools.list', {});
    expect(tools.body.result.map((t: any) => t.status)).toEqual(['missing', 'missing']);
  });

  it('refuses a request without the token, or with a wrong one', async () => {
    const none = await fetch(`${web.origin}/api/app.info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringMatching(/#token=/) });
    expect((await call('app.info', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call('app.info', {}, { authorization: web.token })).status).toBe(401);
  });

  it('refuses other origins and foreign Host headers', async () => {
    const r = await call('app.info', {}, { origin: 'http://evil.example' });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_ORIGIN' } } });
    expect((await call('app.info', {}, { origin: `http://localhost:${web.port}` })).status).toBe(403);
    expect((await call('app.info', {}, { origin: web.origin })).status).toBe(200);
    expect((await raw('/', { host: 'evil.example' })).status).toBe(403);
  });

  it('bad bodies are BAD_INPUT: not JSON, wrong type, too large, schema mismatch; unknown methods 404', async () => {
    expect(await call('app.info', '{nope')).toMatchObject({ status: 400, body: { error: { code: 'BAD_INPUT', message: expect.stringMatching(/not valid JSON/) } } });
    expect((await call('app.info', '{}', { 'content-type': 'text/plain' })).status).toBe(400);
    const big = await call('activity.list', { limit: 1, pad: 'x'.repeat(5000) });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'BAD_INPUT' } } });
    const bad = await call('activity.list', { limit: 0 });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_INPUT', details: { issues: [expect.objectContaining({ path: 'limit' })] } } } });
    expect(await call('cluster.nuke', {})).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_METHOD' } } });
    expect((await raw('/api/app.info', { authorization: `Bearer ${web.token}` })).status).toBe(400);
    expect(await call('environment.refresh', {})).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONNECTED' } } });
  });

  it('streams events over SSE with the token, and refuses without it', async () => {
    expect((await fetch(`${web.origin}/api/events`)).status).toBe(401);
    const ctl = new AbortController();
    const res = await fetch(`${web.origin}/api/events?token=${web.token}`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    app.bus.emit('cluster.changed', { state: 'connecting', contexts: [], permissions: [], missingPermissions: [] });
    let text = '';
    while (!text.includes('\n\n') || !text.includes('cluster.changed')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: cluster.changed\ndata: {"state":"connecting"');
    ctl.abort();
  });

  it('serves the renderer with a strict CSP; / and routes → index.html; no traversal', async () => {
    const root = await fetch(`${web.origin}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-security-policy')).toBe(CSP);
    expect(CSP).toContain("script-src 'self'");
    expect(await root.text()).toContain('<title>Lifeboat</title>');
    expect(await (await fetch(`${web.origin}/backups/nightly`)).text()).toContain('<title>Lifeboat</title>');
    const js = await fetch(`${web.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${web.origin}/assets/missing.js`)).status).toBe(404);
    expect((await raw('/..%2f..%2fetc%2fpasswd', { host: `127.0.0.1:${web.port}` })).status).toBe(403);
  });

  it('says how to build the renderer when it is missing', async () => {
    const w = await startWebServer({ handlers: app.handlers, bus: new EventBus(), staticDir: join(staticDir, 'nope') });
    const r = await fetch(`${w.origin}/`);
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/npm run build/);
    await w.close();
  });
});

describe('web mode end to end with a cluster', () => {
  it('connects through POST /api/cluster.connect and reports the status', async () => {
    const { fakeApiServer, kubeconfigYaml } = await import('../cluster/test-fixtures');
    const api = await fakeApiServer();
    const dir = mkdtempSync(join(tmpdir(), 'lb-web-kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfigYaml({ server: api.url, contexts: ['lab'] }));
    const r = await call('cluster.connect', { kubeconfigPath: file });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ state: 'connected', context: 'lab', kubernetesVersion: 'v1.36.3', missingPermissions: [] });
    expect((await call('cluster.kubeconfigs', {})).body.result).toContainEqual({ path: file, origin: 'chosen', exists: true });
    const bad = await call('cluster.useContext', { context: 'prod' });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'CONTEXT_UNKNOWN' } } });
    expect((await call('cluster.disconnect', {})).body.result.state).toBe('disconnected');
    await api.close();
  });
});
