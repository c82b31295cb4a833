/**
 * Hostile inputs through the web transport, one or more per contract area (app, cluster,
 * environment, tools/activity, setup, backups, restore, registry) plus the transport itself. Each
 * ends in error data with a code, a message and a hint; the data folder holds nothing new but the
 * journal; the server still answers afterwards.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app';
import { startWebServer, type WebServer } from '../transport/web';
import { expectAlive, expectClearError, snapshot } from './helpers';

let app: App;
let web: WebServer;
let cookie = '';
let dataDir = '';
let before: Record<string, string> = {};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lb-hostile-web-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'lb-hostile-web-static-'));
  app = createApp({ dataDir, mode: 'web', version: '0.1.0', env: { HOME: dataDir }, toolsDir: join(dataDir, 'no-tools') });
  web = await startWebServer({ handlers: app.handlers, bus: app.bus, staticDir });
  const code = new URL(web.launchUrl()).searchParams.get('code');
  const res = await fetch(`${web.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: web.origin },
    body: JSON.stringify({ code }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  before = snapshot(dataDir);
});
afterAll(async () => {
  await web.close();
  await app.dispose();
});

async function call(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${web.origin}/api/${method}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string; hint?: string }; result?: unknown } };
}

/** The call failed with `code` as clear error data, nothing but the journal changed, and the server still answers. */
async function refused(method: string, body: unknown, code: string, message?: RegExp, headers?: Record<string, string>) {
  const r = await call(method, body, headers);
  expect(r.body.ok).toBe(false);
  expect(r.status).toBeGreaterThanOrEqual(400);
  expectClearError(r.body.error, code, message);
  const now = snapshot(dataDir);
  for (const k of Object.keys(now)) if (!k.endsWith('journal.jsonl')) expect(before[k], `written: ${k}`).toBe(now[k]);
  expect((await call('app.info', {})).body.ok).toBe(true);
  await expectAlive();
  return r.body.error!;
}

describe('hostile input through the web transport', () => {
  it('transport: a body that is not JSON', async () => {
    await refused('app.info', '{"unterminated": ', 'BAD_INPUT', /not valid JSON/);
  });

  it('transport: invalid UTF-8 and NUL bytes in the body', async () => {
    await refused('cluster.useContext', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x22, 0x3a, 0x31, 0x7d]), 'BAD_INPUT');
  });

  it('transport: a body over the limit (was: 413 with no hint)', async () => {
    await refused('backups.checkCron', JSON.stringify({ schedule: 'x'.repeat(2 * 1024 * 1024) }), 'BAD_INPUT', /larger than/);
  });

  it('transport: the wrong Content-Type (was: BAD_INPUT with no hint)', async () => {
    await refused('app.info', '{}', 'BAD_INPUT', /must be JSON/, { 'content-type': 'text/plain' });
  });

  it('transport: method names from Object.prototype (__proto__, constructor, toString)', async () => {
    for (const m of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) await refused(m, {}, 'UNKNOWN_METHOD');
  });

  it('app: a "__proto__" key in the input does not pollute objects and is refused', async () => {
    await refused('app.info', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', 'BAD_INPUT');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('app: a JSON array or a bare string as the input', async () => {
    await refused('app.info', '[1,2,3]', 'BAD_INPUT');
    await refused('app.info', '"hello"', 'BAD_INPUT');
  });

  it('cluster: connect to a kubeconfig path that is /dev/zero ends in a clear error state, not a hang', async () => {
    const r = await call('cluster.connect', { kubeconfigPath: '/dev/zero' });
    const st = (r.body.ok ? r.body.result : r.body.error) as { state?: string; error?: unknown };
    expect(st.state).toBe('error');
    expectClearError(st.error, 'KUBECONFIG_INVALID', /not a regular file/);
    expect((await call('app.info', {})).body.ok).toBe(true);
  });

  it('cluster: a 100,000-character context name', async () => {
    await refused('cluster.useContext', { context: 'c'.repeat(100_000) }, 'BAD_INPUT');
  });

  it('environment: refresh with nothing connected', async () => {
    await call('cluster.disconnect', {});
    await refused('environment.refresh', {}, 'NOT_CONNECTED');
  });

  it('activity: a negative limit and a run id of 10,000 characters', async () => {
    await refused('activity.list', { limit: -5 }, 'BAD_INPUT');
    await refused('activity.output', { runId: 'r'.repeat(10_000) }, 'BAD_INPUT');
  });

  it('setup: an unknown provider, and a CA "certificate" of 100 KB', async () => {
    await refused('setup.validateDestination', { destination: { provider: 'ftp', host: 'x' } }, 'BAD_INPUT');
    await refused(
      'setup.validateDestination',
      { destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'https://x', caCertPem: 'A'.repeat(100_000) } },
      'BAD_INPUT',
    );
  });

  it('setup: jumping to apply without the earlier steps', async () => {
    await refused('setup.apply', {}, 'WIZARD_OUT_OF_ORDER');
  });

  it('backups: a backup name with path traversal, and a log page of NaN', async () => {
    await refused('backups.detail', { name: '../../../etc/passwd' }, 'BAD_INPUT');
    await refused('backups.log', '{"name":"b1","offset":-1,"limit":1e309}', 'BAD_INPUT');
  });

  it('backups: a delete whose confirmation does not match, with nothing connected', async () => {
    const e = await call('backups.delete', { name: 'instance-abc', confirm: 'instance-abd' });
    expect(e.body.ok).toBe(false);
    expectClearError(e.body.error, e.body.error!.code);
  });

  it('restore: a backup name with a newline and shell characters', async () => {
    await refused('restore.selectBackup', { backup: 'b1\n; rm -rf /' }, 'BAD_INPUT');
  });

  it('restore: start without a backup chosen', async () => {
    await refused('restore.start', { confirm: 'anything' }, 'WIZARD_OUT_OF_ORDER');
  });

  it('registry: an export to a relative path, and a re-seed from /dev/zero', async () => {
    const c = await call('registry.checkDestination', { dest: 'relative/dir' });
    expect(c.body.result).toMatchObject({ ok: false, reason: expect.stringMatching(/not an absolute path/), fix: expect.any(String) });
    const r = await call('restore.registryPlan', { source: '/dev/zero' });
    expect(r.body.ok).toBe(false);
    expectClearError(r.body.error, r.body.error!.code);
    expect((await call('app.info', {})).body.ok).toBe(true);
  });
});
