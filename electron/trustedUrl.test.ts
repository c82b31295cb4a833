import { describe, expect, it } from 'vitest';
import { trustedUrlCheck } from './trustedUrl';

describe('trusted renderer URLs', () => {
  it('trusts only the exact dev-server origin, never one that merely starts like it', () => {
    const trusted = trustedUrlCheck({ appOrigin: 'app://lifeboat', devServer: 'http://localhost:5173', packaged: false });
    expect(trusted('http://localhost:5173/')).toBe(true);
    expect(trusted('http://localhost:5173/#/backups')).toBe(true);
    expect(trusted('http://localhost:51730/')).toBe(false);
    expect(trusted('http://localhost:5173.evil.example/')).toBe(false);
    expect(trusted('http://localhost:5173@evil.example/')).toBe(false);
    expect(trusted('https://localhost:5173/')).toBe(false);
  });

  it('trusts the app origin exactly, and no dev server when packaged or unset', () => {
    const packaged = trustedUrlCheck({ appOrigin: 'app://lifeboat', devServer: 'http://localhost:5173', packaged: true });
    expect(packaged('app://lifeboat/index.html')).toBe(true);
    expect(packaged('app://lifeboat.evil/index.html')).toBe(false);
    expect(packaged('app://lifeboat')).toBe(false);
    expect(packaged('http://localhost:5173/')).toBe(false);
    expect(trustedUrlCheck({ appOrigin: 'app://lifeboat', packaged: false })('http://localhost:5173/')).toBe(false);
    expect(packaged('not a url')).toBe(false);
  });
});
