import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app';
import { EventBus } from '../events';
import { EVENT_SEQ_HEADER, STREAM_OPENED_EVENT } from './protocol';
import { CSP, startWebServer, type WebServer } from './web';

let app: App;
let web: WebServer;
let staticDir: string;
let clock = 1_000_000;
/** The session cookie as a browser would send it back, from a code exchange in beforeAll. */
let cookie = '';

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-web-data-'));
  staticDir = mkdtempSync(join(tmpdir(), 'lb-web-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Lifeboat</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  app = createApp({ dataDir, mode: 'web', version: '0.1.0', env: { HOME: dataDir }, toolsDir: join(dataDir, 'no-tools') });
  web = await startWebServer({ handlers: app.handlers, bus: app.bus, staticDir, maxBodyBytes: 1024, now: () => clock });
  cookie = cookiePair(await exchange(codeOf(web.launchUrl())));
});
afterAll(async () => {
  await web.close();
  await app.dispose();
});

async function call(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${web.origin}/api/${method}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const codeOf = (url: string) => new URL(url).searchParams.get('code') ?? '';

/** POST /api/session as the page does: trades a launch code for the session cookie. */
function exchange(code: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${web.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: web.origin, ...headers },
    body: JSON.stringify(code === undefined ? {} : { code }),
  });
}

/** `name=value` of the Set-Cookie in a reply. */
function cookiePair(res: Response): string {
  expect(res.status).toBe(200);
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}

/** Raw request, for headers fetch will not let us set (Host, Origin on GET, Sec-Fetch-*). */
function raw(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web transport', () => {
  it('listens on 127.0.0.1; the URL it opens carries a launch code, never the session token', () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.token).toMatch(/^[0-9a-f]{64}$/);
    const open = new URL(web.openUrl);
    expect(open.origin).toBe(web.origin);
    expect(open.pathname).toBe('/');
    expect(open.hash).toBe('');
    expect([...open.searchParams.keys()]).toEqual(['code']);
    expect(codeOf(web.openUrl)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(web.openUrl).not.toContain(web.token);
    expect(web.url).toBe(`${web.origin}/`);
    // every link is a new code
    const a = web.launchUrl();
    const b = web.launchUrl();
    expect(codeOf(a)).not.toBe(codeOf(b));
    expect(a).not.toContain(web.token);
  });

  it('a launch code is traded once for an HttpOnly, SameSite=Strict session cookie; the second use is 401', async () => {
    const code = codeOf(web.launchUrl());
    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, result: { signedIn: true } });
    const set = first.headers.get('set-cookie')!;
    expect(set).toMatch(new RegExp(`^lifeboat_${web.port}=${web.token}; `));
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\//);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const again = await exchange(code);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as any).error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'This link was already used or has expired.',
      hint: "Start Lifeboat's web mode again, or use the new link it prints.",
    });
  });

  it('an expired or wrong code is 401; a malformed exchange is BAD_INPUT; other origins are refused', async () => {
    const late = codeOf(web.launchUrl());
    clock += 120_000; // two minutes
    expect((await exchange(late)).status).toBe(401);
    const inTime = codeOf(web.launchUrl());
    clock += 119_000;
    expect((await exchange(inTime)).status).toBe(200);
    expect((await exchange('x'.repeat(32))).status).toBe(401);
    expect((await exchange(web.token)).status).toBe(401); // the session token is not a launch code
    expect((await exchange(42)).status).toBe(400);
    const extra = await fetch(`${web.origin}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'a', token: 'b' }),
    });
    expect(extra.status).toBe(400);
    const big = await fetch(`${web.origin}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(4000) }),
    });
    expect(big.status).toBe(413);
    const form = await fetch(`${web.origin}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ code: codeOf(web.launchUrl()) }),
    });
    expect(form.status).toBe(400);
    const code = codeOf(web.launchUrl());
    expect((await exchange(code, { origin: `http://127.0.0.1:${web.port + 1}` })).status).toBe(403);
    expect((await exchange(code, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await raw('/api/session', { host: 'evil.example' }, 'POST')).status).toBe(403);
    // a refused exchange does not spend the code
    expect((await exchange(code)).status).toBe(200);
  });

  it('POST /api/session without a code says whether the cookie is a session', async () => {
    expect((await exchange(undefined, { cookie })).status).toBe(200);
    const none = await exchange(undefined);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringMatching(/link/) });
    expect((await exchange(undefined, { cookie: `lifeboat_${web.port}=${'0'.repeat(64)}` })).status).toBe(401);
  });

  it('tells the launcher when a sign-in is refused, so it can print a new link', async () => {
    let refused = 0;
    const w = await startWebServer({ handlers: app.handlers, bus: new EventBus(), onSignInRefused: () => refused++ });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${w.origin}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const code = codeOf(w.openUrl);
    expect((await post({ code })).status).toBe(200);
    expect(refused).toBe(0);
    expect((await post({ code })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(refused).toBe(2);
    await w.close();
  });

  it('mints a new single-use link for a holder of the session (test harnesses open one per page)', async () => {
    const none = await fetch(`${web.origin}/api/session/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    const res = await fetch(`${web.origin}/api/session/link`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.result.url).toMatch(new RegExp(`^${web.origin}/\\?code=[A-Za-z0-9_-]{32}$`));
    expect(body.result.url).not.toContain(web.token);
    expect((await exchange(codeOf(body.result.url))).status).toBe(200);
    expect((await exchange(codeOf(body.result.url))).status).toBe(401);
  });

  it('calls methods with the session cookie', async () => {
    const r = await call('app.info', {});
    expect(r).toMatchObject({ status: 200, body: { ok: true, result: { mode: 'web', version: '0.1.0' } } });
    expect((await call('cluster.status', {})).body.result.state).toBe('disconnected');
    const tools = await call('tools.list', {});
    expect(tools.body.result.map((t: any) => t.status)).toEqual(['missing', 'missing']);
  });

  it('refuses a request without the session, with a wrong one, or with the token anywhere but the cookie', async () => {
    const none = await fetch(`${web.origin}/api/app.info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringMatching(/link/) });
    expect((await call('app.info', {}, { cookie: `lifeboat_${web.port}=wrong` })).status).toBe(401);
    expect((await call('app.info', {}, { cookie: `lifeboat_${web.port + 1}=${web.token}` })).status).toBe(401);
    expect((await call('app.info', {}, { cookie: '', authorization: `Bearer ${web.token}` })).status).toBe(401);
    expect((await call('app.info', {}, { cookie: `other=1; ${cookie}; more=2` })).status).toBe(200);
    // a request another page on 127.0.0.1 (same site, other port) starts carries the cookie but is refused
    expect((await call('app.info', {}, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await call('app.info', {}, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('refuses other origins and foreign Host headers', async () => {
    const r = await call('app.info', {}, { origin: 'http://evil.example' });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_ORIGIN' } } });
    expect((await call('app.info', {}, { origin: `http://localhost:${web.port}` })).status).toBe(403);
    expect((await call('app.info', {}, { origin: web.origin })).status).toBe(200);
    expect((await raw('/', { host: 'evil.example' })).status).toBe(403);
  });

  it('bad bodies are BAD_INPUT: not JSON, wrong type, too large, schema mismatch; unknown methods 404', async () => {
    expect(await call('app.info', '{nope')).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_INPUT', message: expect.stringMatching(/not valid JSON/) } },
    });
    expect((await call('app.info', '{}', { 'content-type': 'text/plain' })).status).toBe(400);
    const big = await call('activity.list', { limit: 1, pad: 'x'.repeat(5000) });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'BAD_INPUT' } } });
    const bad = await call('activity.list', { limit: 0 });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_INPUT', details: { issues: [expect.objectContaining({ path: 'limit' })] } } } });
    expect(await call('cluster.nuke', {})).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_METHOD' } } });
    expect((await raw('/api/app.info', { cookie })).status).toBe(400);
    expect(await call('environment.refresh', {})).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONNECTED' } } });
  });

  it('streams events over SSE with the session cookie, and refuses without it (or with the token in the URL)', async () => {
    expect((await fetch(`${web.origin}/api/events`)).status).toBe(401);
    expect((await fetch(`${web.origin}/api/events?token=${web.token}`)).status).toBe(401);
    expect((await raw('/api/events', { cookie, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    const ctl = new AbortController();
    const res = await fetch(`${web.origin}/api/events`, { headers: { cookie }, signal: ctl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    app.bus.emit('cluster.changed', { state: 'connecting', contexts: [], permissions: [], missingPermissions: [] });
    let text = '';
    while (!text.includes('\n\n') || !text.includes('cluster.changed')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: cluster.changed\ndata: {"state":"connecting"');
    ctl.abort();
  });

  it('says how many events the bus had published: each reply when its request came, the stream first thing', async () => {
    const count = () => app.bus.published;
    const before = count();
    const post = await fetch(`${web.origin}/api/app.info`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(post.headers.get(EVENT_SEQ_HEADER)).toBe(String(before));
    app.bus.emit('cluster.changed', { state: 'connecting', contexts: [], permissions: [], missingPermissions: [] });
    expect(count()).toBe(before + 1);
    const bad = await fetch(`${web.origin}/api/backups.detail`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(400); // an error reply is a read too
    expect(bad.headers.get(EVENT_SEQ_HEADER)).toBe(String(before + 1));
    const get = await raw('/api/backups.rows', { host: `127.0.0.1:${web.port}`, cookie, 'sec-fetch-site': 'same-origin' });
    expect(get.headers[EVENT_SEQ_HEADER]).toBe(String(before + 1));

    const ctl = new AbortController();
    const res = await fetch(`${web.origin}/api/events`, { headers: { cookie }, signal: ctl.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(STREAM_OPENED_EVENT) || !text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain(`event: ${STREAM_OPENED_EVENT}\ndata: {"seq":${before + 1}}\n\n`);
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

  it('opening a launch link trades its code: a 303 to the same address without it, with the session cookie', async () => {
    const code = codeOf(web.launchUrl());
    const host = `127.0.0.1:${web.port}`;
    const r = await raw(`/?code=${code}&lang=en`, { host, 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?lang=en'); // the browser keeps the #/route itself
    expect(r.headers['cache-control']).toBe('no-store');
    const set = String(r.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toContain(code);
    const pair = set.split(';')[0]!;
    expect((await exchange(undefined, { cookie: pair })).status).toBe(200); // that cookie is a session
    // Used: the page is served as it is (no cookie), and posting the code says why it is refused.
    const again = await raw(`/?code=${code}`, { host, 'sec-fetch-mode': 'navigate' });
    expect(again.status).toBe(200);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('<title>Lifeboat</title>');
    expect((await exchange(code)).status).toBe(401);
  });

  it('a HEAD, a prefetch or a subresource request leaves the code unused', async () => {
    const code = codeOf(web.launchUrl());
    const host = `127.0.0.1:${web.port}`;
    for (const [method, headers] of [
      ['HEAD', {}],
      ['GET', { 'sec-fetch-mode': 'no-cors' }],
      ['GET', { 'sec-fetch-mode': 'navigate', 'sec-purpose': 'prefetch' }],
      ['GET', { purpose: 'prefetch' }],
    ] as const) {
      const r = await raw(`/?code=${code}`, { host, ...headers }, method);
      expect(r.status, `${method} ${JSON.stringify(headers)}`).toBe(200);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    expect((await exchange(code)).status).toBe(200);
  });

  it('GET /api/backups.rows answers only the signed-in page itself (Sec-Fetch-Site: same-origin); other methods are POST only', async () => {
    const host = `127.0.0.1:${web.port}`;
    const own = { host, cookie, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' };
    const ok = await raw('/api/backups.rows', own);
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { v: 1, rows: [] } });
    // No Sec-Fetch-Site (it cannot be told from a page elsewhere), another site's, or no cookie: refused.
    const { ['sec-fetch-site']: _, ...noSite } = own;
    expect((await raw('/api/backups.rows', noSite)).status).toBe(403);
    expect((await raw('/api/backups.rows', { ...own, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    const { cookie: __, ...signedOut } = own;
    expect(JSON.parse((await raw('/api/backups.rows', signedOut)).body).error.code).toBe('UNAUTHORIZED');
    const other = await raw('/api/backups.list', own);
    expect(other.status).toBe(400);
    expect(JSON.parse(other.body).error.message).toMatch(/Use POST/);
  });

  it("index.html preloads the rows for a signed-in page only, inside the document's head", async () => {
    const link = '<link rel="preload" as="fetch" crossorigin href="/api/backups.rows">';
    const signedIn = await (await fetch(`${web.origin}/`, { headers: { cookie } })).text();
    expect(signedIn).toContain(link);
    expect(signedIn.startsWith('<!doctype html>')).toBe(true); // nothing before the doctype
    expect(await (await fetch(`${web.origin}/`)).text()).not.toContain('preload');
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
