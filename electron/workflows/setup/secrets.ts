/**
 * Where the setup wizard keeps the secrets the operator submits (destination keys, a registry
 * password): in this process's memory only. "Remember" encrypts the destination secrets with
 * Electron's safeStorage (the OS keychain) into the data directory; in web mode there is no
 * keychain, so remembering is not offered. Nothing here is ever sent to the renderer or logged.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SetupSecrets } from '../../api/contract.js';

interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(s: string): Buffer;
  decryptString(b: Buffer): string;
}

export const WEB_MODE_NOTE = 'Not offered in web mode: a browser session has no access to the operating system keychain, so Lifeboat keeps the credentials in memory only until it stops.';

export class SecretKeeper {
  private destination?: SetupSecrets;
  private registryPassword?: string;
  private remembered = false;
  private readonly file: string;

  constructor(dataDir: string, private readonly safe?: SafeStorage) {
    this.file = join(dataDir, 'setup', 'secrets.enc');
    if (safe && existsSync(this.file)) {
      try {
        this.destination = JSON.parse(safe.decryptString(readFileSync(this.file)));
        this.remembered = true;
      } catch {
        /* unreadable (another user/keychain): as if not remembered */
      }
    }
  }

  /** Loads Electron's safeStorage when running inside Electron with encryption available. */
  static async safeStorage(): Promise<SafeStorage | undefined> {
    if (!process.versions.electron) return undefined;
    try {
      const mod = (await import('electron')) as unknown as { safeStorage?: SafeStorage; default?: { safeStorage?: SafeStorage } };
      const s = mod.safeStorage ?? mod.default?.safeStorage;
      return s?.isEncryptionAvailable() ? s : undefined;
    } catch {
      return undefined;
    }
  }

  get rememberAvailable(): boolean {
    return !!this.safe;
  }

  get rememberNote(): string {
    return this.safe ? 'Encrypted with the operating system keychain (Electron safeStorage) in Lifeboat\'s data directory.' : process.versions.electron ? 'Not offered: the operating system keychain is not available to Lifeboat here.' : WEB_MODE_NOTE;
  }

  setDestination(s: SetupSecrets, remember: boolean): void {
    this.destination = { ...s };
    if (remember && this.safe) {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, this.safe.encryptString(JSON.stringify(s)), { mode: 0o600 });
      this.remembered = true;
    } else {
      rmSync(this.file, { force: true });
      this.remembered = false;
    }
  }

  getDestination(): SetupSecrets | undefined {
    return this.destination;
  }

  setRegistryPassword(p: string | undefined): void {
    this.registryPassword = p;
  }

  getRegistryPassword(): string | undefined {
    return this.registryPassword;
  }

  forget(): void {
    this.destination = undefined;
    this.registryPassword = undefined;
    this.remembered = false;
    rmSync(this.file, { force: true });
  }

  summary(): { held: boolean; remembered: boolean; rememberAvailable: boolean; rememberNote: string } {
    const held = !!this.destination && Object.values(this.destination).some(Boolean);
    return { held, remembered: this.remembered, rememberAvailable: this.rememberAvailable, rememberNote: this.rememberNote };
  }

  /** Every secret value held, for the runner's redaction. */
  values(): string[] {
    return [...Object.values(this.destination ?? {}), this.registryPassword].filter((v): v is string => !!v && v.length >= 3);
  }
}
