import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app';
import { startWebServer, type WebServer } from './web';

let app: App;
let web: WebServer;
let cookie = '';

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-web-limits-'));
  app = createApp({ dataDir, mode: 'web', version: '0.1.0', env: { HOME: dataDir }, toolsDir: join(dataDir, 'no-tools') });
  web = await startWebServer({ handlers: app.handlers, bus: app.bus, maxBodyBytes: 1024 });
  const code = new URL(web.launchUrl()).searchParams.get('code');
  const res = await fetch(`${web.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: web.origin },
    body: JSON.stringify({ code }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
});
afterAll(async () => {
  await web.close();
  await app.dispose();
});

/** POST with a chunked body (no Content-Length), written a piece at a time like a streaming client. */
function postChunked(path: string, pieces: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: web.port, path, method: 'POST', headers: { cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    let i = 0;
    const next = () => {
      if (i < pieces.length) req.write(pieces[i++], () => setTimeout(next, 5));
      else req.end();
    };
    next();
  });
}

describe('web transport limits', () => {
  it('a chunked body over the cap gets 413 with a JSON error, not a reset connection', async () => {
    const r = await postChunked('/api/activity.list', ['{"limit":1,"pad":"', ...Array.from({ length: 6 }, () => 'x'.repeat(400)), '"}']);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/larger than 1024 bytes/) } });
  });

  it('a chunked body under the cap still works', async () => {
    const r = await postChunked('/api/activity.list', ['{"limit"', ':1}']);
    expect(r.status).toBe(200);
  });

  it('a malformed %-escape in a method name is 400 BAD_INPUT, not 500', async () => {
    const res = await fetch(`${web.origin}/api/app%ZZinfo`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/method name/) } });
  });
});
