/**
 * Where the client sends Basic credentials in the Bearer-token flow: only to a token realm on the
 * registry's own host (or one the operator allowed), over https unless the registry itself is plain
 * http by the operator's choice. Two in-process fakes: a registry that challenges with a chosen
 * realm, and a token service that records every Authorization header it receives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from './client.js';

const TOKEN = 'tok-realm';
let realm = '';
let registry: http.Server;
let tokenService: http.Server;
let regPort = 0;
let tokPort = 0;
const seenAuth: Array<string | undefined> = [];

beforeAll(async () => {
  tokenService = http.createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: TOKEN, expires_in: 300 }));
  });
  registry = http.createServer((req, res) => {
    if (new URL(req.url!, 'http://x').pathname === '/token') {
      seenAuth.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ token: TOKEN, expires_in: 300 }));
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake"` });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => tokenService.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
  tokPort = (tokenService.address() as AddressInfo).port;
  regPort = (registry.address() as AddressInfo).port;
});
afterAll(() => {
  registry.close();
  tokenService.close();
});

const client = (extra: { tokenRealmHosts?: string[] } = {}) =>
  new RegistryClient({ registry: `http://127.0.0.1:${regPort}`, username: 'u', password: 'secret', retries: 0, ...extra });

describe('Basic credentials in the token flow go only where the operator allowed', () => {
  it('a realm on another host (another port of the same machine too) gets nothing, with an error saying what to do', async () => {
    for (const r of [`http://localhost:${tokPort}/token`, `http://127.0.0.1:${tokPort}/token`]) {
      realm = r;
      seenAuth.length = 0;
      const c = client();
      const err = await c.ping().then(
        () => null,
        (e: unknown) => e,
      );
      c.close();
      expect(seenAuth, `credentials were sent to ${r}`).toEqual([]);
      expect(err).toMatchObject({ code: 'REGISTRY_AUTH_FAILED', message: expect.stringContaining(new URL(r).host) });
      expect((err as { hint?: string }).hint).toMatch(/token service|realm/i);
    }
  });

  it('a realm host the operator allowed gets them (plain http only because the registry is plain http by choice)', async () => {
    realm = `http://127.0.0.1:${tokPort}/token`;
    seenAuth.length = 0;
    const c = client({ tokenRealmHosts: [`127.0.0.1:${tokPort}`] });
    await c.ping();
    c.close();
    expect(seenAuth).toEqual([`Basic ${Buffer.from('u:secret').toString('base64')}`]);
  });

  it("the registry's own host and scheme gets them", async () => {
    realm = `http://127.0.0.1:${regPort}/token`;
    seenAuth.length = 0;
    const c = client();
    await c.ping();
    c.close();
    expect(seenAuth).toEqual([`Basic ${Buffer.from('u:secret').toString('base64')}`]);
  });
});
