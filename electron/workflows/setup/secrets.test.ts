import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretKeeper, WEB_MODE_NOTE } from './secrets.js';

const fakeSafe = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(s, 'utf8').map((b) => b ^ 0x5a) as Buffer,
  decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
};

describe('SecretKeeper', () => {
  it('web mode: memory only, remember not offered (with the reason)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
    const k = new SecretKeeper(dir);
    k.setDestination({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' }, true);
    expect(k.summary()).toMatchObject({ held: true, remembered: false, rememberAvailable: false, rememberNote: WEB_MODE_NOTE });
    expect(existsSync(join(dir, 'setup', 'secrets.enc'))).toBe(false);
    expect(k.values()).toEqual(['AKID', 'SECRET']);
    expect(new SecretKeeper(dir).summary().held).toBe(false);
  });

  it('Electron safeStorage: remembered encrypted, read back by the next start, forgotten on request', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
    const k = new SecretKeeper(dir, fakeSafe);
    k.setDestination({ secretAccessKey: 'SECRET' }, true);
    const file = join(dir, 'setup', 'secrets.enc');
    expect(readFileSync(file).toString('utf8')).not.toContain('SECRET');
    const again = new SecretKeeper(dir, fakeSafe);
    expect(again.getDestination()).toEqual({ secretAccessKey: 'SECRET' });
    expect(again.summary().remembered).toBe(true);
    again.forget();
    expect(existsSync(file)).toBe(false);
  });
});
