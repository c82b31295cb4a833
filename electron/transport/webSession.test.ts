import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cookieValues, hasSession, launchCodes } from './webSession';

const withCookie = (cookie?: string) => ({ headers: { cookie } }) as unknown as IncomingMessage;

describe('web sign-in', () => {
  it('reads every value of a cookie, whatever the spacing', () => {
    expect(cookieValues(undefined, 'a')).toEqual([]);
    expect(cookieValues('a=1; b=2;a = 3 ; ab=4', 'a')).toEqual(['1', '3']);
    expect(cookieValues('=x; a', 'a')).toEqual([]);
  });

  it('is signed in when any cookie of that name carries the secret', () => {
    expect(hasSession(withCookie('lb=wrong; lb=secret'), 'lb', 'secret')).toBe(true);
    expect(hasSession(withCookie('lb=wrong'), 'lb', 'secret')).toBe(false);
    expect(hasSession(withCookie('other=secret'), 'lb', 'secret')).toBe(false);
    expect(hasSession(withCookie('lb='), 'lb', 'secret')).toBe(false);
    expect(hasSession(withCookie(), 'lb', 'secret')).toBe(false);
  });

  it('redeems a launch code once, within its TTL', () => {
    let clock = 1000;
    const codes = launchCodes(100, () => clock);
    const a = codes.mint();
    const b = codes.mint();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.toBe(b);
    expect(codes.redeem(a)).toBe(true);
    expect(codes.redeem(a)).toBe(false);
    expect(codes.redeem('unknown')).toBe(false);
    clock += 100;
    expect(codes.redeem(b)).toBe(false);
  });

  it('keeps at most 64 live codes, dropping the oldest', () => {
    const codes = launchCodes(1000, () => 0);
    const first = codes.mint();
    const rest = Array.from({ length: 64 }, () => codes.mint());
    expect(codes.redeem(first)).toBe(false);
    expect(rest.every((c) => codes.redeem(c))).toBe(true);
  });
});
