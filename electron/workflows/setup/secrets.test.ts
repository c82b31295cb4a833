import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretKeeper, WEB_MODE_NOTE, keychainUsable } from './secrets.js';
import { SetupStore } from './state.js';

/** Every file under dir, recursively, as text. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f).toString('latin1'));
}

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

  it('never clear text on disk: the data directory holds no secret, only the sealed file (0600)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
    const k = new SecretKeeper(dir, fakeSafe);
    const json = JSON.stringify({
      type: 'service_account',
      client_email: 'v@p.iam.gserviceaccount.com',
      private_key: '-----BEGIN PRIVATE KEY-----\nMIIBOGUS\n-----END PRIVATE KEY-----\n',
    });
    k.setDestination({ serviceAccountJson: json, clientSecret: 'AZ-CLIENT-SECRET' }, true);
    new SetupStore(dir).save({ step: 'review', veleroNamespace: 'velero', credentials: k.summary(), updatedAt: '' });
    const text = allFiles(dir).join('\n');
    for (const needle of ['AZ-CLIENT-SECRET', 'MIIBOGUS', 'PRIVATE KEY']) expect(text).not.toContain(needle);
    expect(statSync(join(dir, 'setup', 'secrets.enc')).mode & 0o777).toBe(0o600);
    // Not remembering removes the sealed file.
    k.setDestination({ clientSecret: 'AZ-CLIENT-SECRET' }, false);
    expect(existsSync(join(dir, 'setup', 'secrets.enc'))).toBe(false);
  });

  it('a keychain that cannot really encrypt is not used: disabled with the reason, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
    const basicText = { ...fakeSafe, getSelectedStorageBackend: () => 'basic_text' };
    expect(keychainUsable(basicText, 'linux')).toMatchObject({ ok: false });
    expect(keychainUsable(basicText, 'darwin')).toMatchObject({ ok: true });
    expect(keychainUsable({ ...fakeSafe, getSelectedStorageBackend: () => 'gnome_libsecret' }, 'linux')).toMatchObject({ ok: true });
    const unavailable = { ...fakeSafe, isEncryptionAvailable: () => false };
    for (const safe of process.platform === 'linux' ? [basicText, unavailable] : [unavailable]) {
      const k = new SecretKeeper(dir, safe);
      k.setDestination({ clientSecret: 'SECRET' }, true);
      expect(k.summary()).toMatchObject({ held: true, remembered: false, rememberAvailable: false });
      expect(k.summary().rememberNote).toMatch(/^Not offered: .*memory only/);
      expect(existsSync(join(dir, 'setup', 'secrets.enc'))).toBe(false);
    }
  });

  it('a keychain that throws while sealing: kept in memory, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
    const k = new SecretKeeper(dir, {
      ...fakeSafe,
      encryptString: () => {
        throw new Error('keychain locked');
      },
    });
    k.setDestination({ clientSecret: 'SECRET' }, true);
    expect(k.summary()).toMatchObject({ held: true, remembered: false });
    expect(existsSync(join(dir, 'setup', 'secrets.enc'))).toBe(false);
  });
});
