import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cancelled, readAll, registryErrorText, sleep, unreachableError } from './errors.js';

const url = new URL('https://reg.example:5000');
const err = (code: string, message = 'boom') => Object.assign(new Error(message), { code }) as NodeJS.ErrnoException;

describe('unreachableError', () => {
  it('names the host and cause, with a fix per kind of failure', () => {
    const cases: Array<[NodeJS.ErrnoException, RegExp, RegExp]> = [
      [err('ECONNREFUSED'), /connection refused/, /registry is running/],
      [err('ENOTFOUND'), /"reg.example" does not resolve \(ENOTFOUND\)/, /IP address/],
      [err('SELF_SIGNED_CERT_IN_CHAIN'), /unknown authority/, /CA certificate/],
      [err('CERT_HAS_EXPIRED'), /expired/, /Renew/],
      [err('ERR_TLS_CERT_ALTNAME_INVALID'), /not valid for "reg.example"/, /subject alternative names/],
      [err('', 'SSL routines:ssl3_get_record:wrong version number'), /TLS handshake failed/, /http:\/\/reg.example:5000/],
      [err('ETIMEDOUT'), /stopped answering/, /network path/],
      [err('ECONNRESET', 'socket hang up'), /Lost the connection.*socket hang up \(ECONNRESET\)/, /resumes/],
    ];
    for (const [e, message, hint] of cases) {
      const le = unreachableError(e, url);
      expect(le.code).toBe('REGISTRY_UNREACHABLE');
      expect(le.message).toMatch(message);
      expect(le.message).toContain('reg.example:5000');
      expect(le.hint).toMatch(hint);
      expect(le.details).toEqual({ host: 'reg.example:5000', cause: e.code || e.message });
    }
  });
});

describe('body helpers', () => {
  it("reads the registry's own error text, else the body's start", () => {
    expect(registryErrorText(Buffer.from('{"errors":[{"code":"DENIED","message":"no"},{"message":"again"}]}'))).toBe('DENIED: no; again');
    expect(registryErrorText(Buffer.from('  plain text  '))).toBe('plain text');
    expect(registryErrorText(Buffer.from('x'.repeat(500)))).toHaveLength(300);
  });

  it('reads a small body whole and refuses one over the limit', async () => {
    expect((await readAll(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4)).toString()).toBe('abcd');
    await expect(readAll(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 4)).rejects.toMatchObject({
      code: 'REGISTRY_FAILED',
      message: expect.stringContaining('4 bytes'),
    });
  });

  it('sleep rejects with CANCELLED when aborted, before or during', async () => {
    expect(cancelled().code).toBe('CANCELLED');
    const a = new AbortController();
    a.abort();
    await expect(sleep(10, a.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    const b = new AbortController();
    const p = sleep(10_000, b.signal);
    b.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
