import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { FUSES, executablePath } = require('./fuses.cjs');
const { FuseV1Options } = require('@electron/fuses');

describe('fuses afterPack hook', () => {
  it('turns off RunAsNode, NODE_OPTIONS and inspect; asar only; cookie encryption on', () => {
    expect(FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true);
  });
  it('finds the packaged executable per platform', () => {
    const ctx = (p: string) => ({
      appOutDir: '/out',
      electronPlatformName: p,
      packager: { appInfo: { productFilename: 'Lifeboat' }, executableName: 'lifeboat' },
    });
    expect(executablePath(ctx('linux'))).toBe('/out/lifeboat');
    expect(executablePath(ctx('win32'))).toBe('/out/Lifeboat.exe');
    expect(executablePath(ctx('darwin'))).toBe('/out/Lifeboat.app');
  });
});
