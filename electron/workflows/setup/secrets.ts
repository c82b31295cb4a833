/**
 * Where the setup wizard keeps the secrets the operator submits (destination keys, a registry
 * password): in this process's memory only. "Remember" encrypts the destination secrets with
 * Electron's safeStorage (the OS keychain) into the data directory; in web mode there is no
 * keychain, so remembering is not offered. Nothing here is ever sent to the renderer or logged.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SetupSecrets } from '../../api/contract.js';

export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(s: string): Buffer;
  decryptString(b: Buffer): string;
  /** Linux only: which keychain Electron uses; "basic_text" means a hard-coded key, i.e. no real
   * encryption — Lifeboat does not remember credentials then. */
  getSelectedStorageBackend?(): string;
}

/** Whether an Electron safeStorage really encrypts with an OS keychain; the reason when not. */
export function keychainUsable(s: SafeStorage | undefined, platform: NodeJS.Platform = process.platform): { ok: boolean; reason?: string } {
  if (!s) return { ok: false, reason: 'Electron safeStorage is not available here.' };
  if (!s.isEncryptionAvailable()) return { ok: false, reason: 'The operating system keychain is not available to Lifeboat.' };
  if (platform === 'linux' && s.getSelectedStorageBackend) {
    const backend = s.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown')
      return {
        ok: false,
        reason: `No keychain service is running (Electron's backend is "${backend}", which would only obscure the file, not encrypt it). Start GNOME Keyring or KWallet to use this.`,
      };
  }
  return { ok: true };
}

export const WEB_MODE_NOTE =
  'Not offered in web mode: a browser session has no access to the operating system keychain, so Lifeboat keeps the credentials in memory only until it stops.';

export class SecretKeeper {
  private destination?: SetupSecrets;
  private registryPassword?: string;
  private remembered = false;
  private readonly file: string;

  private readonly safe?: SafeStorage;
  private readonly unusableReason?: string;

  constructor(dataDir: string, safe?: SafeStorage) {
    const usable = keychainUsable(safe);
    this.safe = usable.ok ? safe : undefined;
    this.unusableReason = safe ? usable.reason : undefined;
    this.file = join(dataDir, 'setup', 'secrets.enc');
    if (this.safe && existsSync(this.file)) {
      try {
        this.destination = JSON.parse(this.safe.decryptString(readFileSync(this.file)));
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
      // Returned even when unusable, so the note can say why remembering is not offered.
      return mod.safeStorage ?? mod.default?.safeStorage;
    } catch {
      return undefined;
    }
  }

  get rememberAvailable(): boolean {
    return !!this.safe;
  }

  get rememberNote(): string {
    if (this.safe) return "Encrypted with the operating system keychain (Electron safeStorage) in Lifeboat's data directory.";
    if (this.unusableReason) return `Not offered: ${this.unusableReason} Lifeboat keeps the credentials in memory only until it stops.`;
    return process.versions.electron ? 'Not offered: the operating system keychain is not available to Lifeboat here.' : WEB_MODE_NOTE;
  }

  setDestination(s: SetupSecrets, remember: boolean): void {
    this.destination = { ...s };
    let sealed: Buffer | undefined;
    if (remember && this.safe) {
      try {
        sealed = this.safe.encryptString(JSON.stringify(s));
      } catch {
        sealed = undefined; // the keychain refused: keep them in memory only, never in clear
      }
    }
    if (sealed) {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, sealed, { mode: 0o600 });
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
