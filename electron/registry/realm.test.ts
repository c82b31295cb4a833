import { describe, expect, it } from 'vitest';
import { tokenRealmRefusal } from './realm.js';

const reg = (s: string) => new URL(s);
const withCreds = { withCredentials: true };

describe('tokenRealmRefusal', () => {
  it('https registry: an https realm on its own host is fine, default port or not', () => {
    expect(tokenRealmRefusal(reg('https://r.example'), new URL('https://r.example/token'), withCreds)).toBeNull();
    expect(tokenRealmRefusal(reg('https://r.example:5000'), new URL('https://R.EXAMPLE:5000/auth'), withCreds)).toBeNull();
  });

  it('https registry: never a plain http realm, not even on its own host, with or without credentials', () => {
    const r = tokenRealmRefusal(reg('https://r.example:5000'), new URL('http://r.example:5000/token'), withCreds);
    expect(r?.reason).toMatch(/plain http/);
    expect(r?.fix).toMatch(/https/);
    expect(tokenRealmRefusal(reg('https://r.example'), new URL('http://r.example/token'), { withCredentials: false })).not.toBeNull();
  });

  it('another host (or port) only when the operator allowed it', () => {
    const r = tokenRealmRefusal(reg('https://r.example'), new URL('https://auth.example/token'), withCreds);
    expect(r?.reason).toContain('auth.example');
    expect(r?.fix).toMatch(/allow that host/);
    expect(tokenRealmRefusal(reg('https://r.example'), new URL('https://r.example:8443/token'), withCreds)).not.toBeNull();
    expect(
      tokenRealmRefusal(reg('https://r.example'), new URL('https://auth.example/token'), { withCredentials: true, allowedHosts: ['auth.example'] }),
    ).toBeNull();
    expect(
      tokenRealmRefusal(reg('https://r.example'), new URL('https://auth.example:8443/token'), { withCredentials: true, allowedHosts: ['auth.example'] }),
    ).not.toBeNull();
    // Nothing secret without credentials: an anonymous token from another https host is fine.
    expect(tokenRealmRefusal(reg('https://r.example'), new URL('https://auth.example/token'), { withCredentials: false })).toBeNull();
  });

  it('plain http realm only for a plain-http registry (the operator chose http), on its host or an allowed one', () => {
    expect(tokenRealmRefusal(reg('http://10.0.0.5:5000'), new URL('http://10.0.0.5:5000/token'), withCreds)).toBeNull();
    expect(tokenRealmRefusal(reg('http://10.0.0.5:5000'), new URL('http://10.0.0.6:5000/token'), withCreds)).not.toBeNull();
    expect(
      tokenRealmRefusal(reg('http://10.0.0.5:5000'), new URL('http://10.0.0.6:5000/token'), { withCredentials: true, allowedHosts: ['10.0.0.6:5000'] }),
    ).toBeNull();
    expect(tokenRealmRefusal(reg('http://10.0.0.5:5000'), new URL('ftp://10.0.0.5/token'), withCreds)).not.toBeNull();
  });
});
