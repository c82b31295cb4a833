import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RegistryAuth, parseChallenge, pullScope, pushScope } from './auth.js';

const base = new URL('https://reg.example:5000');
const answer = (status: number, body: string) => Object.assign(Readable.from([Buffer.from(body)]), { statusCode: status }) as unknown as IncomingMessage;

function auth(opts: { username?: string; password?: string; tokenRealmHosts?: string[]; reply?: () => IncomingMessage } = {}) {
  const calls: Array<{ url: URL; headers: OutgoingHttpHeaders }> = [];
  const a = new RegistryAuth({
    base,
    username: opts.username,
    password: opts.password,
    tokenRealmHosts: opts.tokenRealmHosts,
    get: async (url, headers) => {
      calls.push({ url, headers });
      return (opts.reply ?? (() => answer(200, '{"token":"t1","expires_in":300}')))();
    },
  });
  return { a, calls };
}
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('challenges and scopes', () => {
  it('parses quoted, escaped and bare parameters; unknown schemes are "other"', () => {
    expect(parseChallenge('Bearer realm="https://a/token",service=reg,scope="repository:x:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://a/token', service: 'reg', scope: 'repository:x:pull' },
    });
    expect(parseChallenge('Basic realm="say \\"hi\\""')).toEqual({ scheme: 'basic', params: { realm: 'say "hi"' } });
    expect(parseChallenge('Negotiate')?.scheme).toBe('other');
    expect(parseChallenge('')).toBeNull();
    expect(pullScope('a/b')).toBe('repository:a/b:pull');
    expect(pushScope('a/b')).toBe('repository:a/b:pull,push');
  });
});

describe('RegistryAuth', () => {
  it('sends nothing until challenged; Basic after a Basic challenge; refuses Basic without a user', async () => {
    const { a } = auth({ username: 'u', password: 'p' });
    expect(a.authorization([])).toBeUndefined();
    await a.challenged('Basic realm="r"', Buffer.alloc(0), [], false);
    expect(a.authorization(['anything'])).toBe(basic('u', 'p'));
    const anon = auth().a;
    await expect(anon.challenged('Basic realm="r"', Buffer.alloc(0), [], false)).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('(none were given)'),
    });
  });

  it('a second challenge for the same request, or none at all, is an auth failure with the registry text', async () => {
    const { a } = auth({ username: 'u' });
    await expect(a.challenged('Basic realm="r"', Buffer.from('{"errors":[{"message":"bad password"}]}'), [], true)).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('bad password'),
    });
    await expect(a.challenged(undefined, Buffer.alloc(0), [], false)).rejects.toMatchObject({ message: expect.stringContaining('unauthorized') });
    await expect(a.challenged('Negotiate x', Buffer.alloc(0), [], false)).rejects.toMatchObject({
      message: expect.stringContaining('unsupported authentication scheme'),
    });
  });

  it('Bearer: fetches a token for the scopes (service, scope, account, Basic) and uses it for the same scopes only', async () => {
    const { a, calls } = auth({ username: 'u', password: 'p' });
    await a.challenged(`Bearer realm="https://reg.example:5000/token",service="svc",scope="repository:x:pull"`, Buffer.alloc(0), [pushScope('y')], false);
    expect(calls).toHaveLength(1);
    const u = calls[0]!.url;
    expect(u.searchParams.get('service')).toBe('svc');
    expect(u.searchParams.getAll('scope')).toEqual(['repository:y:pull,push', 'repository:x:pull']);
    expect(u.searchParams.get('account')).toBe('u');
    expect(calls[0]!.headers.authorization).toBe(basic('u', 'p'));
    expect(a.authorization([pushScope('y')])).toBe('Bearer t1');
    expect(a.authorization([pullScope('other')])).toBeUndefined();
  });

  it('never sends the credentials to a token service on another host unless allowed', async () => {
    const challenge = 'Bearer realm="https://auth.elsewhere/token",service="svc"';
    const refused = auth({ username: 'u', password: 'p' });
    await expect(refused.a.challenged(challenge, Buffer.alloc(0), [], false)).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('https://auth.elsewhere'),
    });
    expect(refused.calls).toEqual([]);
    const allowed = auth({ username: 'u', password: 'p', tokenRealmHosts: ['auth.elsewhere'] });
    await allowed.a.challenged(challenge, Buffer.alloc(0), [], false);
    expect(allowed.calls).toHaveLength(1);
  });

  it('maps what the token service answers: 401, other statuses, not JSON, no token', async () => {
    const challenge = 'Bearer realm="/token"';
    const cases: Array<[IncomingMessage, string, string]> = [
      [answer(401, 'nope'), 'REGISTRY_AUTH_FAILED', 'the token service said 401 nope'],
      [answer(500, 'down'), 'REGISTRY_FAILED', 'answered 500: down'],
      [answer(200, 'not json'), 'REGISTRY_FAILED', 'something other than JSON'],
      [answer(200, '{}'), 'REGISTRY_FAILED', 'sent no token'],
    ];
    for (const [res, code, message] of cases) {
      const { a } = auth({ username: 'u', password: 'p', reply: () => res });
      await expect(a.challenged(challenge, Buffer.alloc(0), [], false)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
    }
    const access = auth({ username: 'u', password: 'p', reply: () => answer(200, '{"access_token":"t2"}') }).a;
    await access.challenged(challenge, Buffer.alloc(0), ['s'], false);
    expect(access.authorization(['s'])).toBe('Bearer t2');
  });
});
